package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/workflows"
)

// One trace spans a submitted task result from the HTTP request through
// the Temporal Update into the workflow's activity and down to its SQL.
func TestTrace(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	env := testenv.Start(t, testenv.Options{SpanExporter: spans})
	c := env.NewClient(t)
	province := c.CreateUnit("Tỉnh Thái Bình", "province", "")
	c = c.As(testenv.Staff(province))
	district := c.CreateUnit("Huyện Vũ Thư", "district", province)
	ward := c.CreateUnit("Xã Song Lãng", "commune", district)
	dlg := readyForSession(t, env, c, district, nil)
	due := time.Now().Add(time.Hour).Truncate(time.Second)
	session := map[string]any{"held_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 30},
		"conclusions": []map[string]any{{"content": "Sửa cống", "tasks": []map[string]any{{"title": "Sửa cống thôn Nam",
			"assignee": map[string]any{"agency": "UBND xã Song Lãng", "unit_id": ward}, "due_at": due.Format(time.RFC3339)}}}}}
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", session), 200, "session")
	r := c.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil)
	mustStatus(t, r, 200, "tasks")
	var page struct {
		Items []taskDoc `json:"items"`
	}
	r.Decode(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("tasks: %s", r.Body)
	}
	task := page.Items[0].ID
	officer := c.As(testenv.User("officer.songlang", ward, auth.RoleOfficer))
	waitFor(t, 30*time.Second, "the task's workflow to run", func() bool {
		_, err := env.Client.DescribeWorkflowExecution(context.Background(), workflows.TaskWorkflowID(task), "")
		return err == nil
	})

	// A caller's trace is continued (W3C traceparent).
	const caller = "4bf92f3577b34da6a3ce929d0e0e4736"
	r = officer.Do(http.MethodPost, "/api/v1/tasks/"+task+"/result", map[string]any{"text": "Đã sửa xong cống thôn Nam"},
		"traceparent", "00-"+caller+"-00f067aa0ba902b7-01")
	mustStatus(t, r, 200, "submit result")

	var trace []sdktrace.ReadOnlySpan
	waitFor(t, 10*time.Second, "the trace's SQL span under its activity", func() bool {
		trace = spansOf(spans, caller)
		return chain(trace, "RunActivity:") != nil
	})
	names := map[string]bool{}
	for _, s := range trace {
		names[s.Name()] = true
	}
	for _, want := range []string{"POST /api/v1/tasks/:id/result", "UpdateWorkflow:" + workflows.UpdateSubmitResult, "HandleUpdate:" + workflows.UpdateSubmitResult} {
		if !names[want] {
			t.Errorf("trace %s has no span %q; it has %v", caller, want, names)
		}
	}
	path := chain(trace, "RunActivity:")
	t.Logf("SQL span %q ← %s", path[0].Name(), strings.Join(namesOf(path[1:]), " ← "))
	if path[len(path)-1].Name() != "POST /api/v1/tasks/:id/result" {
		t.Errorf("the SQL span's ancestors do not lead to the HTTP request: %v", namesOf(path))
	}
}

// spansOf are the exported spans of one trace.
func spansOf(exp *tracetest.InMemoryExporter, traceID string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range exp.GetSpans().Snapshots() {
		if s.SpanContext().TraceID().String() == traceID {
			out = append(out, s)
		}
	}
	return out
}

// chain finds a SQL span (a client span from bun) with an ancestor named
// with the prefix via, and returns it with all its ancestors in the
// trace, nearest first; nil when there is none.
func chain(spans []sdktrace.ReadOnlySpan, via string) []sdktrace.ReadOnlySpan {
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	for _, s := range spans {
		if s.InstrumentationScope().Name != "github.com/uptrace/bun" {
			continue
		}
		path := []sdktrace.ReadOnlySpan{s}
		seen := false
		for p, ok := byID[s.Parent().SpanID()]; ok; p, ok = byID[p.Parent().SpanID()] {
			path = append(path, p)
			seen = seen || strings.HasPrefix(p.Name(), via)
		}
		if seen {
			return path
		}
	}
	return nil
}

func namesOf(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}
