package testenv

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/auth"
)

// TokenSecret is the HS256 secret of the test API (tests only).
const TokenSecret = "doithoai-test-secret-0123456789abcdef"

// Tokens mints test tokens the test API accepts.
func Tokens(tb testing.TB) *auth.HS256 {
	tb.Helper()
	h, err := auth.NewHS256(auth.HS256Config{Secret: []byte(TokenSecret)})
	if err != nil {
		tb.Fatalf("test token verifier: %v", err)
	}
	return h
}

// Admin is an administrator bound to no unit: the test clients' default
// user, who may create units.
var Admin = auth.Principal{Subject: "test.admin", Name: "Test admin", Roles: []string{auth.RoleAdmin}}

// User is a principal of the given roles on a unit.
func User(subject, unitID string, roles ...string) auth.Principal {
	return auth.Principal{Subject: subject, Name: subject, Roles: roles, UnitID: unitID}
}

// Staff is a user holding every role but officer on unitID: it plans,
// hosts, monitors and supervises there and below, for tests where
// permissions are not the point.
func Staff(unitID string) auth.Principal {
	return User("staff", unitID, auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RolePartyCommittee, auth.RoleAdmin)
}

// Token mints a token for p valid for an hour.
func Token(tb testing.TB, p auth.Principal) string {
	tb.Helper()
	tok, err := Tokens(tb).Mint(p, time.Hour)
	if err != nil {
		tb.Fatalf("mint token: %v", err)
	}
	return tok
}

// As returns a copy of the client that acts as p.
func (c *Client) As(p auth.Principal) *Client {
	c.tb.Helper()
	return c.WithToken(Token(c.tb, p))
}

// WithToken returns a copy of the client that sends tok ("" for none).
func (c *Client) WithToken(tok string) *Client {
	cp := *c
	cp.token = tok
	return &cp
}

// PageClient is a browser-like client of the env's web pages signed in as
// p: it keeps cookies (the session) and does not follow redirects, so a
// test sees each answer.
func (e *Env) PageClient(tb testing.TB, p auth.Principal) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := url.Parse(e.BaseURL)
	if err != nil {
		tb.Fatal(err)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookie, Value: Token(tb, p), Path: "/"}})
	return &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
