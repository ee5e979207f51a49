package web

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/config"
)

// A form post from the same host under the other scheme is refused end to
// end, both ways.
func TestLogoutFromAnotherSchemeIsRefused(t *testing.T) {
	r := secEngine(&Server{})
	for _, tc := range []struct {
		url, origin string
		tls         bool
		want        int
	}{
		{"http://doithoai.test/logout", "https://doithoai.test", false, http.StatusForbidden},
		{"https://doithoai.test/logout", "http://doithoai.test", true, http.StatusForbidden},
		{"http://doithoai.test/logout", "http://doithoai.test", false, http.StatusSeeOther},
		{"https://doithoai.test/logout", "https://doithoai.test", true, http.StatusSeeOther},
	} {
		req := httptest.NewRequest(http.MethodPost, tc.url, nil)
		if tc.tls {
			req.TLS = &tls.ConnectionState{}
		}
		req.Header.Set("Origin", tc.origin)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("POST %s from %s: %d, want %d", tc.url, tc.origin, rec.Code, tc.want)
		}
	}
}

// The origin check compares scheme, host and port with the site's own
// origin: PUBLIC_URL when set, else the request's.
func TestSameOriginComparesSchemeHostAndPort(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	cases := []struct {
		public, reqScheme, host, origin, referer string
		want                                     bool
	}{
		{"", "http", "doithoai.test", "http://doithoai.test", "", true},
		{"", "http", "doithoai.test", "https://doithoai.test", "", false},
		{"", "https", "doithoai.test", "http://doithoai.test", "", false},
		{"", "https", "doithoai.test", "https://doithoai.test", "", true},
		{"", "http", "doithoai.test:8080", "http://doithoai.test:8080", "", true},
		{"", "http", "doithoai.test:8080", "http://doithoai.test:8081", "", false},
		{"", "http", "doithoai.test:8080", "http://doithoai.test", "", false},
		{"", "http", "doithoai.test", "http://evil.example", "", false},
		{"", "http", "doithoai.test", "", "http://doithoai.test/plans", true},
		{"", "http", "doithoai.test", "", "https://doithoai.test/plans", false},
		{"", "http", "doithoai.test", "", "http://evil.example/x", false},
		{"", "http", "doithoai.test", "null", "", false},
		{"", "http", "doithoai.test", "", "", true},
		{"", "http", "doithoai.test", "javascript:x", "", false},
		{"", "http", "doithoai.test", "http://doithoai.test:80", "", true},
		{"https://doithoai.test", "http", "doithoai.test", "https://doithoai.test", "", true},
		{"https://doithoai.test", "http", "doithoai.test", "http://doithoai.test", "", false},
		{"https://doithoai.test/", "http", "internal:8080", "https://doithoai.test", "", true},
		{"https://doithoai.test", "http", "doithoai.test", "https://doithoai.test:443", "", true},
		{"https://doithoai.test", "http", "doithoai.test", "https://doithoai.test:8443", "", false},
		{"http://doithoai.test", "https", "doithoai.test", "https://doithoai.test", "", false},
	}
	for _, tc := range cases {
		s := &Server{PublicURL: tc.public}
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		req := httptest.NewRequest(http.MethodPost, tc.reqScheme+"://"+tc.host+"/logout", nil)
		if tc.reqScheme == "https" {
			req.TLS = &tls.ConnectionState{}
		}
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		if tc.referer != "" {
			req.Header.Set("Referer", tc.referer)
		}
		c.Request = req
		if got := s.sameOrigin(c); got != tc.want {
			t.Errorf("PUBLIC_URL %q, %s://%s, Origin %q, Referer %q: sameOrigin %v, want %v",
				tc.public, tc.reqScheme, tc.host, tc.origin, tc.referer, got, tc.want)
		}
	}
}

// X-Forwarded-Proto names the scheme only when a trusted proxy sent it.
func TestSameOriginTrustsForwardedProtoOnlyFromProxies(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	for _, tc := range []struct {
		peer    string
		trusted config.Proxies
		want    bool
	}{
		{"10.0.0.7:5555", config.MustProxies("10.0.0.0/8"), true},
		{"10.0.0.7:5555", config.MustProxies("10.0.0.7"), true},
		{"192.0.2.1:5555", config.MustProxies("10.0.0.0/8"), false},
		{"10.0.0.7:5555", nil, false},
	} {
		s := &Server{TrustedProxies: tc.trusted}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "http://doithoai.test/logout", nil)
		c.Request.RemoteAddr = tc.peer
		c.Request.Header.Set("X-Forwarded-Proto", "https")
		c.Request.Header.Set("Origin", "https://doithoai.test")
		if got := s.sameOrigin(c); got != tc.want {
			t.Errorf("peer %s, trusted %v: https origin accepted %v, want %v", tc.peer, tc.trusted, got, tc.want)
		}
	}
}
