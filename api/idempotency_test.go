package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

const idemPath = "/test/idempotent"

// idemEnv serves the API plus one idempotent test route whose behaviour
// the test sets per call.
type idemEnv struct {
	st      *store.Store
	baseURL string
	calls   atomic.Int32
	// behave is what the test route does on its n-th call (from 1).
	behave func(n int32, c *gin.Context)
}

func newIdemEnv(t *testing.T) *idemEnv {
	t.Helper()
	st, _ := testenv.NewDatabase(t)
	e := &idemEnv{st: st}
	srv := &api.Server{Store: st, Logger: zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel+1))}
	h := srv.HandlerWithIdempotentRoute(idemPath, func(c *gin.Context) {
		e.behave(e.calls.Add(1), c)
	})
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	e.baseURL = hs.URL
	return e
}

type idemResponse struct {
	status   int
	replayed bool
	body     map[string]any
}

func (e *idemEnv) post(t *testing.T, key, body string) idemResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.baseURL+idemPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderIdempotencyKey, key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := idemResponse{status: resp.StatusCode, replayed: resp.Header.Get("Idempotent-Replayed") == "true"}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("response %d is not JSON: %s", resp.StatusCode, raw)
	}
	return r
}

func (e *idemEnv) keyRows(t *testing.T, key string) (n int, pending int) {
	t.Helper()
	err := e.st.DB.QueryRowContext(context.Background(),
		"SELECT count(*), count(*) FILTER (WHERE status IS NULL) FROM idempotency_keys WHERE key = ?", key).Scan(&n, &pending)
	if err != nil {
		t.Fatal(err)
	}
	return n, pending
}

func bodyHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// A handler that panics must not leave its Idempotency-Key claimed: the
// client's retry runs again instead of meeting 409 "in progress" forever.
func TestIdempotencyKeyReleasedWhenHandlerPanics(t *testing.T) {
	e := newIdemEnv(t)
	e.behave = func(n int32, c *gin.Context) {
		if n == 1 {
			panic("boom")
		}
		c.JSON(http.StatusCreated, gin.H{"call": n})
	}
	const body = `{"x":1}`
	r := e.post(t, "k-panic", body)
	if r.status != http.StatusInternalServerError || r.body["code"] != api.CodeInternal {
		t.Fatalf("panicking handler answered %d %v, want 500 internal_error", r.status, r.body)
	}
	if n, _ := e.keyRows(t, "k-panic"); n != 0 {
		t.Fatalf("%d idempotency rows left after the panic, want the claim released", n)
	}
	r = e.post(t, "k-panic", body)
	if r.status != http.StatusCreated || r.replayed || r.body["call"] != float64(2) {
		t.Fatalf("retry after the panic = %d replayed=%v %v, want the handler run again (201, call 2)", r.status, r.replayed, r.body)
	}
	r = e.post(t, "k-panic", body)
	if r.status != http.StatusCreated || !r.replayed || r.body["call"] != float64(2) {
		t.Fatalf("second retry = %d replayed=%v %v, want the stored 201 replayed", r.status, r.replayed, r.body)
	}
	if got := e.calls.Load(); got != 2 {
		t.Errorf("handler ran %d times, want 2", got)
	}
}

// A claim whose request never finished (its process died) is taken over by
// a request with the same key and body once it is older than the claim
// timeout; a younger one still answers 409 in progress, and another body is
// still refused. The stale request finishing late changes nothing.
func TestIdempotencyStalePendingClaimIsTakenOver(t *testing.T) {
	e := newIdemEnv(t)
	e.behave = func(n int32, c *gin.Context) { c.JSON(http.StatusCreated, gin.H{"call": n}) }
	ctx := context.Background()
	const body = `{"x":2}`
	scope := api.IdempotencyScope(http.MethodPost, idemPath, auth.Principal{})

	// A fresh pending claim (another request is being handled right now).
	fresh, rec, err := e.st.ClaimIdempotencyKey(ctx, scope, "k-fresh", bodyHash(body), store.IdempotencyClaimTimeout)
	if err != nil || fresh == nil || rec != nil {
		t.Fatalf("claim: %+v %+v %v", fresh, rec, err)
	}
	if r := e.post(t, "k-fresh", body); r.status != http.StatusConflict || r.body["code"] != api.CodeIdempotencyPending {
		t.Fatalf("same key while the first request runs = %d %v, want 409 %s", r.status, r.body, api.CodeIdempotencyPending)
	}

	// A pending claim older than the timeout: its request died.
	var staleAt time.Time
	age := fmt.Sprintf("%d seconds", int(store.IdempotencyClaimTimeout.Seconds())+60)
	if err := e.st.DB.QueryRowContext(ctx, "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES (?, ?, ?, now() - ?::interval) RETURNING created_at",
		scope, "k-stale", bodyHash(body), age).Scan(&staleAt); err != nil {
		t.Fatal(err)
	}
	stale := &store.IdempotencyClaim{Scope: scope, Key: "k-stale", ClaimedAt: staleAt}
	if r := e.post(t, "k-stale", `{"x":3}`); r.status != http.StatusConflict || r.body["code"] != api.CodeIdempotencyMismatch {
		t.Fatalf("stale key with another body = %d %v, want 409 %s", r.status, r.body, api.CodeIdempotencyMismatch)
	}
	r := e.post(t, "k-stale", body)
	if r.status != http.StatusCreated || r.replayed {
		t.Fatalf("same key and body after the claim went stale = %d replayed=%v %v, want the handler run (201)", r.status, r.replayed, r.body)
	}
	call := r.body["call"]

	// The dead request's process wakes up: its late completion or release
	// must not touch the new claim's stored response.
	if err := e.st.CompleteIdempotencyKey(ctx, stale, http.StatusInternalServerError, []byte(`{"late":true}`)); err != nil {
		t.Fatal(err)
	}
	if err := e.st.ReleaseIdempotencyKey(ctx, stale); err != nil {
		t.Fatal(err)
	}
	r = e.post(t, "k-stale", body)
	if r.status != http.StatusCreated || !r.replayed || r.body["call"] != call {
		t.Fatalf("replay after the stale request finished late = %d replayed=%v %v, want the taken-over 201 (call %v)", r.status, r.replayed, r.body, call)
	}
	if n, pending := e.keyRows(t, "k-stale"); n != 1 || pending != 0 {
		t.Fatalf("k-stale rows %d (pending %d), want 1 completed", n, pending)
	}
	// A completed key is never taken over, however old.
	if _, err := e.st.DB.ExecContext(ctx, "UPDATE idempotency_keys SET created_at = now() - interval '1 hour' WHERE key = 'k-stale'"); err != nil {
		t.Fatal(err)
	}
	if r = e.post(t, "k-stale", body); r.status != http.StatusCreated || !r.replayed || r.body["call"] != call {
		t.Fatalf("old completed key = %d replayed=%v %v, want the stored response", r.status, r.replayed, r.body)
	}
}

func TestRunMaintenancePurgesOldIdempotencyKeys(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	for key, age := range map[string]string{"old-done": "25 hours", "old-pending": "30 hours", "young": "1 hour"} {
		if _, err := st.DB.ExecContext(ctx, "INSERT INTO idempotency_keys (scope, key, request_hash, status, response, created_at) VALUES ('POST /x', ?, 'h', CASE WHEN ? = 'old-pending' THEN NULL ELSE 201 END, '{}', now() - ?::interval)",
			key, key, age); err != nil {
			t.Fatal(err)
		}
	}
	srv := &api.Server{Store: st, Logger: zaptest.NewLogger(t)}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { srv.RunMaintenance(mctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var keys []string
		if err := st.DB.NewSelect().Table("idempotency_keys").Column("key").Scan(ctx, &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) == 1 && keys[0] == "young" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keys left %v, want only the young one", keys)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunMaintenance did not return when its context ended")
	}
}

// The caps on one session record are checked before anything is sent to
// Temporal (this server has no Temporal client at all).
func TestRecordSessionCaps(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	unit := &store.Unit{ID: uuid.NewString(), Level: "district", Name: "Huyện A"}
	if err := st.CreateUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour)
	pol := domain.DefaultPolicy()
	p := &store.Plan{ID: uuid.NewString(), UnitID: unit.ID, Year: at.In(domain.Location).Year(), ReferenceNo: "1-KH", IssuingBody: "Huyện ủy", Policy: pol, Status: "active"}
	spec := domain.DialogueSpec{ID: uuid.NewString(), Seq: 1, Kind: domain.KindPeriodic, ScheduledAt: at, Hosts: []domain.Host{{Name: "Chủ trì"}}}
	if err := st.SavePlan(ctx, p, []store.Dialogue{store.NewDialogueRow(p.ID, unit.ID, spec, pol)}, store.Event{}); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer((&api.Server{Store: st, Logger: zap.NewNop(), Auth: testenv.Tokens(t)}).Handler())
	t.Cleanup(hs.Close)
	token := testenv.Token(t, testenv.User("planner", unit.ID, auth.RolePlanner))

	opinion := map[string]any{"field": "Đất đai", "content": "Ý kiến", "source": "floor"}
	task := map[string]any{"title": "Việc", "assignee": map[string]any{"agency": "UBND"}, "due_in_working_days": 5}
	repeat := func(v map[string]any, n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	conclusion := func(tasks int) map[string]any {
		return map[string]any{"content": "Kết luận", "tasks": repeat(task, tasks)}
	}
	session := func(opinions int, conclusions ...map[string]any) map[string]any {
		return map[string]any{"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 10},
			"opinions": repeat(opinion, opinions), "conclusions": conclusions}
	}
	many := make([]map[string]any, 101)
	for i := range many {
		many[i] = map[string]any{"content": "Kết luận"}
	}
	tests := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"too many opinions", session(2001, conclusion(1)), "opinions"},
		{"too many conclusions", session(1, many...), "conclusions"},
		{"too many tasks in all", session(1, conclusion(150), conclusion(100), conclusion(51), conclusion(10)), "conclusions[2].tasks"},
		{"too many tasks in one list", session(1, conclusion(201)), "conclusions[0].tasks"},
	}
	for _, tc := range tests {
		raw, err := json.Marshal(tc.body)
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/dialogues/"+spec.ID+"/session", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got contract.Error
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusUnprocessableEntity || got.Code != api.CodeValidation || len(got.Fields) != 1 {
			t.Fatalf("%s: %d %+v, want 422 with one field error", tc.name, resp.StatusCode, got)
		}
		f := got.Fields[0]
		if f.Field != tc.field || f.Code != "too_many" || f.Message == "" || f.MessageEN == "" || !strings.ContainsAny(f.MessageEN, "0123456789") {
			t.Errorf("%s: field error %+v, want too_many on %s with the limit", tc.name, f, tc.field)
		}
	}
}
