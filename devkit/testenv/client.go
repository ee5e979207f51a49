package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/doithoai/doithoai/api"
)

// Client drives the HTTP API the way a client would and checks every
// response against the OpenAPI document with kin-openapi (an independent
// validator): an undocumented status or a body that does not match its
// schema fails the test.
type Client struct {
	tb     testing.TB
	base   string
	http   *http.Client
	router routers.Router
	// token is the bearer token sent with every request ("" for none).
	token string
	// Checked counts the responses validated against the spec.
	Checked int
}

// Response is a response read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the body into v, failing the test on error.
func (r *Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode response (%d %s): %v", r.Status, r.Body, err)
	}
}

// NewClient builds a validating client for the env's API, acting as
// Admin (use As for another user).
func (e *Env) NewClient(tb testing.TB) *Client {
	tb.Helper()
	return NewClient(tb, e.BaseURL).As(Admin)
}

// NewClient builds a validating client for the API at base.
func NewClient(tb testing.TB, base string) *Client {
	tb.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPISpec())
	if err != nil {
		tb.Fatalf("load OpenAPI spec: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("OpenAPI spec is invalid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		tb.Fatalf("build OpenAPI router: %v", err)
	}
	return &Client{tb: tb, base: base, http: &http.Client{Timeout: 60 * time.Second}, router: router}
}

// Do sends a request with an optional JSON body (a []byte is sent as is)
// and headers given as key, value pairs, and validates the response.
func (c *Client) Do(method, path string, body any, headers ...string) *Response {
	c.tb.Helper()
	r, _ := c.DoTimed(method, path, body, headers...)
	return r
}

// DoTimed is Do that also returns how long the server took to answer, from
// sending the request to reading the whole response: the client's own
// check against the spec (which for a large body costs more than the
// server's work) comes after and is not counted. Benchmarks time with it.
func (c *Client) DoTimed(method, path string, body any, headers ...string) (*Response, time.Duration) {
	c.tb.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.tb.Fatalf("encode request: %v", err)
		}
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(raw))
	if err != nil {
		c.tb.Fatalf("build request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.tb.Fatalf("read response of %s %s: %v", method, path, err)
	}
	took := time.Since(start)
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
	c.validate(req, raw, r)
	return r, took
}

func (c *Client) validate(req *http.Request, reqBody []byte, r *Response) {
	c.tb.Helper()
	// Match against the spec with a copy whose body can be read again.
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := c.router.FindRoute(vreq)
	if err != nil {
		if r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed {
			return // an undocumented route answered as such
		}
		c.tb.Errorf("OpenAPI: %s %s (status %d) matches no documented route: %v", req.Method, req.URL.Path, r.Status, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if r.Status < 300 {
		// The server accepted it, so the spec must accept it too.
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			c.tb.Errorf("OpenAPI: request %s %s accepted by the server (%d) but not by the spec: %v", req.Method, req.URL.Path, r.Status, err)
		}
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 r.Status,
		Header:                 r.Header,
		Body:                   io.NopCloser(bytes.NewReader(r.Body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		c.tb.Errorf("OpenAPI: response of %s %s (%d) does not match the spec: %v\nbody: %.2000s", req.Method, req.URL.Path, r.Status, err, r.Body)
	}
	c.Checked++
}

// Percentile returns the p-th percentile (0 < p ≤ 1, nearest rank) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration{}, ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return s[i]
}

// CreateUnit creates a unit through the API (parent "" for a province)
// and returns its id, failing the test on any other answer than 201.
func (c *Client) CreateUnit(name, level, parent string) string {
	c.tb.Helper()
	body := map[string]any{"name": name, "level": level}
	if parent != "" {
		body["parent_id"] = parent
	}
	r := c.Do(http.MethodPost, "/api/v1/units", body)
	if r.Status != http.StatusCreated {
		c.tb.Fatalf("create unit %s: status %d, want 201: %s", name, r.Status, r.Body)
	}
	var u struct {
		ID string `json:"id"`
	}
	r.Decode(c.tb, &u)
	return u.ID
}

// WaitFor polls fn every 50 ms until it returns true, failing tb, with
// what it waited for, once within has passed.
func WaitFor(tb testing.TB, within time.Duration, what string, fn func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("timed out after %v waiting for %s", within, what)
}
