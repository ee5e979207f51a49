package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/auth"
)

// keysDown is a verifier whose identity provider does not answer.
type keysDown struct{}

func (keysDown) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, errors.New("fetch keys: connection refused")
}

// A token that cannot be checked is the server's problem (503), not the
// client's (401); so is a server with no authentication configured.
func TestAuthUnavailableIs503(t *testing.T) {
	for name, srv := range map[string]*Server{"keys down": {Auth: keysDown{}}, "not configured": {}} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/tasks", nil)
		req.Header.Set("Authorization", "Bearer x.y.z")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), CodeAuthUnavailable) {
			t.Errorf("%s: %d %s, want 503 %s", name, rec.Code, rec.Body, CodeAuthUnavailable)
		}
	}
}

// The session cookie of the web pages is a token for reads only: a POST
// with it alone is unauthenticated.
func TestSessionCookieOnlyForReads(t *testing.T) {
	v, err := auth.NewHS256(auth.HS256Config{Secret: []byte("cookie-test-secret-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := v.Mint(auth.Principal{Subject: "o", Roles: []string{auth.RoleOfficer}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := (&Server{Auth: v}).Handler()
	for _, tc := range []struct {
		method string
		want   int
	}{
		// GET passes authentication and the guard, then meets its
		// validation (limit=0) before any database read.
		{http.MethodGet, http.StatusUnprocessableEntity},
		{http.MethodPost, http.StatusUnauthorized},
	} {
		path := "/api/v1/tasks?limit=0"
		if tc.method == http.MethodPost {
			path = "/api/v1/tasks/6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b/result"
		}
		req := httptest.NewRequest(tc.method, path, strings.NewReader(`{"text":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: tok})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s with the session cookie: %d %s, want %d", tc.method, rec.Code, rec.Body, tc.want)
		}
	}
}
