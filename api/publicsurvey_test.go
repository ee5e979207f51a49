package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/config"
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
	h = (&Server{SurveyLimit: RateLimit{Every: time.Hour, Burst: 1}, TrustedProxies: config.MustProxies("10.0.0.0/8")}).Handler()
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

// The 429 answer says how long to wait in words people read: one second,
// not "1 seconds"; minutes or hours for a long wait; Vietnamese too.
func TestPublicSurveyRateLimitWording(t *testing.T) {
	for _, tc := range []struct {
		every      time.Duration
		retryAfter string
		vi, en     string
	}{
		{time.Second, "1", "thử lại sau 1 giây.", "try again in 1 second."},
		{3 * time.Second, "3", "thử lại sau 3 giây.", "try again in 3 seconds."},
		{time.Minute, "60", "thử lại sau 1 phút.", "try again in 1 minute."},
		{150 * time.Second, "150", "thử lại sau 3 phút.", "try again in 3 minutes."},
		{time.Hour, "3600", "thử lại sau 1 giờ.", "try again in 1 hour."},
		{5 * time.Hour, "18000", "thử lại sau 5 giờ.", "try again in 5 hours."},
	} {
		h := (&Server{SurveyLimit: RateLimit{Every: tc.every, Burst: 1}}).Handler()
		var rec *httptest.ResponseRecorder
		for range 2 {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/survey/not-a-token", nil)
			req.RemoteAddr = "192.0.2.1:1000"
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, req)
		}
		var e struct{ Message, MessageEN string }
		if err := json.Unmarshal(rec.Body.Bytes(), &struct {
			Message   *string `json:"message"`
			MessageEN *string `json:"message_en"`
		}{&e.Message, &e.MessageEN}); err != nil {
			t.Fatal(err)
		}
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != tc.retryAfter ||
			!strings.HasSuffix(e.Message, tc.vi) || !strings.HasSuffix(e.MessageEN, tc.en) {
			t.Errorf("every %v: %d Retry-After %q, %q / %q; want Retry-After %s, …%q / …%q",
				tc.every, rec.Code, rec.Header().Get("Retry-After"), e.Message, e.MessageEN, tc.retryAfter, tc.vi, tc.en)
		}
	}
}
