package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Serve runs handler on ln until ctx is cancelled, then drains in-flight
// requests for up to 15 seconds.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, log *zap.Logger) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(ln) }()
	select {
	case err := <-errCh:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	log.Info("draining HTTP requests")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

// Run serves the API on ln until ctx is cancelled: it runs the alert feed
// (s.Feed, when set) and the maintenance loop beside the HTTP server, then
// drains like Serve. Stopping the feed ends the open streams, so the drain
// does not wait for them. Run returns once the feed has stopped too.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // before the Wait: a failed Serve stops the rest
	if s.Feed != nil {
		wg.Go(func() {
			if err := s.Feed.Run(ctx); err != nil {
				s.logger().Error("alert feed stopped", zap.Error(err))
			}
		})
	}
	wg.Go(func() { s.RunMaintenance(ctx) })
	return Serve(ctx, ln, s.Handler(), s.logger())
}
