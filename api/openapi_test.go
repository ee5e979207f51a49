package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/report"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// loadOpenAPI loads and validates the embedded spec and builds its router.
func loadOpenAPI(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPISpec)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("validate openapi.yaml: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("gorillamux router: %v", err)
	}
	return doc, router
}

func TestOpenAPISpecIsValid(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info == nil || doc.Info.Title != "doithoai" || doc.Info.Version != "0.1.0" {
		t.Errorf("info = %+v, want title doithoai version 0.1.0", doc.Info)
	}
	if !bytes.Equal(OpenAPISpec(), openAPISpec) {
		t.Error("OpenAPISpec() does not return the embedded document")
	}
}

var ginParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestOpenAPIRoutesMatchGin checks that every route of the Gin engine is in
// the spec, and every operation of the spec is a route of the engine.
func TestOpenAPIRoutesMatchGin(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	engine, ok := (&Server{}).Handler().(*gin.Engine)
	if !ok {
		t.Fatal("Handler() is not a *gin.Engine")
	}
	served := map[string]bool{}
	for _, r := range engine.Routes() {
		served[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	spec := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			spec[strings.ToUpper(method)+" "+path] = true
		}
	}
	var missing, extra []string
	for k := range served {
		if !spec[k] {
			missing = append(missing, k)
		}
	}
	for k := range spec {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, k := range missing {
		t.Errorf("route %s is served but not in openapi.yaml", k)
	}
	for _, k := range extra {
		t.Errorf("operation %s is in openapi.yaml but not served", k)
	}
	if len(served) == 0 {
		t.Error("the engine has no routes")
	}
}

// TestOpenAPIOperationsDescribeErrors checks that every operation documents
// 500, every operation with a request body 400, 413 and 422, every operation
// taking an Idempotency-Key 409, every operation on an {id} 404, and that no
// parameter has a default.
func TestOpenAPIOperationsDescribeErrors(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.Responses.Status(http.StatusInternalServerError) == nil {
				t.Errorf("%s: no 500 response", name)
			}
			if op.RequestBody != nil {
				for _, st := range []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity} {
					if op.Responses.Status(st) == nil {
						t.Errorf("%s: has a body but no %d response", name, st)
					}
				}
			}
			if op.Parameters.GetByInAndName("header", HeaderIdempotencyKey) != nil && op.Responses.Status(http.StatusConflict) == nil {
				t.Errorf("%s: takes an Idempotency-Key but has no 409 response", name)
			}
			if strings.Contains(path, "{id}") && op.Responses.Status(http.StatusNotFound) == nil {
				t.Errorf("%s: has an id but no 404 response", name)
			}
			// kin-openapi writes parameter defaults back into the request it
			// validates; a default would change what the server receives.
			for _, p := range op.Parameters {
				if p.Value.Schema != nil && p.Value.Schema.Value.Default != nil {
					t.Errorf("%s: parameter %s has a default", name, p.Value.Name)
				}
			}
			if op.Summary == "" || op.OperationID == "" {
				t.Errorf("%s: summary and operationId are required", name)
			}
		}
	}
}

// TestOpenAPIRequestBodies checks that the examples of the request bodies
// pass request validation, and that the survey body accepts exactly the
// single and batch forms.
func TestOpenAPIRequestBodies(t *testing.T) {
	_, router := loadOpenAPI(t)
	ctx := context.Background()
	validate := func(method, path, body string) error {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(HeaderIdempotencyKey, "k-1")
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: no route: %v", method, path, err)
		}
		return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		})
	}
	const id = "6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	valid := []struct{ method, path, body string }{
		{"POST", "/api/v1/units", `{"name":"Thành phố Hà Nội","level":"province"}`},
		{"POST", "/api/v1/units", `{"name":"Quận Đống Đa","level":"district","parent_id":"` + id + `","code":"DD"}`},
		{"POST", "/api/v1/units", `{"name":"Thành phố Hà Nội","level":"province","parent_id":null,"code":null}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"55-KH/HU","issuing_body":"Huyện ủy",
			"policy":{"survey_lead":"PT20S","survey_close":"PT5S","session_grace":"PT5S"},
			"dialogues":[{"scheduled_at":"2026-06-18T08:00:00+07:00","kind":"periodic","hosts":[{"name":"A","title":"Bí thư"}]},
			{"scheduled_at":"2026-09-10T08:00:00+07:00","kind":"thematic","topic":"GPMB","hosts":[{"name":"B"}],"invited_groups":["MTTQ"]}]}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"1","issuing_body":"x","policy":null,"dialogues":null}`},
		{"POST", "/api/v1/plans/" + id + "/dialogues", `{"scheduled_at":"2026-07-02T14:00:00+07:00","hosts":[{"name":"A"}]}`},
		{"POST", "/api/v1/dialogues/" + id + "/reschedule", `{"scheduled_at":"2026-06-25T08:00:00+07:00","reason":"trùng lịch"}`},
		{"POST", "/api/v1/dialogues/" + id + "/cancel", `{"reason":"đã giải quyết"}`},
		{"POST", "/api/v1/dialogues/" + id + "/session", `{"held_at":"2026-06-18T08:00:00+07:00","attendance":{"total":120,"groups":{"mttq":10}},
			"opinions":[{"field":"Đất đai","content":"...","source":"floor","answered_on_spot":true,"answer":"..."}],"conclusions":[{"content":"Giao ..."}]}`},
		{"POST", "/api/v1/dialogues/" + id + "/survey/responses", `{"field":"Giao thông","content":"Sửa đường"}`},
		{"POST", "/api/v1/dialogues/" + id + "/survey/responses", `{"responses":[{"id":"` + id + `","field":"Đất đai","content":"..."},{"field":"Y tế","content":"...","respondent_group":"Hội Phụ nữ"}]}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"77-KH/QU","issuing_body":"x",
			"policy":{"survey_lead":"PT3S","survey_close":"PT1S","session_grace":"PT1H","supervision_within":"P1D","reminder_working_days":[5,2],
			"reminder_offsets":["PT3S",null],"escalation":[{"after_working_days":0,"recipients":["assignee","monitor"]},{"after":"PT3S","recipients":["mttq"]},
			{"after_working_days":null,"after":null,"recipients":["parent_mttq","parent_party_committee"]}]},"dialogues":[]}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"1","issuing_body":"x",
			"policy":{"supervision_within":null,"reminder_working_days":null,"reminder_offsets":null,"escalation":null}}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"1","issuing_body":"x","policy":{"reminder_working_days":[],"escalation":[]}}`},
		{"POST", "/api/v1/dialogues/" + id + "/session", `{"held_at":"2026-06-18T08:00:00+07:00","attendance":{"total":80},
			"conclusions":[{"content":"Giao ...","tasks":[{"title":"Thu gom rác","monitor":"Đ/c Hoàng","assignee":{"agency":"UBND phường","officer":"Đức","unit_id":"` + id + `"},"due_at":"2026-07-01T17:00:00+07:00"},
			{"title":"Báo cáo","description":null,"monitor":null,"assignee":{"agency":"Phòng TN-MT","officer":null,"unit_id":null},"due_at":null,"due_in_working_days":15}]},
			{"content":"Không giao việc","tasks":null},{"content":"Không giao việc","tasks":[]}]}`},
		{"POST", "/api/v1/dialogues/" + id + "/tasks", `{"conclusion_id":"` + id + `","tasks":[{"title":"x","assignee":{"agency":"y"},"due_in_working_days":3}]}`},
		{"POST", "/api/v1/tasks/" + id + "/result", `{"text":"Đã xong","links":["https://example.vn/a.pdf"]}`},
		{"POST", "/api/v1/tasks/" + id + "/result", `{"text":"Đã xong","links":null}`},
		{"POST", "/api/v1/tasks/" + id + "/review", `{"decision":"accept"}`},
		{"POST", "/api/v1/tasks/" + id + "/review", `{"decision":"return","reason":"thiếu số liệu"}`},
		{"POST", "/api/v1/tasks/" + id + "/extension", `{"reason":"chờ kết quả","proposed_due_at":"2026-08-28T17:00:00+07:00"}`},
		{"POST", "/api/v1/tasks/" + id + "/extension/decision", `{"approve":true,"due_at":"2026-08-30T17:00:00+07:00","note":"đồng ý"}`},
		{"POST", "/api/v1/tasks/" + id + "/extension/decision", `{"approve":false,"due_at":null,"note":null}`},
		{"POST", "/api/v1/tasks/" + id + "/reassign", `{"assignee":{"agency":"Phòng KT-HT","unit_id":"` + id + `"},"reason":"thẩm quyền"}`},
		{"POST", "/api/v1/tasks/" + id + "/cancel", `{"reason":"trùng nhiệm vụ"}`},
		{"PUT", "/api/v1/units/" + id + "/channels", `{"webhook_url":"https://ioc.example.vn/hook","webhook_secret":"0123456789abcdef",
			"contacts":[{"role":"mttq","email":"mttq@example.vn","name":"MTTQ"},{"role":"party_committee","email":"thanhuy@example.vn","name":null}]}`},
		{"PUT", "/api/v1/units/" + id + "/channels", `{}`},
		{"PUT", "/api/v1/units/" + id + "/channels", `{"webhook_url":null,"webhook_secret":null,"contacts":null}`},
		// Reports: the assessment body, finalise without a body, and the
		// query parameters of the report GETs as the server accepts them.
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{"assessment":"Năm 2026, cấp ủy, chính quyền các cấp đã tổ chức đối thoại đúng kế hoạch.\nĐề nghị …"}`},
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{"assessment":""}`},
		{"POST", "/api/v1/reports/" + id + "/finalise", ``},
		{"GET", "/api/v1/reports?unit_id=" + id + "&from=2026-01-01&to=2027-01-01", ``},
		{"GET", "/api/v1/reports?unit_id=" + id + "&from=2026-07-01&to=2026-10-01&level=commune&format=xlsx&lang=en&version=2&refresh=true", ``},
		{"GET", "/api/v1/dialogues/" + id + "/report?format=HTML&lang=vi&refresh=1", ``},
		{"GET", "/api/v1/plans/" + id + "/report?format=csv&version=1&refresh=false", ``},
		{"GET", "/api/v1/reports/" + id + "?format=json&lang=en", ``},
	}
	for _, c := range valid {
		if err := validate(c.method, c.path, c.body); err != nil {
			t.Errorf("%s %s %s: want valid, got %v", c.method, c.path, c.body, err)
		}
	}
	invalid := []struct{ method, path, body string }{
		{"POST", "/api/v1/units", `{"name":"X","level":"province","extra":1}`},
		{"POST", "/api/v1/dialogues/" + id + "/survey/responses", `{"field":"a","content":"b","responses":[]}`},
		{"POST", "/api/v1/dialogues/" + id + "/survey/responses", `{"field":"a"}`},
		{"POST", "/api/v1/dialogues/" + id + "/session", `{"held_at":"2026-06-18T08:00:00+07:00","attendance":{"total":1,"x":2}}`},
		{"POST", "/api/v1/dialogues/" + id + "/session", `{"held_at":"2026-06-18T08:00:00+07:00","attendance":{"total":1},"conclusions":[{"content":"x","tasks":[{"title":"y","assignee":{"agency":"z"},"deadline":"P3D"}]}]}`},
		{"POST", "/api/v1/dialogues/" + id + "/tasks", `{"conclusion_id":"` + id + `","tasks":[]}`},
		{"POST", "/api/v1/dialogues/" + id + "/tasks", `{"conclusion_id":"` + id + `","tasks":[{"title":"x","due_in_working_days":3}]}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"1","issuing_body":"x","policy":{"escalation":[{"after":"P1D","recipients":["boss"]}]}}`},
		{"POST", "/api/v1/plans", `{"unit_id":"` + id + `","year":2026,"reference_no":"1","issuing_body":"x","policy":{"reminder_working_days":["P1D"]}}`},
		{"POST", "/api/v1/tasks/" + id + "/review", `{"decision":"maybe"}`},
		{"POST", "/api/v1/tasks/" + id + "/extension/decision", `{"note":"x"}`},
		{"PUT", "/api/v1/units/" + id + "/channels", `{"webhook_url":"https://x.example.vn","secret":"0123456789abcdef"}`},
		{"PUT", "/api/v1/units/" + id + "/channels", `{"contacts":[{"role":"boss","email":"a@b.vn"}]}`},
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{"assessment":"x","status":"final"}`},
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{}`},
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{"assessment":null}`},
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{"assessment":["x"]}`},
		{"PUT", "/api/v1/reports/" + id + "/assessment", `{"assessment":"` + strings.Repeat("đ", 50001) + `"}`},
		{"GET", "/api/v1/reports?from=2026-01-01&to=2027-01-01", ``},
		{"GET", "/api/v1/reports?unit_id=" + id + "&from=2026-01-01&to=2027-01-01&level=hamlet", ``},
		{"GET", "/api/v1/plans/" + id + "/report?lang=fr", ``},
		{"GET", "/api/v1/plans/" + id + "/report?version=0", ``},
		{"GET", "/api/v1/dialogues/" + id + "/report?refresh=maybe", ``},
	}
	for _, c := range invalid {
		if err := validate(c.method, c.path, c.body); err == nil {
			t.Errorf("%s %s %s: want invalid, got valid", c.method, c.path, c.body)
		}
	}
}

// TestOpenAPIResponsesWithoutBackends sends the requests that the handlers
// answer without PostgreSQL or Temporal and validates every response
// against the spec.
func TestOpenAPIResponsesWithoutBackends(t *testing.T) {
	_, router := loadOpenAPI(t)
	verifier, err := auth.NewHS256(auth.HS256Config{Secret: []byte("openapi-test-secret-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	h := (&Server{Auth: verifier}).Handler()
	// A user of every role bound to no unit: every guard lets it through,
	// and nothing needs the database before the answers below.
	token, err := verifier.Mint(auth.Principal{Subject: "t", Roles: auth.KnownRoles}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	officer, err := verifier.Mint(auth.Principal{Subject: "o", Roles: []string{auth.RoleOfficer}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := verifier.Mint(auth.Principal{Subject: "t", Roles: auth.KnownRoles}, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const uuidA = "6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	cases := []struct {
		method, path, ct, body string
		headers                map[string]string
		want                   int
		validRequest           bool
	}{
		{method: "GET", path: "/healthz", want: 200, validRequest: true},
		{method: "GET", path: "/api/v1/healthz", want: 200, validRequest: true},
		{method: "GET", path: "/api/v1/openapi.yaml", want: 200, validRequest: true},
		// No store: readyz panics on the nil store and the recovery answers 500.
		{method: "GET", path: "/readyz", want: 500, validRequest: true},
		{method: "GET", path: "/api/v1/units/not-a-uuid", want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/plans/not-a-uuid", want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/dialogues/not-a-uuid/events", want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/units?limit=0", want: 422},
		{method: "GET", path: "/api/v1/plans?subtree=maybe", want: 422},
		{method: "GET", path: "/api/v1/alerts?status=closed&limit=600", want: 422},
		{method: "POST", path: "/api/v1/units", ct: "text/plain", body: "hello", want: 415},
		{method: "POST", path: "/api/v1/units", ct: "application/json", body: `{"name":`, want: 400},
		{method: "POST", path: "/api/v1/units", ct: "application/json", body: `{"name":"","level":"town"}`, want: 422},
		{method: "POST", path: "/api/v1/units", ct: "application/json", body: `{"name":"X","level":"province","bogus":1}`, want: 422},
		{method: "POST", path: "/api/v1/plans", ct: "application/json", body: `{"year":1990,"policy":{"survey_lead":"P1M"},"dialogues":[{"kind":"thematic"}]}`, want: 422},
		{method: "POST", path: "/api/v1/plans", ct: "application/json", body: `{"year":"2026"}`, want: 422},
		{method: "POST", path: "/api/v1/dialogues/not-a-uuid/cancel", ct: "application/json", body: `{"reason":"x"}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/alerts/not-a-uuid/ack", want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/alerts/00000000-0000-4000-8000-000000000000/ack", headers: map[string]string{HeaderIdempotencyKey: strings.Repeat("k", 300)}, want: 422},
		{method: "GET", path: "/api/v1/healthz", headers: map[string]string{HeaderRequestID: "req-123"}, want: 200, validRequest: true},
		{method: "GET", path: "/api/v1/units/not-a-uuid/channels", want: 404, validRequest: true},
		{method: "PUT", path: "/api/v1/units/not-a-uuid/channels", ct: "application/json", body: `{"contacts":[]}`, want: 404, validRequest: true},
		{method: "PUT", path: "/api/v1/units/" + uuidA + "/channels", ct: "text/plain", body: "x", want: 415},
		{method: "PUT", path: "/api/v1/units/" + uuidA + "/channels", ct: "application/json", body: `{"contacts":`, want: 400},
		{method: "PUT", path: "/api/v1/units/" + uuidA + "/channels", ct: "application/json",
			body: `{"webhook_url":"ftp://x","contacts":[{"role":"boss","email":"không-phải-email","name":"` + strings.Repeat("n", 201) + `"}]}`, want: 422},
		{method: "PUT", path: "/api/v1/units/" + uuidA + "/channels", ct: "application/json", body: `{"webhook_url":"https://x.example.vn/h","webhook_secret":"short"}`, want: 422},
		{method: "POST", path: "/api/v1/dialogues/not-a-uuid/tasks", ct: "application/json",
			body: `{"conclusion_id":"` + uuidA + `","tasks":[{"title":"x","assignee":{"agency":"y"},"due_in_working_days":3}]}`, want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/tasks?limit=501", want: 422},
		{method: "GET", path: "/api/v1/tasks?status=late&due_before=yesterday&unit_id=x", want: 422},
		{method: "GET", path: "/api/v1/tasks/not-a-uuid", want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/tasks/not-a-uuid/result", ct: "application/json", body: `{"text":"x"}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/tasks/not-a-uuid/review", ct: "application/json", body: `{"decision":"accept"}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/tasks/not-a-uuid/extension", ct: "application/json", body: `{"reason":"x","proposed_due_at":"2026-08-28T17:00:00+07:00"}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/tasks/not-a-uuid/extension/decision", ct: "application/json", body: `{"approve":true}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/tasks/not-a-uuid/reassign", ct: "application/json", body: `{"assignee":{"agency":"x"}}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/tasks/not-a-uuid/cancel", ct: "application/json", body: `{"reason":"x"}`, want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/dialogues/not-a-uuid/report", want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/plans/not-a-uuid/report?format=csv", want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/reports/not-a-uuid?format=html&lang=en", want: 404, validRequest: true},
		{method: "GET", path: "/api/v1/reports", want: 422},
		{method: "GET", path: "/api/v1/reports?unit_id=x&from=2026-13-01&to=yesterday&level=hamlet", want: 422},
		{method: "GET", path: "/api/v1/reports?unit_id=" + uuidA + "&from=2027-01-01&to=2026-01-01", want: 422},
		{method: "GET", path: "/api/v1/reports?unit_id=" + uuidA + "&from=2020-01-01&to=2026-01-01", want: 422},
		{method: "PUT", path: "/api/v1/reports/not-a-uuid/assessment", ct: "application/json", body: `{"assessment":"x"}`, want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/reports/not-a-uuid/finalise", want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/reports/00000000-0000-4000-8000-000000000000/finalise", headers: map[string]string{HeaderIdempotencyKey: strings.Repeat("k", 300)}, want: 422},
		// Authentication and the role guard, before anything else.
		{method: "GET", path: "/api/v1/tasks", headers: map[string]string{"Authorization": ""}, want: 401, validRequest: true},
		{method: "GET", path: "/api/v1/tasks", headers: map[string]string{"Authorization": "Basic dTpw"}, want: 401, validRequest: true},
		{method: "GET", path: "/api/v1/tasks", headers: map[string]string{"Authorization": "Bearer " + expired}, want: 401, validRequest: true},
		{method: "GET", path: "/api/v1/tasks", headers: map[string]string{"Authorization": "Bearer " + token + "x"}, want: 401, validRequest: true},
		{method: "POST", path: "/api/v1/plans", ct: "application/json", body: `{}`, headers: map[string]string{"Authorization": "Bearer " + officer}, want: 403},
		{method: "GET", path: "/api/v1/audit", headers: map[string]string{"Authorization": "Bearer " + officer}, want: 403, validRequest: true},
		// The public survey link: a malformed token is unknown without a
		// database read.
		{method: "GET", path: "/api/v1/survey/nope", want: 404, validRequest: true},
		{method: "POST", path: "/api/v1/survey/nope/responses", ct: "application/json", body: `{"field":"Đất đai","content":"x"}`, want: 404, validRequest: true},
	}
	for _, c := range cases {
		name := c.method + " " + c.path
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		req := httptest.NewRequest(c.method, c.path, body)
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		for k, v := range c.headers {
			if v == "" {
				req.Header.Del(k)
				continue
			}
			req.Header.Set(k, v)
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s: not in the spec: %v", name, err)
			continue
		}
		reqInput := &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		}
		if c.validRequest {
			if err := openapi3filter.ValidateRequest(ctx, reqInput); err != nil {
				t.Errorf("%s: request does not validate: %v", name, err)
			}
			if c.body != "" {
				req.Body = io.NopCloser(strings.NewReader(c.body))
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: status %d, want %d: %s", name, rec.Code, c.want, rec.Body.String())
		}
		if rec.Header().Get(HeaderRequestID) == "" {
			t.Errorf("%s: no %s header", name, HeaderRequestID)
		}
		if v := c.headers[HeaderRequestID]; v != "" && rec.Header().Get(HeaderRequestID) != v {
			t.Errorf("%s: %s = %q, want %q", name, HeaderRequestID, rec.Header().Get(HeaderRequestID), v)
		}
		respInput := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: reqInput,
			Status:                 rec.Code,
			Header:                 rec.Header(),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		}
		respInput.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(ctx, respInput); err != nil {
			t.Errorf("%s: response %d does not validate: %v\n%s", name, rec.Code, err, rec.Body.String())
		}
	}
}

// TestOpenAPISchemasMatchGoTypes marshals the Go values the handlers send,
// in their sparse (nil slices, absent optional fields) and full forms, and
// validates them against the response schemas.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	check := func(schemaName string, v any) {
		t.Helper()
		ref := doc.Components.Schemas[schemaName]
		if ref == nil || ref.Value == nil {
			t.Fatalf("no schema %s", schemaName)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %T: %v", v, err)
		}
		var decoded any
		if err := json.Unmarshal(b, &decoded); err != nil {
			t.Fatalf("unmarshal %T: %v", v, err)
		}
		if err := ref.Value.VisitJSON(decoded, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
			t.Errorf("%s does not match %T: %v\n%s", schemaName, v, err, b)
		}
	}
	// The check must be able to fail.
	for name, bad := range map[string]any{
		"Unit":          gin.H{"id": "x", "level": "hamlet", "name": "n", "created_at": "2026-01-01T00:00:00Z"},
		"Plan":          gin.H{"id": "x"},
		"DialogueView":  gin.H{"notifications": nil},
		"Error":         gin.H{"code": "x", "message": "m"},
		"SurveySummary": gin.H{"dialogue_id": "x", "total": 1, "by_field": nil, "main_issues": nil, "computed_at": "yesterday", "final": true},
		"Task":          gin.H{"id": "x", "status": "late"},
		"TaskView":      gin.H{"timeline": nil},
		"TaskPage":      gin.H{"items": []any{}, "total": 0, "limit": 50, "offset": 0},
		"ChannelsView":  gin.H{"unit_id": "x", "webhook_url": "", "contacts": nil, "webhook_secret_set": false},
		"Policy":        gin.H{"survey_lead": "P14D", "survey_close": "P3D", "session_grace": "P2D", "reminder_working_days": nil, "escalation": []any{}},
	} {
		b, _ := json.Marshal(bad)
		var decoded any
		_ = json.Unmarshal(b, &decoded)
		if err := doc.Components.Schemas[name].Value.VisitJSON(decoded, openapi3.VisitAsResponse()); err == nil {
			t.Errorf("%s accepts %s", name, b)
		}
	}

	const (
		id1 = "6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
		id2 = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
	)
	str := func(s string) *string { return &s }
	now := time.Date(2026, 6, 18, 8, 0, 0, 123456789, domain.Location)
	later := now.Add(48 * time.Hour)

	province := store.Unit{ID: id1, Level: domain.LevelProvince, Name: "Hà Nội", CreatedAt: now}
	ward := store.Unit{ID: id2, Code: str("DD-01"), ParentID: str(id1), Level: domain.LevelCommune, Name: "Phường Láng Hạ", CreatedAt: now.UTC()}
	check("Unit", province)
	check("Unit", ward)
	check("UnitView", contract.UnitView{Unit: province, Children: []store.Unit{ward}})
	check("UnitView", contract.UnitView{Unit: ward, Children: []store.Unit{}})
	check("UnitPage", contract.Page[store.Unit]{Items: []store.Unit{province, ward}, Total: 2, Limit: 50})
	check("UnitPage", contract.Page[store.Unit]{Items: []store.Unit{}, Limit: 50})

	plan := store.Plan{ID: id1, UnitID: id2, Year: 2026, ReferenceNo: "55-KH/HU", IssuingBody: "Huyện ủy", Policy: domain.DefaultPolicy(),
		Status: "active", CreatedBy: "anonymous", CreatedAt: now, UpdatedAt: now}
	closedPlan := plan
	closedPlan.Status, closedPlan.ClosedAt = "closed", &later
	closedPlan.Policy = domain.Policy{SurveyLead: 20 * time.Second, SurveyClose: 5 * time.Second}
	sparse := store.Dialogue{ID: id1, PlanID: id1, UnitID: id2, Seq: 1, Kind: domain.KindPeriodic, ScheduledAt: now, Phase: domain.PhaseScheduled,
		SurveyOpensAt: now, SurveyClosesAt: now, SessionDueBy: later, CreatedAt: now, UpdatedAt: now}
	full := sparse
	full.Kind, full.Topic, full.Title, full.Place = domain.KindThematic, "GPMB", "Đối thoại", "Hội trường"
	full.Hosts, full.InvitedGroups = []domain.Host{{Name: "A", Title: "Bí thư"}, {Name: "B"}}, []string{"MTTQ"}
	full.Phase, full.CancelReason, full.SessionRecordedAt, full.ClosedAt = domain.PhaseCancelled, "lý do", &later, &later
	var summaries []contract.DialogueSummary
	for _, phase := range []string{domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession, domain.PhaseSessionRecorded, domain.PhaseClosed, domain.PhaseCancelled} {
		d := sparse
		d.Phase = phase
		summaries = append(summaries, summarise(d))
		check("DialogueSummary", summarise(d))
	}
	check("DialogueSummary", summarise(full))
	check("Plan", plan)
	check("Plan", closedPlan)
	check("PlanView", contract.PlanView{Plan: plan, Dialogues: []contract.DialogueSummary{}})
	check("PlanView", contract.PlanView{Plan: plan, Dialogues: summaries, Live: &workflows.PlanState{PlanID: id1, Phase: "active", YearEndsAt: later}})
	check("PlanView", contract.PlanView{Plan: closedPlan, Dialogues: summaries, Live: &workflows.PlanState{PlanID: id1, Phase: "closed", Saved: true, Dialogues: []string{id1}, OpenDialogues: 1}})
	check("PlanView", contract.PlanView{Plan: plan, Dialogues: summaries, LiveError: CodeTemporalDown})
	check("PlanPage", contract.Page[contract.PlanListItem]{Items: []contract.PlanListItem{{Plan: plan, DialogueCounts: map[string]int{}}, {Plan: closedPlan, DialogueCounts: map[string]int{"scheduled": 2, "closed": 1}}}, Total: 2, Limit: 50})
	check("PlanPage", contract.Page[contract.PlanListItem]{Items: []contract.PlanListItem{}, Limit: 1})

	rec := &store.SessionRecord{
		Session:  store.SessionRow{DialogueID: id1, HeldAt: now, Attendance: domain.Attendance{Total: 0}, RecordedBy: "anonymous", RecordedAt: now},
		Opinions: []store.OpinionRow{}, Conclusions: []store.ConclusionRow{},
	}
	fullRec := &store.SessionRecord{
		Session: store.SessionRow{DialogueID: id1, HeldAt: now, Chair: "A", Attendance: domain.Attendance{Total: 9, Groups: map[string]int{"mttq": 2}},
			Notes: "n", RecordedBy: "planner-1", RecordedAt: now},
		Opinions: []store.OpinionRow{{ID: id1, Seq: 1, Field: "Đất đai", Content: "x", Source: domain.SourceFloor},
			{ID: id2, Seq: 2, Field: "Y tế", Content: "y", Source: domain.SourceSurvey, AnsweredOnSpot: true, Answer: "z"}},
		Conclusions: []store.ConclusionRow{{ID: id1, Seq: 1, Content: "Giao ..."}},
	}
	sumLive := &store.SurveySummary{DialogueID: id1, ComputedAt: now, ByField: []store.FieldCount{}, MainIssues: []store.Issue{}}
	sumNil := &store.SurveySummary{DialogueID: id1, ComputedAt: now, Final: true}
	sumFull := &store.SurveySummary{DialogueID: id1, Total: 3, ComputedAt: now, Final: true,
		ByField: []store.FieldCount{{Field: "Đất đai", Count: 3}}, MainIssues: []store.Issue{{Field: "Đất đai", Content: "x", Count: 2}}}
	check("SurveySummary", sumLive)
	check("SurveySummary", sumNil)
	check("SurveySummary", sumFull)
	notes := []store.Notification{
		{ID: id1, UnitID: id2, Recipient: "A", Channel: "log", SubjectVI: "s", SubjectEN: "s", BodyVI: "b", BodyEN: "b", CreatedAt: now},
		{ID: id2, UnitID: id2, DialogueID: str(id1), Recipient: "B", Channel: "email", CreatedAt: now},
	}
	liveSparse := &workflows.DialogueState{DialogueID: id1, Phase: domain.PhaseScheduled, ScheduledAt: now, Window: domain.WindowFor(now, domain.DefaultPolicy())}
	liveFull := &workflows.DialogueState{DialogueID: id1, Phase: domain.PhaseCancelled, ScheduledAt: now, Window: domain.WindowFor(now, domain.DefaultPolicy()),
		Generation: 2, CancelReason: "x", NextEvent: "session_due", NextEventAt: &later, SessionMissedAlerted: true}
	check("DialogueView", contract.DialogueView{DialogueSummary: summarise(sparse), Notifications: []store.Notification{}})
	check("DialogueView", contract.DialogueView{DialogueSummary: summarise(sparse), Notifications: []store.Notification{}, Live: liveSparse})
	check("DialogueView", contract.DialogueView{DialogueSummary: summarise(full), Session: rec, SurveySummary: sumNil, Notifications: notes, Live: liveFull})
	check("DialogueView", contract.DialogueView{DialogueSummary: summarise(full), Session: fullRec, SurveySummary: sumFull, Notifications: notes, LiveError: "boom"})

	check("SurveyAccepted", contract.SurveyAccepted{Accepted: 2, Duplicates: 1})
	check("SurveyResponsePage", contract.Page[store.SurveyResponse]{Items: []store.SurveyResponse{
		{ID: id1, DialogueID: id2, Field: "a", Content: "b", SubmittedAt: now},
		{ID: id2, DialogueID: id2, Field: "a", Content: "b", RespondentName: "n", RespondentGroup: "g", SubmittedAt: now},
	}, Total: 2, Limit: 50})
	check("SurveyResponsePage", contract.Page[store.SurveyResponse]{Items: []store.SurveyResponse{}, Limit: 50})

	check("EventList", gin.H{"items": []store.Event{
		store.NewEvent("", "", "", "dialogue.cancelled", "dialogue", id1, "", "", map[string]any{"reason": "x"}),
		store.NewEvent("k", "a", "planner", "alert.acknowledged", "dialogue", id1, id2, "req-1", nil),
		{ID: 3, At: now, Actor: "system", Action: "x", EntityType: "dialogue", EntityID: id1},
		{ID: 4, At: now, Actor: "system", Action: "x", EntityType: "dialogue", EntityID: id1, Data: json.RawMessage(`[1,"a"]`)},
	}})
	check("EventList", gin.H{"items": []store.Event{}})

	openAlert := store.Alert{ID: id1, UnitID: id2, RecipientRole: domain.RolePlanner, Kind: domain.AlertSessionMissed, Status: "open", CreatedAt: now}
	ackedAlert := store.Alert{ID: id1, UnitID: id2, RecipientRole: domain.RoleMTTQ, Kind: domain.AlertSessionMissed, Level: 2,
		PlanID: str(id1), DialogueID: str(id2), TaskID: str(id1), TitleVI: "t", TitleEN: "t", BodyVI: "b", BodyEN: "b",
		Status: "acknowledged", CreatedAt: now, AckedAt: &later, AckedBy: "mttq-1"}
	check("Alert", openAlert)
	check("Alert", ackedAlert)
	check("AlertPage", contract.Page[store.Alert]{Items: []store.Alert{openAlert, ackedAlert}, Total: 2, Limit: 50})
	check("AlertPage", contract.Page[store.Alert]{Items: []store.Alert{}, Limit: 50})

	check("Error", newError(http.StatusNotFound, CodeNotFound, "vi", "en"))
	e := validationError(fieldError("name", "required"), fieldError("level", "invalid_enum"))
	e.RequestID = "req-1"
	check("Error", e)
	check("Error", surveyClosedError(&store.SurveyClosedError{Phase: domain.PhaseScheduled, OpensAt: now, ClosesAt: later}))
	pe := newError(http.StatusConflict, CodePlanExists, "vi", "en")
	pe.Details = map[string]any{"plan_id": id1}
	check("Error", pe)
	// Units with a webhook, plans with a full task policy.
	hooked := province
	hooked.WebhookURL = "https://ioc.example.vn/hook"
	hooked.WebhookSecret = "never shown"
	check("Unit", hooked)
	check("UnitPage", contract.Page[store.Unit]{Items: []store.Unit{hooked, ward}, Total: 2, Limit: 50})
	taskPlan := plan
	taskPlan.Policy = domain.Policy{SurveyLead: 3 * time.Second, SurveyClose: time.Second, SessionGrace: time.Hour, SupervisionWithin: 24 * time.Hour,
		ReminderWorkingDays: []int{5, 2}, ReminderOffsets: []time.Duration{3 * time.Second},
		Escalation: []domain.EscalationStep{{Recipients: []string{"assignee", "monitor"}}, {After: 3 * time.Second, Recipients: []string{"mttq"}},
			{AfterWorkingDays: 10, Recipients: []string{"parent_mttq", "parent_party_committee"}}}}
	check("Plan", taskPlan)
	check("PlanView", contract.PlanView{Plan: taskPlan, Dialogues: summaries})

	// Alerts and notices of the live feed.
	taskAlert := ackedAlert
	taskAlert.Kind, taskAlert.RecipientRole, taskAlert.Recipient, taskAlert.Seq = domain.AlertTaskOverdue, domain.RolePartyCommittee, "Phạm Văn Đức (UBND phường)", 42
	check("Alert", taskAlert)
	reminder := store.Notification{ID: id1, UnitID: id2, DialogueID: str(id1), TaskID: str(id2), Recipient: "Đức", Channel: "inbox",
		SubjectVI: "s", SubjectEN: "s", BodyVI: "b", BodyEN: "b", CreatedAt: now, Seq: 43, Kind: "reminder"}
	check("Notification", reminder)
	check("DialogueView", contract.DialogueView{DialogueSummary: summarise(full), Session: fullRec, Notifications: []store.Notification{reminder, notes[0]}, Live: liveFull})

	// Tasks: a fresh one, and one through every command.
	fresh := store.Task{ID: id1, DialogueID: id2, PlanID: id1, UnitID: id2, AssigneeUnitID: id2, Title: "Thu gom rác", AssigneeAgency: "UBND phường",
		Status: domain.TaskInProgress, AssignedAt: now, DueAt: later, OriginalDueAt: later, DeadlineSpec: json.RawMessage(`{"due_in_working_days":15}`),
		Version: 2, CreatedAt: now, UpdatedAt: now}
	decided, newDue := later.Add(time.Hour), later.Add(72*time.Hour)
	settled := fresh
	settled.ConclusionID, settled.Description, settled.AssigneeOfficer, settled.Monitor = str(id1), "mô tả", "Phạm Văn Đức", "Đ/c Hoàng"
	settled.Status, settled.Overdue, settled.EscalationLevel, settled.Late, settled.ReturnedCount = domain.TaskDone, true, 3, true, 1
	settled.DueAt, settled.DeadlineSpec = newDue, json.RawMessage(`{"due_at":"2026-06-20T08:00:00+07:00"}`)
	settled.Extension = &lifecycle.TaskExtension{Reason: "chờ", ProposedDueAt: newDue, RequestedBy: "duc", RequestedAt: now, Status: "approved",
		DecidedBy: "mttq", DecidedAt: &decided, NewDueAt: &newDue, DecisionNote: "đồng ý"}
	settled.Result = &lifecycle.TaskResult{Text: "Đã xong", Links: []string{"https://example.vn/a.pdf"}, SubmittedBy: "duc", SubmittedAt: decided, ReturnReason: "thiếu"}
	settled.SubmittedAt, settled.CompletedAt, settled.Version = &decided, &newDue, 9
	noLinks := fresh
	noLinks.Status = domain.TaskSubmitted
	noLinks.Result = &lifecycle.TaskResult{Text: "Đã xong", SubmittedBy: "anonymous", SubmittedAt: now}
	noLinks.Extension = &lifecycle.TaskExtension{Reason: "chờ", ProposedDueAt: newDue, RequestedBy: "duc", RequestedAt: now, Status: "pending"}
	cancelled := fresh
	cancelled.Status, cancelled.CancelReason, cancelled.CompletedAt = domain.TaskCancelled, "trùng", &decided
	for _, task := range []store.Task{fresh, settled, noLinks, cancelled} {
		check("Task", task)
	}
	check("TaskList", gin.H{"items": []store.Task{fresh, settled}})
	check("TaskPage", contract.TaskPage{Page: contract.Page[store.Task]{Items: []store.Task{fresh, settled, noLinks, cancelled}, Total: 4, Limit: 50}, Overdue: 1})
	check("TaskPage", contract.TaskPage{Page: contract.Page[store.Task]{Items: []store.Task{}, Limit: 50, Offset: 100}})

	timeline := []store.TimelineEntry{
		{At: now, Type: "event", Action: "task.assigned", Actor: "planner.dongda", Data: json.RawMessage(`{"due_at":"2026-06-20T08:00:00+07:00"}`)},
		{At: now, Type: "event", Action: "task.in_progress", Actor: "system", Data: store.NewEvent("", "", "", "x", "task", id1, "", "", nil).Data},
		{At: now, Type: "notice", Action: "notice", Text: "Giao nhiệm vụ", TextEN: "Task assigned", Ref: id1},
		{At: later, Type: "reminder", Action: "reminder", Text: "Sắp đến hạn", TextEN: "Due soon", Ref: id2},
		{At: later, Type: "alert", Action: domain.AlertTaskOverdue, Text: "Quá hạn", TextEN: "Overdue", Ref: id1,
			Data: json.RawMessage(`{"level":1,"recipient":"","recipient_role":"officer","status":"open","unit_id":"` + id2 + `"}`)},
		{At: decided, Type: "alert", Action: "alert.acknowledged", Actor: "mttq", Ref: id1},
	}
	// The live state as the API gets it: through the workflow's JSON.
	roundTrip := func(v workflows.TaskView) *workflows.TaskView {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out workflows.TaskView
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return &out
	}
	dueAt := later
	state := lifecycle.TaskState{TaskID: id1, DialogueID: id2, PlanID: id1, UnitID: id2, Title: "Thu gom rác",
		Assignee: domain.Assignee{Agency: "UBND phường", UnitID: id2}, Status: domain.TaskInProgress, AssignedAt: now, DueAt: later, OriginalDueAt: later,
		DeadlineSpec: map[string]any{"due_at": dueAt}, Version: 2}
	sched := lifecycle.TaskSchedule{DueAt: later, Reminders: []lifecycle.ScheduledReminder{{At: now.Add(time.Hour), Label: "còn 1 ngày làm việc", LabelEN: "1 working days left"}},
		Steps: []lifecycle.ScheduledStep{{Level: 1, At: later, Recipients: []string{"assignee", "monitor"}}, {Level: 2, At: newDue, Recipients: []string{"mttq"}}}}
	liveTask := roundTrip(workflows.TaskView{State: state, Schedule: sched, RemindersSent: 1, NextEvent: "step", NextEventAt: &dueAt})
	fullState := state
	fullState.ConclusionID, fullState.Description, fullState.Monitor, fullState.CancelReason = id1, "mô tả", "Đ/c Hoàng", "x"
	fullState.Assignee.Officer = "Đức"
	fullState.DeadlineSpec = map[string]any{"due_in_working_days": 15}
	fullState.Extension, fullState.Result = (*lifecycle.TaskExtension)(settled.Extension), (*lifecycle.TaskResult)(noLinks.Result)
	fullState.SubmittedAt, fullState.CompletedAt, fullState.Status, fullState.Late, fullState.Generation = &decided, &newDue, domain.TaskDone, true, 1
	liveDone := roundTrip(workflows.TaskView{State: fullState, Schedule: lifecycle.TaskSchedule{DueAt: newDue, Reminders: []lifecycle.ScheduledReminder{}, Steps: []lifecycle.ScheduledStep{}},
		RemindersSent: 2, StepsRaised: 3})
	check("TaskView", contract.TaskView{Task: fresh, Timeline: []store.TimelineEntry{}})
	check("TaskView", contract.TaskView{Task: fresh, Timeline: timeline[:2], Live: liveTask})
	check("TaskView", contract.TaskView{Task: settled, Timeline: timeline, Live: liveDone})
	check("TaskView", contract.TaskView{Task: noLinks, Timeline: timeline, LiveError: CodeTemporalDown})
	check("TaskLiveState", liveTask)

	check("ChannelsView", contract.ChannelsView{Channels: store.Channels{UnitID: id1, Contacts: []store.Contact{}}})
	check("ChannelsView", contract.ChannelsView{Channels: store.Channels{UnitID: id1, WebhookURL: "https://ioc.example.vn/hook", WebhookSecret: "0123456789abcdef",
		Contacts: []store.Contact{{UnitID: id1, Role: domain.RoleMTTQ, Email: "mttq@example.vn", Name: "MTTQ"}, {Role: domain.RolePartyCommittee, Email: "tu@example.vn"}}},
		WebhookSecretSet: true})
	b, _ := json.Marshal(contract.ChannelsView{Channels: store.Channels{UnitID: id1, WebhookSecret: "0123456789abcdef", Contacts: []store.Contact{}}, WebhookSecretSet: true})
	if bytes.Contains(b, []byte("0123456789abcdef")) {
		t.Errorf("ChannelsView shows the secret: %s", b)
	}

	check("Health", gin.H{"status": "ok"})
	check("Readiness", gin.H{"status": "unavailable", "checks": gin.H{"database": "ok", "temporal": "unavailable: no client"}})

	// Supervision reports: full drafts and finals, and one whose sections
	// are all empty (lists are [] as the report SQL builds them).
	draft, final, empty := reportSamples()
	check("Report", draft)
	check("Report", final)
	check("Report", empty)
	check("ReportData", draft.Data)
	check("ReportData", empty.Data)
	unassessed := final
	unassessed.Assessment, unassessed.Data.Scope.PlanID = "", ""
	unassessed.Kind, unassessed.Data.Scope.Kind = report.KindRollup, report.KindRollup
	check("Report", unassessed)
	check("Error", errReportFinal)
	// The check must be able to fail on the report too: a null list, an
	// unknown status, a missing section.
	nullList := draft
	nullList.Data.Opinions.ByField = nil
	archived := final
	archived.Status = "archived"
	for _, bad := range []any{nullList, archived, gin.H{"id": draft.ID, "scope_key": draft.ScopeKey, "kind": "plan", "version": 1,
		"status": "draft", "assessment": "", "computed_at": "2026-06-18T08:00:00+07:00"}} {
		b, _ := json.Marshal(bad)
		var decoded any
		_ = json.Unmarshal(b, &decoded)
		if err := doc.Components.Schemas["Report"].Value.VisitJSON(decoded, openapi3.VisitAsResponse()); err == nil {
			t.Errorf("Report accepts %s", b)
		}
	}
	// The assessment body as a client would send it.
	for body, valid := range map[*contract.AssessmentRequest]bool{
		{Assessment: str("Đánh giá của MTTQ")}: true,
		{Assessment: str("")}:                  true,
		{}:                                     false, // null: the server answers 422 required
	} {
		b, _ := json.Marshal(body)
		var decoded any
		_ = json.Unmarshal(b, &decoded)
		err := doc.Components.Schemas["AssessmentRequest"].Value.VisitJSON(decoded, openapi3.VisitAsRequest())
		if (err == nil) != valid {
			t.Errorf("AssessmentRequest %s: valid = %v, want %v (%v)", b, err == nil, valid, err)
		}
	}
}

// reportSamples returns supervision reports as the store hands them to the
// handlers: a draft dialogue report and a final plan report with every
// section filled, and a draft roll-up of one level whose sections are all
// empty (the report SQL gives [] for every list, never null).
func reportSamples() (draft, final, empty report.Report) {
	const (
		reportID   = "8e3f5a1c-2b4d-4c6e-9f70-1a2b3c4d5e6f"
		finalID    = "2d7e9b1a-4c3f-4e8d-a6b5-7c8d9e0f1a2b"
		emptyID    = "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b"
		unitID     = "3f2a9c1e-6b7d-4e2f-8a90-1c2d3e4f5a6b"
		communeID  = "4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
		planID     = "5c4b3a29-1807-4f6e-8d7c-6b5a4f3e2d1c"
		dialogueID = "6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	)
	loc := domain.Location
	at := time.Date(2027, 1, 5, 9, 12, 30, 123456000, loc)
	full := report.Data{
		Scope: report.Scope{Kind: report.KindPlan, UnitID: unitID, UnitName: "Huyện Vũ Thư", UnitLevel: domain.LevelDistrict, PlanID: planID,
			From: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2027, 1, 1, 0, 0, 0, 0, loc), Title: "Báo cáo giám sát năm 2026 — Huyện Vũ Thư"},
		DataTime: at,
		Dialogues: report.Dialogues{Planned: 33, AdHoc: 2, Held: 30, Rescheduled: 4, Cancelled: 2, Pending: 3,
			ByLevel: []report.LevelCount{
				{Level: domain.LevelDistrict, LevelName: report.LevelName(domain.LevelDistrict), Planned: 3, Held: 3, UnitsTotal: 1, UnitsHeld: 1, Ratio: "1/1 quận, huyện, thị xã"},
				{Level: domain.LevelCommune, LevelName: report.LevelName(domain.LevelCommune), Planned: 30, Held: 27, Cancelled: 2, UnitsTotal: 30, UnitsHeld: 25, Ratio: "25/30 xã, phường, thị trấn"},
			},
			ByKind: []report.KindCount{{Kind: domain.KindPeriodic, Planned: 28, Held: 25}, {Kind: domain.KindThematic, Planned: 5, Held: 3}, {Kind: domain.KindAdhoc, Planned: 2, Held: 2}},
		},
		Participants: report.Participants{Total: 4860, ByGroup: []report.GroupCount{{Group: "nhan_dan", Count: 3120}, {Group: "mttq", Count: 1740}}},
		Survey:       report.Survey{Answers: 1284, ByField: []report.FieldCount{{Field: "Đất đai", Count: 802}, {Field: "Môi trường", Count: 482}}},
		Opinions: report.Opinions{Total: 926, FromSurvey: 611, FromFloor: 315, AnsweredOnSpot: 598, FollowedUp: 328,
			ByField: []report.OpinionField{{Field: "Đất đai", Total: 600, AnsweredOnSpot: 400}, {Field: "Môi trường", Total: 326, AnsweredOnSpot: 198}}},
		Tasks: report.Tasks{Total: 214, DoneOnTime: 131, DoneLate: 38, Overdue: 17, Open: 24, Cancelled: 4, ReturnedResults: 12,
			AvgDelayWorkingDays: 6.42, MaxDelayWorkingDays: 27},
		Escalations: report.Escalations{Total: 41, ByLevel: []report.EscalationLevel{
			{Level: 1, Alerts: 17, Acknowledged: 17, AvgAckSeconds: 18720.5}, {Level: 2, Alerts: 24, Acknowledged: 20, AvgAckSeconds: 72000}}},
		Satisfaction: report.Satisfaction{Rated: 40, Satisfied: 31, NotSatisfied: 9,
			ByField: []report.SatisfactionRow{{Field: "Đất đai", Rated: 40, Satisfied: 31, NotSatisfied: 9}},
			ByUnit:  []report.SatisfactionUnit{{UnitID: communeID, Name: "Xã Minh Lãng", Rated: 40, Satisfied: 31, NotSatisfied: 9}}},
		Remarks: 3,
	}
	dialogueData := full
	dialogueData.Scope = report.Scope{Kind: report.KindDialogue, UnitID: communeID, UnitName: "Xã Minh Lãng", UnitLevel: domain.LevelCommune,
		PlanID: planID, DialogueID: dialogueID, From: time.Date(2026, 6, 18, 0, 0, 0, 0, loc), To: time.Date(2026, 6, 19, 0, 0, 0, 0, loc),
		Title: "Báo cáo giám sát hội nghị tiếp xúc, đối thoại ngày 18/06/2026 — Xã Minh Lãng"}
	draft = report.Report{ID: reportID, ScopeKey: "dialogue/" + dialogueID, Kind: report.KindDialogue, Version: 2, Status: report.StatusDraft,
		Assessment: "Hội nghị được tổ chức đúng kế hoạch.\n- Hạn chế: 17 nhiệm vụ quá hạn.", Data: dialogueData, ComputedAt: at.UTC()}
	finalisedAt := at.Add(72 * time.Hour).UTC()
	final = report.Report{ID: finalID, ScopeKey: "plan/" + planID, Kind: report.KindPlan, Version: 1, Status: report.StatusFinal,
		Assessment: draft.Assessment, Data: full, ComputedAt: at.UTC(), FinalisedAt: &finalisedAt, FinalisedBy: "mttq.vuthu"}
	empty = report.Report{ID: emptyID, ScopeKey: "rollup/" + communeID + "/2026-07-01/2026-10-01/commune", Kind: report.KindRollup,
		Version: 1, Status: report.StatusDraft, ComputedAt: at.UTC(),
		Data: report.Data{
			Scope: report.Scope{Kind: report.KindRollup, UnitID: communeID, UnitName: "Xã Minh Lãng", UnitLevel: domain.LevelCommune,
				From: time.Date(2026, 7, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 10, 1, 0, 0, 0, 0, loc), Level: domain.LevelCommune,
				Title: "Báo cáo tổng hợp tiếp xúc, đối thoại từ 01/07/2026 đến 30/09/2026 — Xã Minh Lãng (xã, phường, thị trấn)"},
			DataTime:     at,
			Dialogues:    report.Dialogues{ByLevel: []report.LevelCount{}, ByKind: []report.KindCount{}},
			Participants: report.Participants{ByGroup: []report.GroupCount{}},
			Survey:       report.Survey{ByField: []report.FieldCount{}},
			Opinions:     report.Opinions{ByField: []report.OpinionField{}},
			Escalations:  report.Escalations{ByLevel: []report.EscalationLevel{}},
			Satisfaction: report.Satisfaction{ByField: []report.SatisfactionRow{}, ByUnit: []report.SatisfactionUnit{}},
		}}
	return draft, final, empty
}

// TestOpenAPIReportResponses renders reports through the handlers' own
// query reading and writer (readReportQuery, writeReport) in every format
// and content negotiation, on every report route, and validates each
// request the server accepts and each response against the spec: the
// Report schema, the CSV, XLSX and HTML bodies, and the X-Report-* and
// Content-Disposition headers. It also checks the JSON bodies of the
// assessment and finalise answers and their 409.
func TestOpenAPIReportResponses(t *testing.T) {
	_, router := loadOpenAPI(t)
	ctx := context.Background()
	draft, final, empty := reportSamples()
	const id = "6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"

	s := &Server{Logger: zap.NewNop()}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.Use(s.requestContext(), s.recovery(), bodyLimit(8<<20))
	var current *report.Report
	serve := func(c *gin.Context) {
		q, err := readReportQuery(c)
		if err != nil {
			abort(c, err)
			return
		}
		s.writeReport(c, current, q)
	}
	engine.GET("/api/v1/dialogues/:id/report", serve)
	engine.GET("/api/v1/plans/:id/report", serve)
	engine.GET("/api/v1/reports", serve)
	engine.GET("/api/v1/reports/:id", serve)
	// The commands as their handlers answer once the report is loaded.
	engine.PUT("/api/v1/reports/:id/assessment", func(c *gin.Context) {
		text, err := readAssessment(c)
		if err != nil {
			abort(c, err)
			return
		}
		if current.Status == report.StatusFinal {
			abort(c, errReportFinal)
			return
		}
		out := *current
		out.Assessment = text
		c.JSON(http.StatusOK, &out)
	})
	engine.POST("/api/v1/reports/:id/finalise", func(c *gin.Context) {
		if current.Status == report.StatusFinal {
			abort(c, errReportFinal)
			return
		}
		out := *current
		at := time.Now()
		out.Status, out.FinalisedAt, out.FinalisedBy = report.StatusFinal, &at, actor(c).ID
		c.JSON(http.StatusOK, &out)
	})

	do := func(method, target, accept, body string) *httptest.ResponseRecorder {
		t.Helper()
		build := func() *http.Request {
			req := httptest.NewRequest(method, target, strings.NewReader(body))
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			return req
		}
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, build())
		vreq := build()
		route, params, err := router.FindRoute(vreq)
		if err != nil {
			t.Fatalf("%s %s: not in the spec: %v", method, target, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if rec.Code < 300 {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s %s: accepted by the server but not by the spec: %v", method, target, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s %s (Accept %q): response %d does not validate: %v\n%.600s", method, target, accept, rec.Code, err, rec.Body.String())
		}
		return rec
	}

	targets := []string{
		"/api/v1/dialogues/" + id + "/report",
		"/api/v1/plans/" + id + "/report",
		"/api/v1/reports?unit_id=" + id + "&from=2026-07-01&to=2026-10-01&level=commune",
		"/api/v1/reports/" + id,
	}
	variants := []struct {
		query, accept, format string // format "" means a 422
	}{
		{"", "", "json"},
		{"format=json", "", "json"},
		{"format=csv", "", "csv"},
		{"format=XLSX", "", "xlsx"},
		{"format=html", "", "html"},
		{"format=html&lang=en", "", "html"},
		{"format=csv&lang=en", "text/html", "csv"},
		{"", "application/json", "json"},
		{"", "*/*", "json"},
		{"", "text/csv", "csv"},
		{"", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
		{"", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"},
		{"format=pdf", "", ""},
		{"", "application/pdf", "json"},
		{"format=docx", "", ""},
		{"lang=fr&version=0&refresh=maybe", "", ""},
	}
	withQuery := func(target, q string) string {
		if q == "" {
			return target
		}
		if strings.Contains(target, "?") {
			return target + "&" + q
		}
		return target + "?" + q
	}
	for _, r := range []report.Report{draft, final, empty} {
		current = &r
		for _, target := range targets {
			vs := variants
			if !strings.HasPrefix(target, "/api/v1/reports/") {
				// Scope routes also take a version and refresh.
				vs = append(vs, struct{ query, accept, format string }{"version=1&refresh=true&format=csv", "", "csv"},
					struct{ query, accept, format string }{"refresh=0&lang=vi", "text/html", "html"})
			}
			for _, v := range vs {
				u := withQuery(target, v.query)
				rec := do("GET", u, v.accept, "")
				name := fmt.Sprintf("GET %s (Accept %q, %s v%d)", u, v.accept, r.Status, r.Version)
				if v.format == "" {
					if rec.Code != http.StatusUnprocessableEntity {
						t.Errorf("%s: status %d, want 422", name, rec.Code)
					}
					continue
				}
				if rec.Code != http.StatusOK {
					t.Errorf("%s: status %d, want 200: %s", name, rec.Code, rec.Body.String())
					continue
				}
				h := rec.Header()
				ct := h.Get("Content-Type")
				if v.format == "json" {
					if !strings.HasPrefix(ct, "application/json") {
						t.Errorf("%s: Content-Type %q, want JSON", name, ct)
					}
					var got report.Report
					if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.ID != r.ID {
						t.Errorf("%s: body is not the report: %v", name, err)
					}
					continue
				}
				if want := reportFormats[v.format].contentType; ct != want {
					t.Errorf("%s: Content-Type %q, want %q", name, ct, want)
				}
				if h.Get("X-Report-Id") != r.ID || h.Get("X-Report-Version") != strconv.Itoa(r.Version) || h.Get("X-Report-Status") != r.Status {
					t.Errorf("%s: X-Report-Id/Version/Status = %q/%q/%q", name, h.Get("X-Report-Id"), h.Get("X-Report-Version"), h.Get("X-Report-Status"))
				}
				if cd := h.Get("Content-Disposition"); (cd != "") != (v.format != "html") {
					t.Errorf("%s: Content-Disposition %q", name, cd)
				}
				if rec.Body.Len() == 0 {
					t.Errorf("%s: empty body", name)
				}
			}
		}
	}

	// PUT assessment and POST finalise answer the report as JSON, or 409
	// once it is final.
	for _, r := range []report.Report{draft, empty} {
		current = &r
		if rec := do("PUT", "/api/v1/reports/"+r.ID+"/assessment", "", `{"assessment":"Đánh giá mới"}`); rec.Code != http.StatusOK {
			t.Errorf("PUT assessment on a draft: status %d: %s", rec.Code, rec.Body.String())
		}
		if rec := do("PUT", "/api/v1/reports/"+r.ID+"/assessment", "", `{"assessment":null}`); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("PUT assessment null: status %d, want 422", rec.Code)
		}
		if rec := do("PUT", "/api/v1/reports/"+r.ID+"/assessment", "", `{"assessment":"x","extra":true}`); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("PUT assessment with an unknown field: status %d, want 422", rec.Code)
		}
		if rec := do("PUT", "/api/v1/reports/"+r.ID+"/assessment", "", `{"assessment":`); rec.Code != http.StatusBadRequest {
			t.Errorf("PUT assessment truncated: status %d, want 400", rec.Code)
		}
		if rec := do("POST", "/api/v1/reports/"+r.ID+"/finalise", "", ""); rec.Code != http.StatusOK {
			t.Errorf("POST finalise on a draft: status %d: %s", rec.Code, rec.Body.String())
		}
	}
	current = &final
	if rec := do("PUT", "/api/v1/reports/"+final.ID+"/assessment", "", `{"assessment":"x"}`); rec.Code != http.StatusConflict {
		t.Errorf("PUT assessment on a final: status %d, want 409", rec.Code)
	}
	if rec := do("POST", "/api/v1/reports/"+final.ID+"/finalise", "", ""); rec.Code != http.StatusConflict {
		t.Errorf("POST finalise on a final: status %d, want 409", rec.Code)
	}
}
