package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/notify"
)

func TestWebhookPostIsSignedAndVerifies(t *testing.T) {
	const secret = "bí-mật-đơn-vị"
	type received struct {
		header http.Header
		body   []byte
		err    error
	}
	var (
		mu  sync.Mutex
		got []received
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := notify.Verify(secret, r.Header, body, time.Now(), 5*time.Minute)
		mu.Lock()
		got = append(got, received{r.Header.Clone(), body, err})
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	ev := notify.Event{Type: notify.TypeAlert, ID: "0b8e6c1e-4f7a-4e59-9d8e-2f1f6b1c9a01", Title: "Nhiệm vụ quá hạn", Body: "Đề nghị khẩn trương xử lý."}
	body, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	status, err := (&notify.Webhook{}).Post(context.Background(), srv.URL+"/hook", secret, ev.ID, body)
	if err != nil || status != http.StatusNoContent {
		t.Fatalf("Post = %d, %v; want 204, nil", status, err)
	}
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	r := got[0]
	if r.err != nil {
		t.Fatalf("receiver could not verify: %v", r.err)
	}
	if string(r.body) != string(body) {
		t.Errorf("body = %s, want %s", r.body, body)
	}
	checks := map[string]string{
		"Content-Type":         "application/json; charset=utf-8",
		notify.HeaderDelivery:  ev.ID,
		notify.HeaderSignature: "",
	}
	for k, want := range checks {
		if v := r.header.Get(k); v == "" || (want != "" && v != want) {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	ts, err := strconv.ParseInt(r.header.Get(notify.HeaderTimestamp), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Errorf("timestamp header %q is not now", r.header.Get(notify.HeaderTimestamp))
	}
	if want := notify.Sign(secret, ts, body); r.header.Get(notify.HeaderSignature) != want {
		t.Errorf("signature = %q, want %q", r.header.Get(notify.HeaderSignature), want)
	}
}

func TestWebhookPostFailures(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Error(w, "bảo trì", http.StatusServiceUnavailable)
		case "/moved":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handlers
	w := &notify.Webhook{}

	status, err := w.Post(context.Background(), srv.URL+"/down", "s", "id", []byte(`{}`))
	if err == nil || status != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "503") {
		t.Errorf("503: Post = %d, %v; want 503 and an error naming it", status, err)
	}
	status, err = w.Post(context.Background(), srv.URL+"/moved", "s", "id", []byte(`{}`))
	if err == nil || status != http.StatusFound {
		t.Errorf("redirect: Post = %d, %v; want 302 as a failure (redirects are not followed)", status, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	status, err = w.Post(ctx, srv.URL+"/slow", "s", "id", []byte(`{}`))
	if err == nil || status != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: Post = %d, %v; want 0 and a deadline error", status, err)
	}
	short := &notify.Webhook{Client: &http.Client{Timeout: 100 * time.Millisecond}}
	if _, err := short.Post(context.Background(), srv.URL+"/slow", "s", "id", []byte(`{}`)); err == nil {
		t.Error("client timeout: Post succeeded, want a timeout error")
	}
	if _, err := w.Post(context.Background(), srv.URL+"/ok", "", "id", []byte(`{}`)); err != nil {
		t.Errorf("no secret: Post = %v, want success without a signature", err)
	}
}

func TestVerify(t *testing.T) {
	const secret = "s3cret"
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	body := []byte(`{"type":"alert","title":"Cảnh báo"}`)
	signed := func(secret string, at time.Time) http.Header {
		h := http.Header{}
		h.Set(notify.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		h.Set(notify.HeaderSignature, notify.Sign(secret, at.Unix(), body))
		return h
	}
	tests := []struct {
		name    string
		secret  string
		header  http.Header
		body    []byte
		want    error
		wantNil bool
	}{
		{name: "valid", secret: secret, header: signed(secret, now), body: body, wantNil: true},
		{name: "valid within skew", secret: secret, header: signed(secret, now.Add(-4*time.Minute)), body: body, wantNil: true},
		{name: "tampered body", secret: secret, header: signed(secret, now), body: []byte(`{"type":"alert","title":"Canh bao"}`), want: notify.ErrBadSignature},
		{name: "wrong secret", secret: "other", header: signed(secret, now), body: body, want: notify.ErrBadSignature},
		{name: "stale timestamp", secret: secret, header: signed(secret, now.Add(-10*time.Minute)), body: body, want: notify.ErrStaleTimestamp},
		{name: "future timestamp", secret: secret, header: signed(secret, now.Add(10*time.Minute)), body: body, want: notify.ErrStaleTimestamp},
		{name: "no headers", secret: secret, header: http.Header{}, body: body, want: notify.ErrMissingSignature},
		{name: "no secret", secret: "", header: signed("", now), body: body, want: notify.ErrNoSecret},
		{name: "not hex", secret: secret, header: http.Header{
			notify.HeaderTimestamp: {strconv.FormatInt(now.Unix(), 10)}, notify.HeaderSignature: {"sha256=zz"},
		}, body: body, want: notify.ErrMissingSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.Verify(tt.secret, tt.header, tt.body, now, 5*time.Minute)
			if tt.wantNil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	// A stale request with a forged signature is reported as forged: the
	// signature is checked before the clock.
	h := signed(secret, now.Add(-time.Hour))
	if err := notify.Verify("other", h, body, now, 5*time.Minute); !errors.Is(err, notify.ErrBadSignature) {
		t.Errorf("stale and forged: Verify = %v, want ErrBadSignature", err)
	}
}

func TestWebhookErrorsHideURLSecrets(t *testing.T) {
	ln := httptest.NewServer(http.NotFoundHandler())
	addr := ln.URL
	ln.Close() // nothing listens there any more
	_, err := (&notify.Webhook{}).Post(context.Background(), addr+"/hook?token=t0k3n", "s", "id", []byte(`{}`))
	if err == nil {
		t.Fatal("Post to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "t0k3n") {
		t.Errorf("error shows the URL's token: %v", err)
	}
	tests := map[string]string{
		"https://hooks.example/x/y?token=abc#f": "https://hooks.example/x/y",
		"https://user:pass@hooks.example/x":     "https://hooks.example/x",
		"http://127.0.0.1:8080/doithoai":        "http://127.0.0.1:8080/doithoai",
		"http://[::1]:8080/a?":                  "http://[::1]:8080/a",
		"://bad":                                "(unparsable URL)",
	}
	for in, want := range tests {
		if got := notify.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
