// Package temporalx dials the Temporal client the way every command of the
// service does: through zap, with the JSON data converter, retrying until
// the server answers.
package temporalx

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/logging"
)

// Options configures the client.
type Options struct {
	HostPort  string
	Namespace string
	Logger    *zap.Logger
	// MetricsHandler receives the SDK's metrics (nil: none), for the
	// client and every worker made from it.
	MetricsHandler client.MetricsHandler
	// Interceptors wrap the client's calls; those that are also worker
	// interceptors (the tracing one) wrap the workers made from it too.
	Interceptors []interceptor.ClientInterceptor
}

func (o Options) client() client.Options {
	return client.Options{HostPort: o.HostPort, Namespace: o.Namespace, Logger: logging.ForTemporal(o.Logger),
		MetricsHandler: o.MetricsHandler, Interceptors: o.Interceptors}
}

// Lazy returns a client that connects on first use, so a process can start
// (and report not-ready) while Temporal is still coming up.
func Lazy(o Options) (client.Client, error) {
	c, err := client.NewLazyClient(o.client())
	if err != nil {
		return nil, fmt.Errorf("create temporal client for %s: %w", o.HostPort, err)
	}
	return c, nil
}

// Dial connects, retrying with backoff until the server answers or ctx ends.
func Dial(ctx context.Context, o Options) (client.Client, error) {
	wait := 500 * time.Millisecond
	for {
		c, err := client.DialContext(ctx, o.client())
		if err == nil {
			return c, nil
		}
		o.Logger.Warn("temporal not reachable yet", zap.String("address", o.HostPort), zap.Error(err), zap.Duration("retry_in", wait))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("dial temporal at %s: %w", o.HostPort, err)
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}
