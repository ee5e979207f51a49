package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSecurityHeadersAndCORS(t *testing.T) {
	h := (&Server{CORSOrigins: []string{"https://doithoai.example.vn/"}}).Handler()
	do := func(method, origin string, preflight bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/healthz", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if preflight {
			req.Header.Set("Access-Control-Request-Method", "POST")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := do(http.MethodGet, "", false)
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Content-Security-Policy": contentSecurityPolicy, "Cache-Control": "no-store"} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("no Origin, yet Access-Control-Allow-Origin = %q", got)
	}
	if got := do(http.MethodGet, "https://doithoai.example.vn", false).Header().Get("Access-Control-Allow-Origin"); got != "https://doithoai.example.vn" {
		t.Errorf("configured origin: Access-Control-Allow-Origin = %q", got)
	}
	if got := do(http.MethodGet, "https://evil.example.com", false).Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin: Access-Control-Allow-Origin = %q", got)
	}
	if rec := do(http.MethodOptions, "https://doithoai.example.vn", true); rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Methods") == "" {
		t.Errorf("preflight from the configured origin: %d %v", rec.Code, rec.Header())
	}
	if rec := do(http.MethodOptions, "https://evil.example.com", true); rec.Code != http.StatusForbidden {
		t.Errorf("preflight from a foreign origin: %d", rec.Code)
	}
}
