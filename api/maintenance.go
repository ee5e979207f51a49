package api

import (
	"context"
	"time"

	"go.uber.org/zap"
)

const (
	// maintenanceEvery is how often RunMaintenance runs its chores.
	maintenanceEvery = time.Hour
	// idempotencyKeyTTL is how long a stored Idempotency-Key response is
	// replayed; a retry later than that runs as a new request.
	idempotencyKeyTTL = 24 * time.Hour
)

// RunMaintenance runs the API's periodic chores until ctx ends: once at the
// start and then every hour it deletes the Idempotency-Key records older
// than 24 hours (counted from their last claim), logging how many went. A
// failed run is logged and retried at the next tick. It returns when ctx is
// cancelled.
//
// Run it in one goroutine per API process, next to Serve:
//
//	go srv.RunMaintenance(ctx)
//
// Several API processes may run it at once: the purge is one DELETE.
func (s *Server) RunMaintenance(ctx context.Context) {
	log := s.Logger
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("maintenance")
	tick := time.NewTicker(maintenanceEvery)
	defer tick.Stop()
	for {
		n, err := s.Store.PurgeIdempotencyKeys(ctx, idempotencyKeyTTL)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("purge idempotency keys", zap.Error(err))
		default:
			log.Info("purged idempotency keys", zap.Int64("deleted", n), zap.Duration("older_than", idempotencyKeyTTL))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
