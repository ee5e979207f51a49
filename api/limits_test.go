package api

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/config"
)

// serveForTest serves s within lim on a loopback port until the test ends.
func serveForTest(t *testing.T, s *Server, lim Limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeLimited(ctx, ln, s.Handler(), zap.NewNop(), lim) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// A body trickled to the public survey link is cut off at the link's body
// deadline: the server ends the exchange (answers and closes, or just
// closes) while the client still has most of the body to send, instead of
// waiting for all of it.
func TestPublicSurveyTrickledBodyIsCutOff(t *testing.T) {
	addr := serveForTest(t, &Server{PublicBodyTimeout: time.Second}, Limits{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const bodyLen = 80 // one byte every 100 ms: 8 s for the whole body
	if _, err := io.WriteString(conn, "POST /api/v1/survey/not-a-token/responses HTTP/1.1\r\nHost: doithoai.test\r\n"+
		"Content-Type: application/json\r\nContent-Length: 80\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	ended := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(conn) // until the server closes the connection
		ended <- string(b)
	}()
	sent := 1
	for ; sent < bodyLen; sent++ {
		select {
		case resp := <-ended:
			t.Logf("server ended the request after %d of %d bytes: %.60q", sent, bodyLen, resp)
			return
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := conn.Write([]byte(" ")); err != nil {
			t.Logf("server closed the connection after %d of %d bytes: %v", sent, bodyLen, err)
			return
		}
	}
	t.Fatalf("the server read all %d trickled bytes: no body deadline on the public link", bodyLen)
}

// Connections over the per-client cap are answered 503 and closed; another
// client still gets through, and so does the first once one of its
// connections has closed.
func TestConnectionsPerClientAreCapped(t *testing.T) {
	addr := serveForTest(t, &Server{}, Limits{MaxConnsPerClient: 2})
	dialFrom := func(ip string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial from %s: %v", ip, err)
		}
		return c
	}
	healthz := func(c net.Conn) (int, error) {
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: doithoai.test\r\n\r\n"); err != nil {
			return 0, err
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// Two slow connections that have not finished their headers.
	var held []net.Conn
	for range 2 {
		c := dialFrom("127.0.0.1")
		defer c.Close()
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\n"); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	third := dialFrom("127.0.0.1")
	defer third.Close()
	if code, err := healthz(third); err == nil && code != http.StatusServiceUnavailable {
		t.Errorf("a third connection from the same address: %d, want 503 or closed", code)
	}
	other := dialFrom("127.0.0.2")
	defer other.Close()
	if code, err := healthz(other); err != nil || code != http.StatusOK {
		t.Errorf("another address: %d %v, want 200", code, err)
	}
	// Once one closes, the first address may connect again.
	held[0].Close()
	for i := 0; ; i++ {
		c := dialFrom("127.0.0.1")
		code, err := healthz(c)
		c.Close()
		if err == nil && code == http.StatusOK {
			break
		}
		if i == 50 {
			t.Fatalf("the first address after closing one connection: %d %v", code, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Behind a trusted proxy the requests in flight are capped per client as
// X-Forwarded-For names it: a client at its cap gets 503, another client
// through the same proxy does not; a page's in-process calls to the API
// are not counted again.
func TestRequestsInFlightPerForwardedClientAreCapped(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	var s *Server
	s = &Server{TrustedProxies: config.MustProxies("10.0.0.0/8"), Limits: Limits{MaxConnsPerClient: 2}, Mount: func(r *gin.Engine) {
		r.GET("/block", func(c *gin.Context) {
			entered <- struct{}{}
			<-release
			c.Status(http.StatusNoContent)
		})
		r.GET("/page", func(c *gin.Context) {
			// What a page does: call the API in-process with the request's
			// context.
			req := httptest.NewRequestWithContext(c.Request.Context(), http.MethodGet, "/healthz", nil)
			req.RemoteAddr, req.Header = c.Request.RemoteAddr, c.Request.Header.Clone()
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			c.Status(rec.Code)
		})
	}}
	h := s.Handler()
	get := func(path, client string) int {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "10.0.0.5:4000"
		req.Header.Set("X-Forwarded-For", client)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { get("/block", "198.51.100.7") })
		<-entered
	}
	if code := get("/healthz", "198.51.100.7"); code != http.StatusServiceUnavailable {
		t.Errorf("a third request in flight from one client: %d, want 503", code)
	}
	if code := get("/page", "198.51.100.8"); code != http.StatusOK {
		t.Errorf("another client behind the proxy: %d, want 200", code)
	}
	close(release)
	wg.Wait()
	if code := get("/healthz", "198.51.100.7"); code != http.StatusOK {
		t.Errorf("the first client once its requests ended: %d, want 200", code)
	}

	// At a cap of one, a page's in-process call is the same request.
	s1 := &Server{Limits: Limits{MaxConnsPerClient: 1}, Mount: s.Mount}
	h1 := s1.Handler()
	req := httptest.NewRequest(http.MethodGet, "/page", nil)
	rec := httptest.NewRecorder()
	h1.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("a page calling the API in-process at a cap of one: %d, want 200", rec.Code)
	}
}
