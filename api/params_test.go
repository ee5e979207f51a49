package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

// Path ids that are not ids the service issues (UUIDs) are 404 before
// anything reads them: no Idempotency-Key claim, no SQL, so a NUL byte or
// a quote in the path is never a 500. Query values with bytes no text
// holds (NUL, other control characters, invalid UTF-8) are 422.
func TestMalformedIDsAndQueryValuesAreRefusedBeforeSQL(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	unit := &store.Unit{ID: uuid.NewString(), Level: "district", Name: "Huyện A"}
	if err := st.CreateUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer((&api.Server{Store: st, Logger: zap.NewNop(), Auth: testenv.Tokens(t)}).Handler())
	t.Cleanup(hs.Close)
	all := testenv.Token(t, testenv.User("u", unit.ID, auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RoleOfficer, auth.RolePartyCommittee))

	do := func(method, path string, key string) (int, contract.Error) {
		t.Helper()
		req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+all)
		if key != "" {
			req.Header.Set(api.HeaderIdempotencyKey, key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var e contract.Error
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s %s: %d not JSON: %s", method, path, resp.StatusCode, raw)
		}
		return resp.StatusCode, e
	}
	for _, id := range []string{"%00", "a%00b", "%27%3B--", "x", "%E2%80%AE", "%0D%0A"} {
		for _, p := range []string{"/api/v1/alerts/" + id + "/ack", "/api/v1/tasks/" + id + "/result", "/api/v1/dialogues/" + id + "/cancel", "/api/v1/tasks/" + id} {
			method := http.MethodPost
			if !strings.Contains(p[len("/api/v1/"):], "/"+id+"/") {
				method = http.MethodGet
			}
			for _, key := range []string{"", "k-" + id} {
				if status, e := do(method, p, key); status != http.StatusNotFound || e.Code != api.CodeNotFound {
					t.Errorf("%s %s (key %q) = %d %s, want 404 %s", method, p, key, status, e.Code, api.CodeNotFound)
				}
			}
		}
	}
	var n int
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM idempotency_keys").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d idempotency keys claimed for requests with malformed ids, want none", n)
	}
	// An Idempotency-Key is text too: bytes that are not are refused.
	if status, e := do(http.MethodPost, "/api/v1/alerts/"+uuid.NewString()+"/ack", "k\xff\tz"); status != http.StatusUnprocessableEntity || e.Code != api.CodeValidation {
		t.Errorf("Idempotency-Key with control and non-UTF-8 bytes = %d %s, want 422 %s", status, e.Code, api.CodeValidation)
	}
	for _, q := range []string{"assignee=%00", "monitor=a%00b", "status=%00", "dialogue_id=%00", "assignee=%FF", "assignee=a%0Ab"} {
		if status, e := do(http.MethodGet, "/api/v1/tasks?"+q, ""); status != http.StatusUnprocessableEntity || e.Code != api.CodeValidation {
			t.Errorf("GET /api/v1/tasks?%s = %d %s, want 422 %s", q, status, e.Code, api.CodeValidation)
		}
	}
	for _, q := range []string{"actor=%00", "action=a%00", "entity_type=%00", "unit_id=%00"} {
		if status, e := do(http.MethodGet, "/api/v1/audit?"+q, ""); status != http.StatusUnprocessableEntity || e.Code != api.CodeValidation {
			t.Errorf("GET /api/v1/audit?%s = %d %s, want 422 %s", q, status, e.Code, api.CodeValidation)
		}
	}
}
