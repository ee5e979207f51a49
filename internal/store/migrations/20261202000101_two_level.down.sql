DROP TABLE IF EXISTS unit_merger_sources;
DROP TABLE IF EXISTS unit_mergers;
DROP INDEX IF EXISTS units_successor_idx;
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_merged_check;
ALTER TABLE units DROP COLUMN IF EXISTS merged_at;
ALTER TABLE units DROP COLUMN IF EXISTS successor_id;
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_kind_check;
ALTER TABLE units DROP COLUMN IF EXISTS kind;
-- Units under a national root become roots again (their paths lose the
-- root's segment); the national units go (this fails, as it should, if
-- records still belong to them).
UPDATE units u
   SET path = substr(u.path, length(r.path)),
       parent_id = CASE WHEN u.parent_id = r.id THEN NULL ELSE u.parent_id END
  FROM units r
 WHERE r.level = 'national' AND u.id <> r.id AND u.path LIKE r.path || '%';
DELETE FROM units WHERE level = 'national';
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_level_check;
ALTER TABLE units ADD CONSTRAINT units_level_check
    CHECK (level IN ('province', 'district', 'commune'));
