package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// uiServer runs the Temporal Web UI in process.
type uiServer struct {
	srv  *uiserver.Server
	url  string
	done chan struct{} // closed when srv.Start returns
}

// startUI starts the Web UI on bindIP:port, talking to the frontend at
// frontendAddr, and waits until it answers its health check.
//
// The ui-server package does not let us hand it a listener, and its Start
// calls os.Exit if the address cannot be bound, so the port is checked
// immediately before (see resolvePort); the remaining window is tiny.
func startUI(ctx context.Context, bindIP string, port int, frontendAddr, namespace string) (*uiServer, error) {
	hostPort := net.JoinHostPort(dialIP(bindIP), strconv.Itoa(port))
	url := "http://" + hostPort
	cfg := &uiconfig.Config{
		Host:                bindIP,
		Port:                port,
		TemporalGRPCAddress: frontendAddr,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		CORS: uiconfig.CORS{
			AllowOrigins: []string{
				url,
				"http://localhost:" + strconv.Itoa(port),
				"http://127.0.0.1:" + strconv.Itoa(port),
			},
			// Plain HTTP on localhost: the CSRF cookie must not be Secure.
			CookieInsecure: true,
		},
		HideLogs:         true,
		DisableNewsFetch: true,
	}
	srv := uiserver.NewServer(uiserveroptions.WithConfigProvider(cfg))
	u := &uiServer{srv: srv, url: url, done: make(chan struct{})}
	go func() {
		defer close(u.done)
		// Start returns nil once the server is closed; any other failure
		// exits the process inside ui-server.
		_ = srv.Start()
	}()

	if err := waitHTTP(ctx, url+"/healthz", u.done); err != nil {
		u.stop()
		return nil, fmt.Errorf("web UI on %s: %w", hostPort, err)
	}
	return u, nil
}

// stop closes the UI's HTTP server and waits for its Start to return.
func (u *uiServer) stop() {
	u.srv.Stop()
	select {
	case <-u.done:
	case <-time.After(10 * time.Second):
	}
}

// waitHTTP polls url until it answers 200, the server goroutine ends (done),
// or ctx is done.
func waitHTTP(ctx context.Context, url string, done <-chan struct{}) error {
	transport := &http.Transport{DisableKeepAlives: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: 2 * time.Second, Transport: transport}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("build health request: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("health check returned %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not healthy before deadline (last error: %v): %w", err, ctx.Err())
		case <-done:
			return errors.New("server stopped while starting")
		case <-tick.C:
		}
	}
}
