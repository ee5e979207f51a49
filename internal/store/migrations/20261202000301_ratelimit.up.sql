-- The public survey link's rate limit, shared by every API replica: one row
-- per client, a token bucket kept as its "theoretical arrival time" (GCRA):
-- tat is when the bucket would be full again. A request is allowed when
-- greatest(tat, now()) + interval <= now() + burst * interval, and then moves
-- tat on by one interval. Rows whose tat has passed are full buckets, the
-- same as no row, and are deleted after a while (tat index).
CREATE TABLE rate_limits (
    key     text        PRIMARY KEY,
    tat     timestamptz NOT NULL,
    allowed boolean     NOT NULL
);
CREATE INDEX rate_limits_tat_idx ON rate_limits (tat);
