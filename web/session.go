package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/doithoai/doithoai/internal/auth"
)

const (
	langCookie  = "doithoai_lang"
	stateCookie = "doithoai_oidc"
	ctxView     = "web_view"
	// sessionTTL bounds a dev sign-in; an OIDC session lasts as long as
	// its access token.
	sessionTTL = 12 * time.Hour
)

// DevUser is one demo account offered on the dev sign-in page.
type DevUser struct {
	auth.Principal
	// What says, in a few words, what the user does (Vietnamese / English).
	What string
}

// DevLogin signs users in by choosing a demo user (cmd/dev only): it
// mints their token with the dev secret.
type DevLogin struct {
	Minter *auth.HS256
	mu     sync.Mutex
	users  []DevUser
}

// SetUsers replaces the demo users offered.
func (d *DevLogin) SetUsers(us []DevUser) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.users = append([]DevUser(nil), us...)
}

// Users lists the demo users offered.
func (d *DevLogin) Users() []DevUser {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]DevUser(nil), d.users...)
}

// OIDCLogin signs users in with the identity provider's login page
// (authorization code flow with PKCE); the access token it returns is the
// session.
type OIDCLogin struct {
	Config oauth2.Config
}

// lang is the page language: ?lang= (remembered in a cookie), the cookie,
// else Vietnamese.
func (s *Server) lang(c *gin.Context) string {
	if l := c.Query("lang"); l == "vi" || l == "en" {
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie(langCookie, l, 365*24*3600, "/", "", s.SecureCookies, true)
		return l
	}
	if l, err := c.Cookie(langCookie); err == nil && (l == "vi" || l == "en") {
		return l
	}
	return "vi"
}

// session reads and verifies the session cookie; nil when there is none or
// it is no longer valid.
func (s *Server) session(c *gin.Context) (*auth.Principal, string) {
	tok, err := c.Cookie(auth.SessionCookie)
	if err != nil || tok == "" || s.Verifier == nil {
		return nil, ""
	}
	p, err := s.Verifier.Verify(c.Request.Context(), tok)
	if err != nil {
		return nil, ""
	}
	return &p, tok
}

func (s *Server) setSession(c *gin.Context, token string, ttl time.Duration) {
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(auth.SessionCookie, token, int(ttl.Seconds()), "/", "", s.SecureCookies, true)
}

// csrfToken is the form token of a session: a hash of the session token,
// which only the signed-in browser knows (the cookie is HttpOnly).
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("doithoai-csrf\n" + session))
	return hex.EncodeToString(sum[:16])
}

// sameOrigin refuses a state-changing request whose Origin (or, without
// one, Referer) is not this site's own origin: scheme, host and port must
// all match (a page served over http may not post to the https site, nor
// the other way round). With neither header the request passes (the form
// token still guards it); "null" and anything unparsable do not.
func (s *Server) sameOrigin(c *gin.Context) bool {
	origin := c.GetHeader("Origin")
	if origin == "" {
		origin = c.GetHeader("Referer")
	}
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return originOf(u.Scheme, u.Host) == s.ownOrigin(c.Request)
}

// ownOrigin is the site's origin as browsers see it: PUBLIC_URL when set;
// else the request's scheme (https over TLS, or as X-Forwarded-Proto says
// when the peer is a trusted proxy) and its Host.
func (s *Server) ownOrigin(r *http.Request) string {
	if s.PublicURL != "" {
		if u, err := url.Parse(s.PublicURL); err == nil && u.Host != "" {
			return originOf(u.Scheme, u.Host)
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])); (p == "http" || p == "https") && s.fromTrustedProxy(r) {
		scheme = p
	}
	return originOf(scheme, r.Host)
}

// originOf is scheme://host:port in lower case, with the scheme's default
// port spelt out, so "https://Example.vn" and "https://example.vn:443"
// are the same origin.
func originOf(scheme, hostport string) string {
	scheme = strings.ToLower(scheme)
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), ""
	}
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(host), port)
}

// fromTrustedProxy says whether the request's peer is one of
// TRUSTED_PROXIES (addresses or CIDRs).
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && s.TrustedProxies.Contains(ap.Addr())
}

// pageHandler is a page for a signed-in user.
type pageHandler func(c *gin.Context, v *view)

// page wraps a handler: it requires a signed-in user (else to the sign-in
// page, coming back afterwards) and, for POST, a valid form token from the
// same origin.
func (s *Server) page(h pageHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := s.newView(c)
		p, tok := s.session(c)
		if p == nil {
			next := c.Request.URL.RequestURI()
			if c.Request.Method != http.MethodGet {
				next = "/"
			}
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
			c.Abort()
			return
		}
		v.User, v.token, v.CSRF = p, tok, csrfToken(tok)
		if c.Request.Method == http.MethodPost {
			if !s.sameOrigin(c) || !hmac.Equal([]byte(c.PostForm("csrf")), []byte(v.CSRF)) {
				s.renderError(c, http.StatusForbidden, "err.csrf")
				return
			}
		}
		h(c, v)
	}
}

// public wraps a page anyone may open (the survey link): its form is
// read within the public body limits first.
func (s *Server) public(h pageHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.readPublicForm(c) {
			return
		}
		h(c, s.newView(c))
	}
}

// publicFormMax caps a form anyone may send: a survey answer (2,000
// characters, percent-encoded) fits several times over.
const publicFormMax = 64 << 10

// publicBody is public's form reading for routes of their own (sign-in).
func (s *Server) publicBody(c *gin.Context) {
	if !s.readPublicForm(c) {
		c.Abort()
	}
}

// readPublicForm reads the form of a request anyone may send, capped at
// publicFormMax and within PublicBodyTimeout (default 10 s): a body
// trickled byte by byte fails to read, the connection is closed, and the
// handler never runs. The server's ReadTimeout is sized for the largest
// staff upload; this one is not.
func (s *Server) readPublicForm(c *gin.Context) bool {
	if c.Request.ContentLength == 0 {
		return true
	}
	d := s.PublicBodyTimeout
	if d <= 0 {
		d = 10 * time.Second
	}
	if err := http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(d)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		s.Logger.Warn("set the public body deadline", zap.Error(err))
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, publicFormMax)
	// ParseMultipartForm alone would hide a failed url-encoded read.
	err := c.Request.ParseForm()
	if err == nil {
		if err = c.Request.ParseMultipartForm(publicFormMax); errors.Is(err, http.ErrNotMultipart) {
			err = nil
		}
	}
	if err != nil {
		c.Header("Connection", "close")
		s.renderError(c, http.StatusBadRequest, "err.body")
		return false
	}
	return true
}

// home sends each user to the page of their main role.
func (s *Server) home(c *gin.Context, v *view) {
	target := "/plans"
	switch {
	case v.Has(auth.RolePlanner) || v.Has(auth.RoleHost):
	case v.Has(auth.RoleMTTQ) || v.Has(auth.RolePartyCommittee):
		target = "/alerts"
	case v.Has(auth.RoleOfficer):
		target = "/tasks"
	case v.Has(auth.RoleMonitor) || v.Has(auth.RoleBoard):
		target = "/tasks"
	case v.Has(auth.RoleAdmin):
		target = "/units"
	}
	c.Redirect(http.StatusSeeOther, target)
}

// safeNext keeps a post-login redirect on this site: next must be a clean
// site-relative path ("/plans?year=2026"), else the answer is "/". Browsers
// drop tabs and line breaks from a Location and read a backslash as a
// slash, so "/\t/evil.example" or "/\\evil.example" would take the user to
// another host: any control, space or invisible formatting character
// (U+202E and friends), any backslash and any bad UTF-8 is refused before
// the path is parsed, and the parsed URL must have no scheme, no host and
// a path that passes the same check once decoded.
func safeNext(next string) string {
	if len(next) > 2048 || !cleanPath(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !cleanPath(u.Path) {
		return "/"
	}
	return next
}

// cleanPath says whether p starts with one "/" and holds only valid UTF-8
// with no backslash and no control, space or formatting character.
func cleanPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return false
	}
	for _, r := range p {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return false
		}
	}
	return true
}

// loginData is the sign-in page.
type loginData struct {
	Next  string
	Users []DevUser
	OIDC  bool
}

func (s *Server) loginPage(c *gin.Context) {
	v := s.newView(c)
	if p, _ := s.session(c); p != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	if s.OIDC != nil && s.Dev == nil {
		s.startOIDC(c)
		return
	}
	d := loginData{Next: safeNext(c.Query("next")), OIDC: s.OIDC != nil}
	if s.Dev != nil {
		d.Users = s.Dev.Users()
	}
	v.Data = d
	s.render(c, http.StatusOK, "login", v)
}

// login signs in as the chosen demo user (dev), or starts the OIDC flow.
func (s *Server) login(c *gin.Context) {
	if !s.sameOrigin(c) {
		s.renderError(c, http.StatusForbidden, "err.csrf")
		return
	}
	next := safeNext(c.PostForm("next"))
	if s.Dev == nil {
		if s.OIDC != nil {
			s.startOIDC(c)
			return
		}
		s.renderError(c, http.StatusNotFound, "err.not_found")
		return
	}
	sub := c.PostForm("user")
	for _, u := range s.Dev.Users() {
		if u.Subject != sub {
			continue
		}
		tok, err := s.Dev.Minter.Mint(u.Principal, sessionTTL)
		if err != nil {
			s.Logger.Error("mint dev session", zap.Error(err))
			s.renderError(c, http.StatusInternalServerError, "err.internal")
			return
		}
		s.setSession(c, tok, sessionTTL)
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	v := s.newView(c)
	v.Data = loginData{Next: next, Users: s.Dev.Users(), OIDC: s.OIDC != nil}
	v.Errors = map[string]string{"user": v.T("login.choose")}
	s.render(c, http.StatusUnprocessableEntity, "login", v)
}

func (s *Server) logout(c *gin.Context) {
	if !s.sameOrigin(c) {
		s.renderError(c, http.StatusForbidden, "err.csrf")
		return
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(auth.SessionCookie, "", -1, "/", "", s.SecureCookies, true)
	c.Redirect(http.StatusSeeOther, "/login")
}

// startOIDC sends the browser to the provider with a fresh state and PKCE
// verifier, kept in a short-lived cookie.
func (s *Server) startOIDC(c *gin.Context) {
	state, verifier := randomString(), oauth2.GenerateVerifier()
	next := safeNext(c.Query("next"))
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(stateCookie, state+"|"+verifier+"|"+base64.RawURLEncoding.EncodeToString([]byte(next)), 600, "/login", "", s.SecureCookies, true)
	c.Redirect(http.StatusSeeOther, s.OIDC.Config.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)))
}

// oidcCallback exchanges the code for tokens and keeps the access token
// (checked like any bearer token) as the session.
func (s *Server) oidcCallback(c *gin.Context) {
	if s.OIDC == nil {
		s.renderError(c, http.StatusNotFound, "err.not_found")
		return
	}
	ck, err := c.Cookie(stateCookie)
	parts := strings.SplitN(ck, "|", 3)
	if err != nil || len(parts) != 3 || c.Query("state") == "" || !hmac.Equal([]byte(parts[0]), []byte(c.Query("state"))) {
		s.renderError(c, http.StatusBadRequest, "err.login_state")
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 15*time.Second)
	defer cancel()
	tok, err := s.OIDC.Config.Exchange(ctx, c.Query("code"), oauth2.VerifierOption(parts[1]))
	if err != nil {
		s.Logger.Warn("oidc code exchange", zap.Error(err))
		s.renderError(c, http.StatusBadGateway, "err.login_failed")
		return
	}
	if _, err := s.Verifier.Verify(ctx, tok.AccessToken); err != nil {
		var te *auth.TokenError
		if errors.As(err, &te) {
			s.Logger.Warn("oidc access token refused", zap.String("reason", te.Reason))
		}
		s.renderError(c, http.StatusForbidden, "err.login_failed")
		return
	}
	ttl := time.Until(tok.Expiry)
	if tok.Expiry.IsZero() || ttl <= 0 {
		ttl = time.Hour
	}
	s.setSession(c, tok.AccessToken, ttl)
	c.SetCookie(stateCookie, "", -1, "/login", "", s.SecureCookies, true)
	next := "/"
	if b, err := base64.RawURLEncoding.DecodeString(parts[2]); err == nil {
		next = safeNext(string(b))
	}
	c.Redirect(http.StatusSeeOther, next)
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
