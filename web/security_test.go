package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
)

// A redirect target after sign-in is a clean path on this site, or "/":
// nothing a browser could read as another host once it drops control
// characters or turns backslashes into slashes.
func TestSafeNextKeepsRedirectsOnSite(t *testing.T) {
	ok := map[string]string{
		"/":                         "/",
		"/plans":                    "/plans",
		"/plans/42?tab=tasks#x":     "/plans/42?tab=tasks#x",
		"/tasks?status=overdue&u=1": "/tasks?status=overdue&u=1",
		"/s/abc/done":               "/s/abc/done",
		"/plans/a%2Fb":              "/plans/a%2Fb",
	}
	for in, want := range ok {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	hostile := []string{
		"", "plans", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
		"/\t/evil.example", "/\r/evil.example", "/\n/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
		"/\t\t/evil.example", "/%09/evil.example" /* decoded below */, "/a\\b",
		"https://evil.example", "https:evil.example", "http:/evil.example", "javascript:alert(1)", "JavaScript:alert(1)",
		"data:text/html,x", " /plans", " //evil.example", "\t//evil.example", "/plans ", "/ /evil.example",
		"/\u202e/evil.example", "/\u200b/evil.example", "/\u00a0/evil.example", "/\u2028/evil.example", "/\ufeff/x",
		"/%zz", "/a\x85b",
	}
	for _, in := range hostile {
		if got := safeNext(in); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", in, got)
		}
	}
	// What the query string decodes %09 (and friends) to.
	for _, raw := range []string{"/%09/evil.example", "/%0d%0a/evil.example", "/%5C/evil.example", "%2F%2Fevil.example", "/%E2%80%AE/evil.example"} {
		dec, err := url.QueryUnescape(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := safeNext(dec); got != "/" {
			t.Errorf("safeNext(decoded %q = %q) = %q, want /", raw, dec, got)
		}
	}
}

type secVerifier struct{}

func (secVerifier) Verify(_ context.Context, raw string) (auth.Principal, error) {
	return auth.Principal{Subject: raw, Roles: []string{auth.RolePlanner}}, nil
}

func secEngine(s *Server) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if s.Verifier == nil {
		s.Verifier = secVerifier{}
	}
	s.Register(r)
	r.NoRoute(s.NotFound)
	return r
}

// A signed-in user opening /login?next=… goes there only when it is on
// this site: a tab the browser would drop does not make it another host.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	r := secEngine(&Server{})
	for _, q := range []string{"/%09/evil.example", "/%0D/evil.example", "/%0A/evil.example", "%2F%5Cevil.example", "/%E2%80%AE/evil.example", "https:evil.example"} {
		req := httptest.NewRequest(http.MethodGet, "/login?next="+q, nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: "alice"})
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
			t.Errorf("GET /login?next=%s: %d Location %q, want 303 to /", q, rec.Code, rec.Header().Get("Location"))
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/login?next=%2Fplans%3Fyear%3D2026", nil)
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: "alice"})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Header().Get("Location") != "/plans?year=2026" {
		t.Errorf("a clean next: Location %q, want /plans?year=2026", rec.Header().Get("Location"))
	}
}
