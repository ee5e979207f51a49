package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The public survey link is rate-limited per client address: a client over
// its burst gets 429 with Retry-After, another client is not affected, and
// X-Forwarded-For counts only from a trusted proxy.
func TestPublicSurveyRateLimitPerClient(t *testing.T) {
	get := func(h http.Handler, remote, forwarded string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/survey/not-a-token", nil)
		req.RemoteAddr = remote
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	h := (&Server{SurveyLimit: RateLimit{Every: time.Hour, Burst: 3}}).Handler()
	for i := range 3 {
		// A malformed token is unknown without a database read.
		if rec := get(h, "192.0.2.1:1000", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("request %d: %d, want 404 within the burst: %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := get(h, "192.0.2.1:1001", "")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), CodeRateLimited) || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("over the burst: %d %v %s, want 429 rate_limited with Retry-After", rec.Code, rec.Header(), rec.Body)
	}
	if rec := get(h, "192.0.2.2:1000", ""); rec.Code != http.StatusNotFound {
		t.Errorf("another client: %d, want 404 (its own bucket)", rec.Code)
	}
	// Not behind a trusted proxy, X-Forwarded-For cannot buy a new bucket.
	if rec := get(h, "192.0.2.1:1002", "198.51.100.7"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("spoofed X-Forwarded-For from an untrusted peer: %d, want 429", rec.Code)
	}

	// Behind a trusted proxy, each forwarded client has its own bucket.
	h = (&Server{SurveyLimit: RateLimit{Every: time.Hour, Burst: 1}, TrustedProxies: []string{"10.0.0.0/8"}}).Handler()
	if rec := get(h, "10.0.0.5:1000", "198.51.100.7"); rec.Code != http.StatusNotFound {
		t.Fatalf("first forwarded client: %d", rec.Code)
	}
	if rec := get(h, "10.0.0.5:1000", "198.51.100.8"); rec.Code != http.StatusNotFound {
		t.Errorf("second forwarded client through the same proxy: %d, want 404", rec.Code)
	}
	if rec := get(h, "10.0.0.5:1000", "198.51.100.7"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("first client again: %d, want 429", rec.Code)
	}
}

// One answer through the public link is capped far below the staff batch
// limit.
func TestPublicSurveyBodyCap(t *testing.T) {
	h := (&Server{}).Handler()
	body := `{"field":"Đất đai","content":"` + strings.Repeat("x", publicSurveyMaxBody) + `"}`
	req := httptest.NewRequest(http.MethodPost, "/api/v1/survey/"+strings.Repeat("a", 64)+"/responses", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized answer: %d %s, want 413", rec.Code, rec.Body)
	}
}
