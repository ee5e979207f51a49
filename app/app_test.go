package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/app"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/web"
)

// newApp assembles the service on a fresh database, with a Temporal client
// that would connect on first use to an address where nothing listens.
func newApp(t *testing.T, opts ...app.Option) *app.App {
	t.Helper()
	st, _ := testenv.NewDatabase(t)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := dead.Addr().String()
	dead.Close()
	cfg := config.Config{TemporalAddress: addr, TemporalNamespace: "default", TaskQueue: "doithoai-app-test", CloseOfDay: "17:00"}
	opts = append([]app.Option{app.WithLogger(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))), app.WithStore(st),
		app.WithLazyTemporal(), app.WithVerifier(testenv.Tokens(t))}, opts...)
	a, err := app.New(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	return a
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestRunAPIServesTheAPIAndThePagesAndDrains(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, app.WithListener(ln), app.WithDevLogin(&web.DevLogin{Minter: testenv.Tokens(t)}))
	defer a.Close()
	srv, err := a.API(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := a.API(context.Background()); again != srv {
		t.Error("API built the server twice")
	}
	if srv.Feed == nil {
		t.Error("the API has no alert feed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunAPI(ctx) }()
	base := "http://" + ln.Addr().String()

	if status, _, body := get(t, base+"/healthz"); status != http.StatusOK {
		t.Errorf("healthz: %d %s", status, body)
	}
	// The pages are mounted on the API's engine, and answer unknown paths
	// outside /api/ with their own page; the API keeps its JSON 404.
	if status, ctype, _ := get(t, base+"/login"); status != http.StatusOK || !strings.HasPrefix(ctype, "text/html") {
		t.Errorf("login page: %d %s", status, ctype)
	}
	if status, ctype, _ := get(t, base+"/no-such-page"); status != http.StatusNotFound || !strings.HasPrefix(ctype, "text/html") {
		t.Errorf("unknown page: %d %s, want the pages' 404", status, ctype)
	}
	if status, ctype, _ := get(t, base+"/api/v1/no-such-route"); status != http.StatusNotFound || !strings.HasPrefix(ctype, "application/json") {
		t.Errorf("unknown API route: %d %s, want the API's JSON 404", status, ctype)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunAPI after cancel: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunAPI did not return after cancel")
	}
	if !srv.Feed.Stopped() {
		t.Error("the alert feed still runs after RunAPI returned")
	}
}

func TestCloseKeepsWhatTheCallerPassedIn(t *testing.T) {
	a := newApp(t)
	st := a.Store
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := st.Ping(context.Background()); err != nil {
		t.Fatalf("the caller's store was closed: %v", err)
	}
}

func TestRunRefusesAnUnknownRole(t *testing.T) {
	a := newApp(t)
	defer a.Close()
	if err := a.Run(context.Background(), "scheduler"); err == nil || !strings.Contains(err.Error(), "scheduler") {
		t.Fatalf("Run with an unknown role: %v", err)
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	got := app.Redact("postgres://u:secret@db:5432/x?sslmode=disable")
	if strings.Contains(got, "secret") || !strings.Contains(got, "u:xxx@db:5432/x") {
		t.Fatalf("Redact = %q", got)
	}
}
