package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdempotencyRecord is a remembered response to a request with an
// Idempotency-Key.
type IdempotencyRecord struct {
	RequestHash string
	// Status is 0 while the first request is still being handled.
	Status   int
	Response []byte
}

// ClaimIdempotencyKey claims (scope, key) for a request whose body hashes to
// hash. If the key is new it is claimed and (nil, nil) is returned; if it was
// claimed before, the stored record is returned for the caller to compare
// and replay.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, scope, key, hash string) (*IdempotencyRecord, error) {
	res, err := s.DB.ExecContext(ctx,
		"INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", scope, key, hash)
	if err != nil {
		return nil, fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	rec := &IdempotencyRecord{}
	var status sql.NullInt64
	err = s.DB.QueryRowContext(ctx, "SELECT request_hash, status, response FROM idempotency_keys WHERE scope = ? AND key = ?", scope, key).
		Scan(&rec.RequestHash, &status, &rec.Response)
	if errors.Is(err, sql.ErrNoRows) {
		// Released between our insert and select: try once more.
		return s.ClaimIdempotencyKey(ctx, scope, key, hash)
	}
	if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", err)
	}
	rec.Status = int(status.Int64)
	return rec, nil
}

// CompleteIdempotencyKey stores the response for a claimed key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, scope, key string, status int, body []byte) error {
	_, err := s.DB.ExecContext(ctx, "UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND key = ?", status, body, scope, key)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key whose request failed in a way
// the client may retry (a 5xx).
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	_, err := s.DB.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL", scope, key)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys deletes remembered keys older than maxAge.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, maxAge time.Duration) (int64, error) {
	res, err := s.DB.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < now() - ? * interval '1 second'", int64(maxAge.Seconds()))
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
