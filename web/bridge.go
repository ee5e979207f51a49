package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
)

// fieldErrors maps the API's field errors to form fields, in the page
// language; rename maps an API field path to the form's name when they
// differ.
func fieldErrors(e *contract.Error, lang string, rename func(string) string) map[string]string {
	out := map[string]string{}
	for _, f := range e.Fields {
		name := f.Field
		if rename != nil {
			name = rename(name)
		}
		if _, ok := out[name]; !ok {
			out[name] = f.Msg(lang)
		}
	}
	return out
}

// call runs one API request in-process as the page's user (no token for a
// public page) and decodes a 2xx answer into out; any other answer comes
// back as *contract.Error.
func (s *Server) call(c *gin.Context, v *view, method, path string, body, out any) *contract.Error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return internalError(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequestWithContext(c.Request.Context(), method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if v.token != "" {
		req.Header.Set("Authorization", "Bearer "+v.token)
	}
	if id := c.Writer.Header().Get("X-Request-ID"); id != "" {
		req.Header.Set("X-Request-ID", id)
	}
	// The public survey link is rate-limited per client: pass the
	// browser's address on.
	req.RemoteAddr = c.Request.RemoteAddr
	if xff := c.Request.Header.Get("X-Forwarded-For"); xff != "" {
		// Behind a trusted proxy the API reads the client from here.
		req.Header.Set("X-Forwarded-For", xff)
	}
	if v.device != "" {
		// The survey link's budget per device: one phone among the many
		// sharing a hall's address.
		req.Header.Set(contract.DeviceHeader, v.device)
	}
	if k := c.PostForm("idempotency_key"); k != "" && method != http.MethodGet {
		req.Header.Set("Idempotency-Key", k)
	}
	rec := httptest.NewRecorder()
	s.API.ServeHTTP(rec, req)
	if rec.Code >= 200 && rec.Code < 300 {
		if out != nil {
			if raw, ok := out.(*[]byte); ok {
				*raw = rec.Body.Bytes()
				return nil
			}
			if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
				return internalError(err)
			}
		}
		return nil
	}
	e := &contract.Error{Status: rec.Code}
	if err := json.Unmarshal(rec.Body.Bytes(), e); err != nil || e.Code == "" {
		e.Code, e.Message, e.MessageEN = "internal_error", "Lỗi hệ thống.", "Internal error."
	}
	return e
}

// get reads an API path with query parameters.
func (s *Server) get(c *gin.Context, v *view, path string, q url.Values, out any) *contract.Error {
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + q.Encode()
	}
	return s.call(c, v, http.MethodGet, path, nil, out)
}

// failed renders the error page for an API error that is not about the
// form: 404 and 403 as such, anything else as it came.
func (s *Server) failed(c *gin.Context, v *view, e *contract.Error) {
	key := "err.api"
	switch e.Status {
	case http.StatusNotFound:
		key = "err.not_found"
	case http.StatusForbidden:
		key = "err.forbidden"
	case http.StatusUnauthorized:
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	v.Data = errorData{Key: key, Detail: e.Msg(v.Lang)}
	s.render(c, e.Status, "error", v)
}

// done redirects after a successful form (POST, redirect, GET), with a
// message key for the next page.
func done(c *gin.Context, to, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "ok=" + url.QueryEscape(flash)
	}
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}

// internalError is a failure on the page's side of the bridge, as an API
// error.
func internalError(err error) *contract.Error {
	return &contract.Error{Status: http.StatusInternalServerError, Code: "internal_error", Message: err.Error(), MessageEN: err.Error()}
}
