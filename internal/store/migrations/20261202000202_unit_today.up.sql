-- unit_today is the unit whose records a unit's now are: the end of its
-- chain of successors, or the unit itself when it has not merged. Roll-ups
-- on today's map count the records of old units under it.
CREATE FUNCTION unit_today(u uuid) RETURNS uuid
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain AS (
        SELECT id, successor_id, 0 AS depth FROM units WHERE id = u
        UNION ALL
        SELECT n.id, n.successor_id, c.depth + 1
        FROM chain c JOIN units n ON n.id = c.successor_id
        WHERE c.depth < 64
    )
    SELECT id FROM chain WHERE successor_id IS NULL ORDER BY depth DESC LIMIT 1
$$;
