package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// tKey finds the translation keys templates use literally: .T "key" and
// $.T "key" / $v.T "key".
var tKey = regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)

// Every key a template names is defined in both languages, so no page
// shows "!key".
func TestTemplateKeysAreTranslated(t *testing.T) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(templateFS, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tKey.FindAllStringSubmatch(string(b), -1) {
			msg, ok := messages[m[1]]
			if !ok {
				t.Errorf("%s: key %q has no translation", f, m[1])
				continue
			}
			if msg[0] == "" || msg[1] == "" {
				t.Errorf("%s: key %q lacks its Vietnamese or English text", f, m[1])
			}
		}
	}
}

// Every page template parses with the layout.
func TestPagesParse(t *testing.T) {
	pages := parsePages()
	for _, want := range []string{"login", "error"} {
		if pages[want] == nil {
			t.Errorf("page %s missing", want)
		}
	}
}

// Static files are served from the binary and may be cached.
func TestStaticFiles(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	(&Server{}).Register(r)
	for _, p := range []string{"/static/app.css", "/static/app.js", "/static/alerts.js", "/static/dialogue.js", "/static/receipt.js"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age") {
			t.Errorf("%s: %d, %d bytes, Cache-Control %q", p, rec.Code, rec.Body.Len(), rec.Header().Get("Cache-Control"))
		}
	}
}

// /static/ (and any folder under it) is not listed: 404.
func TestStaticFolderIsNotListed(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	s := &Server{}
	s.Register(r)
	r.NoRoute(s.NotFound)
	for _, p := range []string{"/static/", "/static", "/static/./", "/static//"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code == http.StatusOK || strings.Contains(rec.Body.String(), `href="app.css"`) {
			t.Errorf("GET %s: %d, %.200q: a listing", p, rec.Code, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /static/: %d, want 404", rec.Code)
	}
}
