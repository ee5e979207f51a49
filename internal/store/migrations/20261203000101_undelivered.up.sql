-- Alerts and notices that were not through to every target of their unit
-- within the policy's delivery bound: the workflow stopped retrying them
-- (no task or dialogue waits on a dead webhook) and recorded them here for
-- operators (GET /api/v1/deliveries, the doithoai_deliveries_undelivered
-- gauge). One row per item; the attempts themselves are in deliveries.
CREATE TABLE undelivered (
    item_kind    text        NOT NULL CHECK (item_kind IN ('alert', 'notification')),
    item_id      uuid        NOT NULL,
    reason       text        NOT NULL DEFAULT '',
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_kind, item_id)
);
CREATE INDEX undelivered_recorded_idx ON undelivered (recorded_at);
