-- The feed's order without a lock: an item's seq is its transaction's id
-- (xid8) shifted left 16 bits, plus its rank among the feed items of that
-- transaction. Readers return only items below the horizon
-- pg_snapshot_xmin(pg_current_snapshot()) << 16, under which every
-- transaction has ended, so an item that becomes visible later always has
-- a larger seq than any item already read (README, "The alert feed").
CREATE FUNCTION feed_position() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int := coalesce(nullif(current_setting('doithoai.feed_rank', true), ''), '0')::int + 1;
BEGIN
    IF n > 65535 THEN
        RAISE EXCEPTION 'more than 65535 feed items in one transaction';
    END IF;
    PERFORM set_config('doithoai.feed_rank', n::text, true);
    RETURN (pg_current_xact_id()::text::bigint << 16) | n;
END;
$$;
ALTER TABLE alerts ALTER COLUMN seq SET DEFAULT feed_position();
ALTER TABLE notifications ALTER COLUMN seq SET DEFAULT feed_position();
