package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/netutil"

	"github.com/doithoai/doithoai/internal/config"
)

// Limits bound what the HTTP server holds open; a zero field takes its
// default.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (default
	// 60 s: the 8 MiB body cap at about 1.1 Mbit/s).
	ReadTimeout time.Duration
	// MaxConns caps the open connections (default 1024); more wait in the
	// listen queue until one closes.
	MaxConns int
	// MaxConnsPerClient caps the open connections from one peer address
	// (default 64); a connection over it is answered 503 and closed.
	// TrustedProxies are not capped here: the clients behind them are
	// counted by X-Forwarded-For, request by request (see the Server's
	// per-client cap).
	MaxConnsPerClient int
	// TrustedProxies are the proxies' addresses or CIDRs.
	TrustedProxies config.Proxies
}

func (l Limits) withDefaults() Limits {
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = 10 * time.Second
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = 60 * time.Second
	}
	if l.MaxConns <= 0 {
		l.MaxConns = 1024
	}
	if l.MaxConnsPerClient <= 0 {
		l.MaxConnsPerClient = 64
	}
	return l
}

// Serve runs handler on ln with the default Limits until ctx is cancelled,
// then drains in-flight requests for up to 15 seconds.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, log *zap.Logger) error {
	return ServeLimited(ctx, ln, handler, log, Limits{})
}

// ServeLimited is Serve within lim.
func ServeLimited(ctx context.Context, ln net.Listener, handler http.Handler, log *zap.Logger, lim Limits) error {
	lim = lim.withDefaults()
	ln = netutil.LimitListener(newClientListener(ln, lim.MaxConnsPerClient, lim.TrustedProxies), lim.MaxConns)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
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

// clientListener caps the open connections from one peer address: a
// connection over the cap is answered 503 and closed at once, before any
// of it is read. Trusted proxies are not capped.
type clientListener struct {
	net.Listener
	max     int
	trusted config.Proxies
	mu      sync.Mutex
	open    map[netip.Addr]int
}

func newClientListener(ln net.Listener, max int, trusted config.Proxies) *clientListener {
	return &clientListener{Listener: ln, max: max, trusted: trusted, open: map[netip.Addr]int{}}
}

// refusal is what a connection over its address's cap reads.
var refusal = func() string {
	body := "Quá nhiều kết nối từ một địa chỉ, vui lòng thử lại sau giây lát.\nToo many connections from one address; please try again shortly.\n"
	return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n" +
		"Connection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}()

func (l *clientListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
		if err != nil {
			return c, nil // not TCP/IP: nothing to count by
		}
		ip := ap.Addr().Unmap()
		if l.isTrusted(ip) {
			return c, nil
		}
		l.mu.Lock()
		if l.open[ip] >= l.max {
			l.mu.Unlock()
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = io.WriteString(c, refusal)
			_ = c.Close()
			continue
		}
		l.open[ip]++
		l.mu.Unlock()
		return &clientConn{Conn: c, l: l, ip: ip}, nil
	}
}

func (l *clientListener) isTrusted(ip netip.Addr) bool { return l.trusted.Contains(ip) }

func (l *clientListener) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

// clientConn gives its address's place back when it closes.
type clientConn struct {
	net.Conn
	l    *clientListener
	ip   netip.Addr
	once sync.Once
}

func (c *clientConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.ip) })
	return err
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
	return ServeLimited(ctx, ln, s.Handler(), s.logger(), s.Limits)
}
