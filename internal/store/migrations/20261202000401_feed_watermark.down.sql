SELECT setval('feed_seq', greatest(
    (SELECT coalesce(max(seq), 0) FROM alerts),
    (SELECT coalesce(max(seq), 0) FROM notifications),
    1));
ALTER TABLE alerts ALTER COLUMN seq SET DEFAULT nextval('feed_seq');
ALTER TABLE notifications ALTER COLUMN seq SET DEFAULT nextval('feed_seq');
DROP FUNCTION IF EXISTS feed_position();
