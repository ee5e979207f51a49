package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdempotencyClaimTimeout is how long a claim on an Idempotency-Key holds
// while its request has not finished. After it, a request with the same key
// and body takes the claim over (the first one's process may have died
// between claiming the key and storing the response).
const IdempotencyClaimTimeout = 2 * time.Minute

// IdempotencyRecord is a remembered response to a request with an
// Idempotency-Key.
type IdempotencyRecord struct {
	RequestHash string
	// Status is 0 while the first request is still being handled.
	Status   int
	Response []byte
}

// IdempotencyClaim is a request's hold on (scope, key). ClaimedAt tells this
// claim apart from a later takeover of the same key: completing or
// releasing a claim that was taken over changes nothing.
type IdempotencyClaim struct {
	Scope, Key string
	ClaimedAt  time.Time
}

// ClaimIdempotencyKey claims (scope, key) for a request whose body hashes to
// hash. If the key is new, or it is held by an unfinished request with the
// same body that claimed it more than staleAfter ago, this request gets the
// claim and (claim, nil, nil) is returned. Otherwise (nil, record, nil)
// returns the stored record for the caller to compare and replay.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, scope, key, hash string, staleAfter time.Duration) (*IdempotencyClaim, *IdempotencyRecord, error) {
	for attempt := 0; ; attempt++ {
		var claimedAt time.Time
		// created_at is the time of the current claim: a takeover moves it.
		err := s.DB.QueryRowContext(ctx, `INSERT INTO idempotency_keys AS k (scope, key, request_hash) VALUES (?, ?, ?)
ON CONFLICT (scope, key) DO UPDATE SET created_at = now()
  WHERE k.status IS NULL AND k.request_hash = EXCLUDED.request_hash AND k.created_at < now() - ? * interval '1 microsecond'
RETURNING created_at`, scope, key, hash, staleAfter.Microseconds()).Scan(&claimedAt)
		if err == nil {
			return &IdempotencyClaim{Scope: scope, Key: key, ClaimedAt: claimedAt}, nil, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		rec := &IdempotencyRecord{}
		var status sql.NullInt64
		err = s.DB.QueryRowContext(ctx, "SELECT request_hash, status, response FROM idempotency_keys WHERE scope = ? AND key = ?", scope, key).
			Scan(&rec.RequestHash, &status, &rec.Response)
		if errors.Is(err, sql.ErrNoRows) && attempt < 3 {
			continue // released between our insert and select: try again
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read idempotency key: %w", err)
		}
		rec.Status = int(status.Int64)
		return nil, rec, nil
	}
}

// CompleteIdempotencyKey stores the response for a claim, unless the claim
// was taken over since.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, c *IdempotencyClaim, status int, body []byte) error {
	_, err := s.DB.ExecContext(ctx, "UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND key = ? AND status IS NULL AND created_at = ?",
		status, body, c.Scope, c.Key, c.ClaimedAt)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claim whose request failed in a way the
// client may retry (a 5xx, a panic), unless it was taken over since.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, c *IdempotencyClaim) error {
	_, err := s.DB.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL AND created_at = ?",
		c.Scope, c.Key, c.ClaimedAt)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys deletes remembered keys older than maxAge (counted
// from their last claim) and returns how many it deleted.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, maxAge time.Duration) (int64, error) {
	res, err := s.DB.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < now() - ? * interval '1 microsecond'", maxAge.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
