// Package web serves the pages people use: planners, hosts, officers,
// monitors and MTTQ staff after signing in, and survey respondents through
// a dialogue's public link. Pages are server-rendered Go templates,
// Vietnamese first with an English switch, with a little JavaScript (the
// live alert board); nothing is fetched from the internet.
//
// Every page reads and writes through the JSON API, called in-process with
// the signed-in user's token, so the API's validation, authorisation and
// workflows are the only ones there are: a page can show no more than the
// API lets that user see.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server holds what the pages need.
type Server struct {
	// API is the JSON API's handler; pages call it in-process.
	API http.Handler
	// Verifier checks the session token on every page (the API checks it
	// again on every call).
	Verifier auth.Verifier
	// Dev, when set, offers demo users on the sign-in page (dev only).
	Dev *DevLogin
	// OIDC, when set, signs users in with the provider's login page.
	OIDC *OIDCLogin
	// SecureCookies marks cookies Secure (serve over HTTPS in production).
	SecureCookies bool
	// PublicURL is the site's address as browsers see it
	// (https://doithoai.example.vn): forms must come from its origin.
	// Empty: the origin of the request (its scheme and Host).
	PublicURL string
	// TrustedProxies (addresses or CIDRs) may say the request's scheme
	// with X-Forwarded-Proto when PublicURL is empty.
	TrustedProxies config.Proxies
	// PublicBodyTimeout bounds reading the body of a form anyone may send
	// (the survey link, sign-in); default 10 s.
	PublicBodyTimeout time.Duration
	Logger            *zap.Logger

	pages map[string]*template.Template
}

// pageCSP lets pages use their own scripts, styles and the live stream,
// and nothing from elsewhere.
const pageCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Register mounts the pages on r, the API's engine (which the pages then
// call in-process unless s.API is set): the composition root (package app)
// hands it to the API as its Mount hook, and NotFound as its NotFound.
func (s *Server) Register(r *gin.Engine) {
	if s.Logger == nil {
		s.Logger = zap.NewNop()
	}
	if s.API == nil {
		s.API = r
	}
	s.pages = parsePages()
	static, _ := fs.Sub(staticFS, "static")
	// Scripts and styles may be cached for an hour (the API's responses
	// are no-store): pages load fast on modest connections.
	r.Group("/static", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		c.Next()
	}).StaticFS("/", filesOnly{http.FS(static)})

	s.routes(r)
}

// filesOnly serves files and nothing else: a folder is not there, so
// /static/ answers 404 instead of listing what it holds.
type filesOnly struct{ fs http.FileSystem }

func (f filesOnly) Open(name string) (http.File, error) {
	file, err := f.fs.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		_ = file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

// NotFound answers an unknown page.
func (s *Server) NotFound(c *gin.Context) {
	s.renderError(c, http.StatusNotFound, "err.not_found")
}

// OIDCFromEndpoints builds the browser sign-in of an OIDC provider.
func OIDCFromEndpoints(authURL, tokenURL, clientID, clientSecret, publicURL string) *OIDCLogin {
	return &OIDCLogin{Config: oauth2.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL},
		RedirectURL: strings.TrimSuffix(publicURL, "/") + "/login/callback",
		Scopes:      []string{"openid", "profile"},
	}}
}
