package lifecycle

import (
	"testing"

	"github.com/doithoai/doithoai/internal/domain"
)

// TestTaskRefusals: each task command's rule in each state, the settled
// task refused first by every command in the one wording.
func TestTaskRefusals(t *testing.T) {
	pending := &TaskExtension{Status: ExtensionPending}
	denied := &TaskExtension{Status: ExtensionDenied}
	rules := map[string]func(TaskState) *Refusal{
		"submit":  TaskState.RefuseSubmit,
		"review":  TaskState.RefuseReview,
		"request": TaskState.RefuseExtensionRequest,
		"decide":  TaskState.RefuseExtensionDecision,
		"assign":  TaskState.RefuseReassign,
		"cancel":  TaskState.RefuseCancel,
	}
	cases := []struct {
		status string
		ext    *TaskExtension
		want   map[string]string // rule → reason ("" lets it through)
	}{
		{domain.TaskAssigned, nil, map[string]string{"review": ReasonNoResult, "decide": ReasonNoExtension}},
		{domain.TaskInProgress, denied, map[string]string{"review": ReasonNoResult, "decide": ReasonNoExtension}},
		{domain.TaskInProgress, pending, map[string]string{"review": ReasonNoResult, "request": ReasonExtensionPending}},
		{domain.TaskSubmitted, nil, map[string]string{"submit": ReasonResultPending, "request": ReasonResultPending, "decide": ReasonNoExtension}},
		{domain.TaskSubmitted, pending, map[string]string{"submit": ReasonResultPending, "request": ReasonResultPending}},
		{domain.TaskDone, pending, map[string]string{"submit": ReasonTaskSettled, "review": ReasonTaskSettled, "request": ReasonTaskSettled,
			"decide": ReasonTaskSettled, "assign": ReasonTaskSettled, "cancel": ReasonTaskSettled}},
		{domain.TaskCancelled, nil, map[string]string{"submit": ReasonTaskSettled, "review": ReasonTaskSettled, "request": ReasonTaskSettled,
			"decide": ReasonTaskSettled, "assign": ReasonTaskSettled, "cancel": ReasonTaskSettled}},
		{"unknown", nil, map[string]string{"submit": ReasonTaskState, "review": ReasonNoResult, "request": ReasonTaskState, "decide": ReasonNoExtension}},
	}
	for _, c := range cases {
		st := TaskState{Status: c.status, Extension: c.ext}
		for name, rule := range rules {
			r := rule(st)
			got := ""
			if r != nil {
				got = r.Reason
				if r.Message == "" || r.MessageEN == "" {
					t.Errorf("%s on %s: refusal without both messages: %+v", name, c.status, r)
				}
			}
			if got != c.want[name] {
				t.Errorf("%s on %s (extension %v): reason %q, want %q", name, c.status, c.ext, got, c.want[name])
			}
			if got == ReasonTaskSettled && *r != *TaskSettled(c.status) {
				t.Errorf("%s on %s: %+v, want the one settled wording %+v", name, c.status, *r, *TaskSettled(c.status))
			}
		}
	}
}

func TestTaskSettledWording(t *testing.T) {
	for _, s := range []string{domain.TaskAssigned, domain.TaskInProgress, domain.TaskSubmitted} {
		if r := TaskSettled(s); r != nil {
			t.Errorf("%s is not settled, got %+v", s, r)
		}
	}
	want := map[string][2]string{
		domain.TaskDone:      {"Nhiệm vụ đã kết thúc (đã hoàn thành), không thể thực hiện thao tác này.", "The task is done; no further commands are taken."},
		domain.TaskCancelled: {"Nhiệm vụ đã kết thúc (đã hủy), không thể thực hiện thao tác này.", "The task is cancelled; no further commands are taken."},
	}
	for s, w := range want {
		r := TaskSettled(s)
		if r == nil || r.Reason != ReasonTaskSettled || r.Message != w[0] || r.MessageEN != w[1] {
			t.Errorf("%s: %+v, want %q / %q", s, r, w[0], w[1])
		}
	}
}
