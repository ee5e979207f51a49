package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/temporalx"
)

// TestBadInputIsNeverA500 throws malformed and hostile bodies at every
// creating endpoint and checks each answer is a documented 4xx with the
// error body — never a 5xx — and that nothing was written.
func TestBadInputIsNeverA500(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	c := env.NewClient(t)
	province := c.CreateUnit("Tỉnh Thái Bình", "province", "")
	c = c.As(testenv.Staff(province))
	district := c.CreateUnit("Huyện Vũ Thư", "district", province)
	year := time.Now().Year()
	at := time.Date(year, 12, 31, 8, 0, 0, 0, time.UTC)
	if at.Before(time.Now().Add(time.Hour)) {
		at = time.Now().Add(30 * time.Minute)
	}
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{"unit_id": district, "year": at.Year(), "reference_no": "01-KH/HU", "issuing_body": "Huyện ủy",
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Bí thư"}}}}})
	mustStatus(t, r, http.StatusCreated, "plan")
	var plan struct {
		ID        string `json:"id"`
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &plan)
	dlg := plan.Dialogues[0].ID

	bodies := []string{
		``, `{`, `[]`, `null`, `"x"`, `12`, `{"a":1}`, `{} {}`, `{"name": 5}`, `{"year": "2026"}`,
		`{"dialogues": "many"}`, `{"dialogues": [{"scheduled_at": 5}]}`, `{"responses": {}}`, `{"responses": [1,2]}`,
		`{"held_at": true}`, `{"attendance": {"total": -1}}`, `{"scheduled_at": "tomorrow"}`, `{"reason": ["a"]}`,
		`{"field": "` + strings.Repeat("đ", 5000) + `", "content": "x"}`, "\xff\xfe", `{"unit_id": "' OR 1=1 --"}`,
	}
	endpoints := []string{
		"/api/v1/units", "/api/v1/plans", "/api/v1/plans/" + plan.ID + "/dialogues",
		"/api/v1/dialogues/" + dlg + "/reschedule", "/api/v1/dialogues/" + dlg + "/cancel",
		"/api/v1/dialogues/" + dlg + "/session", "/api/v1/dialogues/" + dlg + "/survey/responses",
	}
	for _, ep := range endpoints {
		for _, b := range bodies {
			r := c.Do(http.MethodPost, ep, []byte(b), "Content-Type", "application/json")
			if r.Status < 400 || r.Status >= 500 {
				t.Errorf("POST %s with %.40q: status %d: %.300s", ep, b, r.Status, r.Body)
				continue
			}
			var e errorDoc
			r.Decode(t, &e)
			if e.Code == "" || e.Message == "" || e.MessageEN == "" {
				t.Errorf("POST %s with %.40q: error body lacks code or messages: %s", ep, b, r.Body)
			}
		}
	}
	// Other media types are refused, not guessed at.
	expectError(t, c.Do(http.MethodPost, "/api/v1/units", []byte(`name=x`), "Content-Type", "application/x-www-form-urlencoded"), 415, "unsupported_media_type", "", "")
	// Oversized bodies are refused before they are read whole.
	big := `{"responses": [` + strings.Repeat(`{"field":"a","content":"`+strings.Repeat("x", 3000)+`"},`, 3000) + `{"field":"a","content":"b"}]}`
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/survey/responses", []byte(big)), 413, "body_too_large", "", "")

	// Nothing of the above was written.
	var units, plans, dialogues, answers int
	ctx := context.Background()
	for q, dst := range map[string]*int{
		"SELECT count(*) FROM units": &units, "SELECT count(*) FROM plans": &plans,
		"SELECT count(*) FROM dialogues": &dialogues, "SELECT count(*) FROM survey_responses": &answers,
	} {
		if err := env.Store.DB.QueryRowContext(ctx, q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	if units != 2 || plans != 1 || dialogues != 1 || answers != 0 {
		t.Errorf("bad input left rows behind: units %d plans %d dialogues %d answers %d", units, plans, dialogues, answers)
	}
}

// TestTemporalDownIs503AndWritesNothing points an API at a Temporal port
// where nothing listens: commands answer 503 with the stable code, readyz
// says not ready, and no plan row is written.
func TestTemporalDownIs503AndWritesNothing(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // nothing listens there now
	tc, err := temporalx.Lazy(temporalx.Options{HostPort: dead, Namespace: "default", Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	srv := &api.Server{Store: st, Temporal: tc, Logger: zap.NewNop(), UpdateTimeout: 3 * time.Second, Auth: testenv.Tokens(t)}
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, apiLn, srv.Handler(), zap.NewNop()) }()
	defer func() { cancel(); <-done }()
	c := testenv.NewClient(t, "http://"+apiLn.Addr().String()).As(testenv.Admin)

	province := c.CreateUnit("Thành phố Huế", "province", "")
	c = c.As(testenv.Staff(province))
	r := c.Do(http.MethodGet, "/readyz", nil)
	expectStatus(t, r, http.StatusServiceUnavailable, "readyz with Temporal down")
	at := time.Now().Add(time.Hour)
	r = c.Do(http.MethodPost, "/api/v1/plans", map[string]any{"unit_id": province, "year": at.Year(), "reference_no": "7-KH/TU", "issuing_body": "Tỉnh ủy",
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Bí thư"}}}}},
		"Idempotency-Key", "k1")
	expectError(t, r, http.StatusServiceUnavailable, "temporal_unavailable", "", "")
	var n int
	if err := st.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM plans").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d plan rows written while Temporal was down", n)
	}
	// The key was released, so the client's retry runs again (and fails the same way) instead of replaying a 503.
	r = c.Do(http.MethodPost, "/api/v1/dialogues/"+uuid.NewString()+"/cancel", map[string]any{"reason": "x"})
	expectError(t, r, http.StatusNotFound, "not_found", "", "")
	_ = fmt.Sprint()
}

func expectStatus(t *testing.T, r *testenv.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Errorf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
}

// hostileText are values no parameter should choke on: control characters,
// RTL marks, a quote, a percent sign, bytes that are not UTF-8.
var hostileText = []string{"\x00", "a\x00b", "\t", "\r\n", "x\ny", "\u202e", "a\u200fb", "'", "%00", "\xff"}

// TestControlCharactersInParametersAreNeverA500 throws hostileText into
// every path parameter and every documented query parameter of every route
// of the spec, percent-encoded and (where the HTTP client allows) raw, with
// and without an Idempotency-Key on commands, as callers of every role in
// turn: no answer is a 5xx, and every answer matches the spec (the client
// validates each one).
func TestControlCharactersInParametersAreNeverA500(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Hà Nam", "province", "")
	staff := admin.As(testenv.Staff(province))
	at := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	r := staff.Do(http.MethodPost, "/api/v1/plans", map[string]any{"unit_id": province, "year": at.Year(), "reference_no": "9-KH/TU", "issuing_body": "Tỉnh ủy",
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Bí thư"}}}}})
	mustStatus(t, r, http.StatusCreated, "plan")
	var plan struct {
		ID        string `json:"id"`
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &plan)
	// Real ids where there are some, so the other parameters reach the handler.
	validID := map[string]string{"units": province, "plans": plan.ID, "dialogues": plan.Dialogues[0].ID}

	callers := []*testenv.Client{admin}
	for _, role := range auth.KnownRoles {
		callers = append(callers, admin.As(testenv.User("robust."+role, province, role)))
	}

	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	n, params := 0, 0
	for _, tmpl := range paths {
		item := doc.Paths.Value(tmpl)
		for method, op := range item.Operations() {
			var ps openapi3.Parameters
			ps = append(ps, item.Parameters...)
			ps = append(ps, op.Parameters...)
			base := func() (map[string]string, url.Values) {
				pv, q := map[string]string{}, url.Values{}
				for _, p := range ps {
					if p.Value.In == openapi3.ParameterInPath {
						pv[p.Value.Name] = uuid.NewString()
						if seg := strings.Split(strings.TrimPrefix(tmpl, "/api/v1/"), "/"); validID[seg[0]] != "" {
							pv[p.Value.Name] = validID[seg[0]]
						}
						if p.Value.Name == "token" {
							pv[p.Value.Name] = strings.Repeat("ab", 32)
						}
					}
				}
				return pv, q
			}
			for _, p := range ps {
				in, name := p.Value.In, p.Value.Name
				if in != openapi3.ParameterInPath && in != openapi3.ParameterInQuery {
					continue
				}
				params++
				for _, v := range hostileText {
					for _, raw := range []bool{false, true} {
						pv, q := base()
						var target string
						if in == openapi3.ParameterInPath {
							val := url.PathEscape(v)
							if raw {
								val = v
							}
							pv[name] = val
						} else {
							q.Set(name, v)
						}
						target = tmpl
						for k, val := range pv {
							if k != name || in != openapi3.ParameterInPath {
								val = url.PathEscape(val)
							}
							target = strings.ReplaceAll(target, "{"+k+"}", val)
						}
						if len(q) > 0 {
							if raw {
								target += "?" + name + "=" + v
							} else {
								target += "?" + q.Encode()
							}
						}
						if _, err := url.ParseRequestURI(target); err != nil || strings.ContainsAny(target, "\x00\t\r\n") {
							continue // the HTTP client cannot send it raw
						}
						keys := []string{""}
						if method != http.MethodGet {
							keys = append(keys, fmt.Sprintf("robust-%d", n))
						}
						for _, key := range keys {
							c := callers[n%len(callers)]
							n++
							var body any
							if method != http.MethodGet {
								body = map[string]any{}
							}
							var hdr []string
							if key != "" {
								hdr = []string{"Idempotency-Key", key}
							}
							if method == http.MethodGet && tmpl == "/api/v1/alerts/stream" {
								hdr = append(hdr, "Accept", "text/event-stream")
							}
							r := c.Do(method, target, body, hdr...)
							if r.Status >= 500 {
								t.Errorf("%s %s (%s %s=%q, key %q): %d: %.300s", method, target, in, name, v, key, r.Status, r.Body)
							}
						}
					}
				}
			}
		}
	}
	if params < 50 {
		t.Errorf("only %d parameters exercised: the spec was not walked", params)
	}
	t.Logf("%d requests over %d parameters of %d paths", n, params, len(paths))
}

// hostileJSON are JSON string literals (raw, as sent) whose text no field
// can hold: NUL and other C0 controls, DEL, unpaired surrogates.
var hostileJSON = []string{`"\u0000"`, `"a\u0000b"`, `"x\u0001y"`, `"\u001b[31m"`, `"\u007f"`, `"\ud800"`, `"a\udc00"`, `"\ud800\u0041"`}

// TestControlCharactersInJSONBodiesAreNeverA500 throws JSON bodies whose
// string values hold hostileJSON at every route of the spec that takes a
// JSON body (real ids where the test has them, so the handler gets as far
// as decoding), with and without an Idempotency-Key, under every role and
// the admin: no answer is a 5xx, and a caller the guard lets through gets
// 422 invalid_characters naming the field. Tabs and newlines in free text
// still pass the decode layer.
func TestControlCharactersInJSONBodiesAreNeverA500(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Nam Định", "province", "")
	staff := admin.As(testenv.Staff(province))
	dlg := readyForSession(t, env, staff, province, nil)
	r := staff.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 1},
		"conclusions": []map[string]any{{"content": "Kết luận\nhai dòng\tvà tab", "tasks": []map[string]any{{"title": "Nhiệm vụ", "assignee": map[string]any{"agency": "UBND xã"}, "due_at": time.Now().Add(time.Hour).Format(time.RFC3339)}}}}})
	mustStatus(t, r, http.StatusOK, "session with tabs and newlines in a conclusion")
	var d struct {
		PlanID string `json:"plan_id"`
	}
	staff.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil).Decode(t, &d)
	var tasks struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	staff.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil).Decode(t, &tasks)
	if len(tasks.Items) != 1 {
		t.Fatalf("tasks of the dialogue: %+v", tasks)
	}
	validID := map[string]string{"units": province, "plans": d.PlanID, "dialogues": dlg, "tasks": tasks.Items[0].ID}

	callers := []*testenv.Client{admin}
	for _, role := range auth.KnownRoles {
		callers = append(callers, admin.As(testenv.User("robust."+role, province, role)))
	}
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	routes, refused, n := 0, 0, 0
	for _, tmpl := range paths {
		item := doc.Paths.Value(tmpl)
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				continue
			}
			routes++
			target := tmpl
			for _, seg := range strings.Split(tmpl, "/") {
				if strings.HasPrefix(seg, "{") {
					id := uuid.NewString()
					if v := validID[strings.Split(strings.TrimPrefix(tmpl, "/api/v1/"), "/")[0]]; v != "" {
						id = v
					}
					if seg == "{token}" {
						id = strings.Repeat("ab", 32)
					}
					target = strings.Replace(target, seg, id, 1)
				}
			}
			passed := false
			for i, lit := range hostileJSON {
				// The hostile text as a value at the top, as a value deep
				// in a list, and as a key.
				bodies := []string{`{"text":` + lit + `,"reason":` + lit + `}`, `{"conclusions":[{"content":"ok","tasks":[{"title":` + lit + `}]}]}`, `{` + lit + `:"x"}`}
				for j, body := range bodies {
					for _, key := range []string{"", fmt.Sprintf("robust-body-%d", n)} {
						c := callers[(n/2)%len(callers)]
						n++
						var hdr []string
						if key != "" {
							hdr = []string{"Idempotency-Key", key}
						}
						r := c.Do(method, target, []byte(body), hdr...)
						if r.Status >= 500 {
							t.Errorf("%s %s body %d/%d (key %q): %d: %.300s", method, target, i, j, key, r.Status, r.Body)
						}
						if r.Status == http.StatusUnprocessableEntity && strings.Contains(string(r.Body), `"invalid_characters"`) {
							passed = true
						}
					}
				}
			}
			// Every route whose resource the test holds is walked by a
			// caller that passes its guard at some point: each must refuse.
			for _, c := range callers {
				r := c.Do(method, target, []byte(`{"text":"a\u0000b"}`))
				if r.Status == http.StatusUnprocessableEntity {
					var e struct {
						Code   string `json:"code"`
						Fields []struct {
							Field string `json:"field"`
							Code  string `json:"code"`
						} `json:"fields"`
					}
					r.Decode(t, &e)
					if len(e.Fields) != 1 || e.Fields[0].Field != "text" || e.Fields[0].Code != "invalid_characters" {
						t.Errorf("%s %s: NUL in text: %s, want the field text invalid_characters", method, target, r.Body)
					}
					passed = true
				}
			}
			if passed {
				refused++
			} else if !strings.Contains(target, "/reports/") && !strings.Contains(target, "/alerts/") && !strings.Contains(target, "/survey/") &&
				!strings.Contains(target, "/public/") {
				// (Those name a resource the test does not hold — a report, an
				// alert, a link token, a receipt code — and answer 404 before
				// the body is read; the decode rule is the same for them.)
				t.Errorf("%s %s: no caller got 422 invalid_characters for a NUL in the body", method, target)
			}
		}
	}
	if routes < 15 {
		t.Errorf("only %d JSON-body routes walked: the spec was not walked", routes)
	}
	t.Logf("%d requests over %d JSON-body routes, %d refused with invalid_characters", n, routes, refused)
}
