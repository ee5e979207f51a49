-- The live feed must never hand out a seq while a smaller one may still
-- commit: seq comes from feed_seq at INSERT time but is visible only at
-- COMMIT. Each row records the transaction that wrote it, and a reader only
-- takes rows whose transaction is older than every transaction still in
-- flight (xid < pg_snapshot_xmin(pg_current_snapshot())). Rows stored
-- before this migration get the migration's own transaction id, which is
-- settled once it commits.
ALTER TABLE alerts ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE notifications ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- GET /alerts?dialogue_id=… filters on it.
CREATE INDEX alerts_dialogue_idx ON alerts (dialogue_id);
