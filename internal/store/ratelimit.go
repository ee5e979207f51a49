package store

import (
	"context"
	"fmt"
	"time"
)

// RateDecision is the answer of TakeRateToken: whether the request may go
// on and, when it may not, how long until it may.
type RateDecision struct {
	Allowed bool
	Wait    time.Duration
}

// TakeRateToken takes one request from the token bucket of key (a client
// of the public survey link), which refills one request per every up to
// burst, in one atomic statement on the database's clock, so every API
// replica shares the bucket. The bucket is kept as the time it would be
// full again (GCRA); a refused request changes nothing.
func (s *Store) TakeRateToken(ctx context.Context, key string, every time.Duration, burst int) (RateDecision, error) {
	if every <= 0 || burst <= 0 {
		return RateDecision{}, fmt.Errorf("take rate token: every %v and burst %d must be positive", every, burst)
	}
	t := every.Microseconds()
	limit := t * int64(burst)
	var d RateDecision
	var waitMicros int64
	err := s.DB.QueryRowContext(ctx, `INSERT INTO rate_limits AS r (key, tat, allowed)
VALUES (?0, now() + ?1 * interval '1 microsecond', true)
ON CONFLICT (key) DO UPDATE SET
  allowed = greatest(r.tat, now()) + ?1 * interval '1 microsecond' <= now() + ?2 * interval '1 microsecond',
  tat = CASE WHEN greatest(r.tat, now()) + ?1 * interval '1 microsecond' <= now() + ?2 * interval '1 microsecond'
        THEN greatest(r.tat, now()) + ?1 * interval '1 microsecond' ELSE r.tat END
RETURNING allowed,
  CASE WHEN allowed THEN 0
       ELSE greatest(0, ceil(extract(epoch FROM r.tat - now()) * 1e6) - (?2 - ?1))::bigint END`,
		key, t, limit).Scan(&d.Allowed, &waitMicros)
	if err != nil {
		return RateDecision{}, fmt.Errorf("take rate token: %w", err)
	}
	if !d.Allowed {
		d.Wait = max(time.Duration(waitMicros)*time.Microsecond, time.Microsecond)
	}
	return d, nil
}

// PurgeRateLimits deletes the buckets that have been full again for longer
// than idle (a full bucket is the same as none) and returns how many.
func (s *Store) PurgeRateLimits(ctx context.Context, idle time.Duration) (int64, error) {
	res, err := s.DB.ExecContext(ctx, "DELETE FROM rate_limits WHERE tat < now() - ? * interval '1 microsecond'", idle.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("purge rate limits: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
