package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
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

// RateBucket is one token bucket a request takes from: Key names it, and it
// refills one request per Every up to Burst.
type RateBucket struct {
	Key   string
	Every time.Duration
	Burst int
}

// TakeRateTokens takes one request from every bucket, all or none, on the
// database's clock, so every API replica shares the buckets: when one of
// them is empty nothing is taken from the others, and the decision's Wait
// is the longest wait of the empty ones. The rows are locked in key order
// (one upsert reads them), so concurrent takers queue instead of
// deadlocking; a missing row is a full bucket.
func (s *Store) TakeRateTokens(ctx context.Context, buckets []RateBucket) (RateDecision, error) {
	bs := slices.Clone(buckets)
	slices.SortFunc(bs, func(a, b RateBucket) int { return strings.Compare(a.Key, b.Key) })
	keys := make([]string, len(bs))
	for i, b := range bs {
		if b.Every <= 0 || b.Burst <= 0 {
			return RateDecision{}, fmt.Errorf("take rate tokens: %q: every %v and burst %d must be positive", b.Key, b.Every, b.Burst)
		}
		if i > 0 && b.Key == bs[i-1].Key {
			return RateDecision{}, fmt.Errorf("take rate tokens: bucket %q twice", b.Key)
		}
		keys[i] = b.Key
	}
	if len(bs) == 0 {
		return RateDecision{Allowed: true}, nil
	}
	var d RateDecision
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		d = RateDecision{}
		// The backlog of a bucket is how far its tat lies ahead of now:
		// burst*every when it is empty, 0 when it is full.
		rows, err := tx.QueryContext(ctx, `INSERT INTO rate_limits AS r (key, tat, allowed)
SELECT k, now(), true FROM unnest(?::text[]) AS k ORDER BY k
ON CONFLICT (key) DO UPDATE SET allowed = r.allowed
RETURNING key, greatest(0, ceil(extract(epoch FROM r.tat - now()) * 1e6))::bigint`, pgdialect.Array(keys))
		if err != nil {
			return err
		}
		backlog := make(map[string]int64, len(bs))
		for rows.Next() {
			var k string
			var b int64
			if err := rows.Scan(&k, &b); err != nil {
				rows.Close()
				return err
			}
			backlog[k] = b
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		next := make([]int64, len(bs))
		var wait int64
		for i, b := range bs {
			t := b.Every.Microseconds()
			next[i] = backlog[b.Key] + t
			if over := next[i] - t*int64(b.Burst); over > 0 {
				wait = max(wait, over)
			}
		}
		if wait > 0 {
			d.Wait = time.Duration(wait) * time.Microsecond
			return nil
		}
		d.Allowed = true
		_, err = tx.ExecContext(ctx, `UPDATE rate_limits AS r SET tat = now() + v.b * interval '1 microsecond', allowed = true
FROM unnest(?::text[], ?::bigint[]) AS v(k, b) WHERE r.key = v.k`, pgdialect.Array(keys), pgdialect.Array(next))
		return err
	})
	if err != nil {
		return RateDecision{}, fmt.Errorf("take rate tokens: %w", err)
	}
	return d, nil
}
