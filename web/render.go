package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/receipt"
)

// view is what every page template gets: the user, the language and its
// translations, the form token, the page's data, and a form's errors and
// the values the user typed (kept when the form comes back).
type view struct {
	Lang  string
	User  *auth.Principal
	CSRF  string
	Path  string
	Query url.Values
	// Title is the page title (a translation key).
	Title string
	Data  any
	// Flash is a message key shown at the top (e.g. "saved").
	Flash string
	// Errors maps a form field to its message; Form holds what was typed.
	Errors map[string]string
	Form   url.Values
	// FormError is a message for the whole form.
	FormError string

	token string
	// device is the survey respondent's device id, passed to the API as
	// contract.DeviceHeader (public survey pages only).
	device string
}

func (s *Server) newView(c *gin.Context) *view {
	return &view{Lang: s.lang(c), Path: c.Request.URL.Path, Query: c.Request.URL.Query(), Flash: c.Query("ok")}
}

// T translates key into the page language, formatting args into it.
func (v *view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// Has says whether the user holds role.
func (v *view) Has(role string) bool { return v.User != nil && v.User.HasRole(role) }

// Err is the message for a form field ("" when it is fine).
func (v *view) Err(field string) string { return v.Errors[field] }

// Val is what the user typed in a field, for the form to keep it.
func (v *view) Val(field string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Get(field)
}

// Vals are the values of a repeated field.
func (v *view) Vals(field string) []string {
	if v.Form == nil {
		return nil
	}
	return v.Form[field]
}

// OtherLang is the URL of this page in the other language.
func (v *view) OtherLang() string {
	q := url.Values{}
	for k, vs := range v.Query {
		q[k] = vs
	}
	if v.Lang == "en" {
		q.Set("lang", "vi")
	} else {
		q.Set("lang", "en")
	}
	return v.Path + "?" + q.Encode()
}

// DateTime formats an instant in Vietnam time for the page language.
func (v *view) DateTime(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return ""
	}
	tt = tt.In(domain.Location)
	if v.Lang == "en" {
		return tt.Format("2 Jan 2006 15:04")
	}
	return tt.Format("15:04 02/01/2006")
}

// Date formats a day in Vietnam time.
func (v *view) Date(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return ""
	}
	tt = tt.In(domain.Location)
	if v.Lang == "en" {
		return tt.Format("2 Jan 2006")
	}
	return tt.Format("02/01/2006")
}

// InputTime formats an instant for a datetime-local input (Vietnam time).
func (v *view) InputTime(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return ""
	}
	return tt.In(domain.Location).Format("2006-01-02T15:04")
}

func asTime(t any) (time.Time, bool) {
	switch x := t.(type) {
	case time.Time:
		return x, !x.IsZero()
	case *time.Time:
		if x == nil {
			return time.Time{}, false
		}
		return *x, !x.IsZero()
	case string:
		tt, err := time.Parse(time.RFC3339, x)
		return tt, err == nil
	case *string:
		if x == nil {
			return time.Time{}, false
		}
		return asTime(*x)
	}
	return time.Time{}, false
}

// templateFuncs are the few helpers templates need beyond view's methods.
var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"pct": func(part, whole int) int {
		if whole <= 0 {
			return 0
		}
		return part * 100 / whole
	},
	"join": strings.Join,
	// receipt writes a stored receipt code in groups of four.
	"receipt": func(code string) string { return receipt.Format(code) },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// parsePages parses layout.html with each page template; a page file
// defines "content" (and may define "head" and "scripts").
func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t := template.New("layout.html").Funcs(templateFuncs).Option("missingkey=error")
		t = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/_*.html", f))
		pages[name] = t
	}
	return pages
}

// render writes page with the layout; a template error is logged and
// answered with the error page, never half a page.
func (s *Server) render(c *gin.Context, status int, page string, v *view) {
	t := s.pages[page]
	if t == nil {
		s.Logger.Error("no such page template", zap.String("page", page))
		status, t = http.StatusInternalServerError, s.pages["error"]
		v.Data = errorData{Key: "err.internal"}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		s.Logger.Error("render page", zap.String("page", page), zap.Error(err))
		buf.Reset()
		v.Data = errorData{Key: "err.internal"}
		if err := s.pages["error"].Execute(&buf, v); err != nil {
			c.String(http.StatusInternalServerError, "internal error")
			return
		}
		status = http.StatusInternalServerError
	}
	c.Header("Content-Security-Policy", pageCSP)
	// Forms on the pages must name their origin when posted (the CSRF
	// check): with the API's no-referrer policy browsers send Origin: null.
	c.Header("Referrer-Policy", "same-origin")
	c.Header("Content-Language", v.Lang)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// errorData is the error page.
type errorData struct {
	Key    string
	Detail string
}

func (s *Server) renderError(c *gin.Context, status int, key string) {
	v := s.newView(c)
	if p, tok := s.session(c); p != nil {
		v.User, v.token, v.CSRF = p, tok, csrfToken(tok)
	}
	v.Data = errorData{Key: key}
	s.render(c, status, "error", v)
}
