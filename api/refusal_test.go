package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// updateClient is a Temporal client whose every Update fails with err, the
// way the Update's handle reports it.
type updateClient struct {
	client.Client
	err error
}

func (f updateClient) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return failedUpdate{err: f.err}, nil
}

type failedUpdate struct {
	client.WorkflowUpdateHandle
	err error
}

func (h failedUpdate) Get(context.Context, any) error { return h.err }

// answerTaskCommand runs a task command on the task row whose workflow
// answers the Update with updateErr, and returns the response.
func answerTaskCommand(t *testing.T, row *store.Task, updateErr error) (int, contract.Error) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/tasks/"+row.ID+"/result", nil)
	s := &Server{Temporal: updateClient{err: updateErr}, Logger: zap.NewNop()}
	s.taskCommand(c, row, workflows.UpdateSubmitResult, workflows.SubmitResultRequest{Text: "Bổ sung"})
	var body contract.Error
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %s: %v", w.Body.Bytes(), err)
	}
	return w.Code, body
}

// TestTaskSettledAnsweredAlike: a command on a settled task gets the same
// status, code, reason and words whether the task's record answers (its
// workflow has completed) or the workflow's validator does (it still runs,
// or the record lags it).
func TestTaskSettledAnsweredAlike(t *testing.T) {
	for _, status := range []string{domain.TaskDone, domain.TaskCancelled} {
		t.Run(status, func(t *testing.T) {
			rule := lifecycle.TaskSettled(status)
			// The record answers: the workflow has completed.
			completed := fmt.Errorf("update %s: %w", workflows.UpdateSubmitResult, serviceerror.NewNotFound("workflow execution already completed"))
			byRecord, fromRecord := answerTaskCommand(t, &store.Task{ID: "t1", Status: status}, completed)
			// The validator answers: the workflow runs on (a delivery still
			// retries) and the record may not say so yet.
			rejected := fmt.Errorf("update %s: %w", workflows.UpdateSubmitResult, overTheWire(workflows.RefusalError(rule)))
			for _, rowStatus := range []string{status, domain.TaskSubmitted} {
				byWorkflow, fromWorkflow := answerTaskCommand(t, &store.Task{ID: "t1", Status: rowStatus}, rejected)
				if byWorkflow != byRecord || fmt.Sprint(fromWorkflow) != fmt.Sprint(fromRecord) {
					t.Errorf("row %s: the workflow answers %d %+v, the record %d %+v", rowStatus, byWorkflow, fromWorkflow, byRecord, fromRecord)
				}
			}
			if byRecord != http.StatusConflict || fromRecord.Code != CodeConflict || fromRecord.Details["reason"] != lifecycle.ReasonTaskSettled ||
				fromRecord.Message != rule.Message || fromRecord.MessageEN != rule.MessageEN {
				t.Errorf("answer %d %+v, want 409 %s in the rule's words %+v", byRecord, fromRecord, CodeConflict, *rule)
			}
		})
	}
}

// TestRefusalCrossesTheWire: any lifecycle refusal a workflow validator
// returns reaches the client in the rule's words, its reason in details.
func TestRefusalCrossesTheWire(t *testing.T) {
	r := lifecycle.TaskState{Status: domain.TaskSubmitted}.RefuseSubmit()
	got := toAPIError(nil, fmt.Errorf("update x: %w", overTheWire(fmt.Errorf("submit: %w", workflows.RefusalError(r)))))
	if got.Status != http.StatusConflict || got.Code != CodeConflict || got.Message != r.Message || got.MessageEN != r.MessageEN ||
		got.Details["reason"] != lifecycle.ReasonResultPending {
		t.Errorf("got %d %+v, want 409 %s %+v", got.Status, got, CodeConflict, *r)
	}
}

// TestDialogueAndPlanRefusalsCrossTheWire: the refusals of the dialogue
// and plan validators reach the client as 409 state_conflict in the rule's
// Vietnamese and English, its reason in details.
func TestDialogueAndPlanRefusalsCrossTheWire(t *testing.T) {
	recorded := lifecycle.DialogueState{Phase: domain.PhaseSessionRecorded, Recorded: true}
	for name, r := range map[string]*lifecycle.Refusal{
		"reschedule": recorded.RefuseReschedule(), "cancel": recorded.RefuseCancel(),
		"cancelled":    lifecycle.DialogueState{Phase: domain.PhaseCancelled, Cancelled: true}.RefuseRecordSession(),
		"add tasks":    lifecycle.DialogueState{Phase: domain.PhaseAwaitingSession}.RefuseAddTasks(),
		"add dialogue": lifecycle.RefuseAddDialogue(false, false),
	} {
		got := toAPIError(nil, fmt.Errorf("update x: %w", overTheWire(workflows.RefusalError(r))))
		if got.Status != http.StatusConflict || got.Code != CodeConflict || got.Message != r.Message || got.MessageEN != r.MessageEN ||
			got.Details["reason"] != r.Reason {
			t.Errorf("%s: got %d %+v, want 409 %s %+v", name, got.Status, got, CodeConflict, *r)
		}
	}
}

// TestWorkflowFieldRuleAnsweredLikeTheEdge: a command whose field a
// workflow validator refuses by a lifecycle rule is answered 422
// validation_failed with the rule's field error, in its Vietnamese and
// English — what the API answers when it finds the fault itself.
func TestWorkflowFieldRuleAnsweredLikeTheEdge(t *testing.T) {
	a := domain.Assignee{Agency: "UBND phường"}
	rule := lifecycle.ValidateReassign(a, a)
	code, body := answerTaskCommand(t, &store.Task{ID: "t1", Status: domain.TaskAssigned},
		fmt.Errorf("update %s: %w", workflows.UpdateReassign, overTheWire(workflows.InvalidFieldsError(rule))))
	edge := validationError(contractFields(rule)...)
	if code != http.StatusUnprocessableEntity || body.Code != CodeValidation || body.Message != edge.Message || body.MessageEN != edge.MessageEN ||
		len(body.Fields) != 1 || body.Fields[0] != contract.FieldError(rule[0]) {
		t.Errorf("answer %d %+v, want 422 %s with the rule's field error %+v", code, body, CodeValidation, rule[0])
	}
	if f := body.Fields[0]; f.Message == "" || f.MessageEN == "" || f.Message == f.MessageEN {
		t.Errorf("field error without both languages: %+v", f)
	}
	// The same for a rule the API checks at its edge too: a past date.
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, domain.Location)
	past := lifecycle.ValidateReschedule(now.Add(-time.Hour), now.Add(time.Hour), 2026, now)
	got := toAPIError(nil, fmt.Errorf("update x: %w", overTheWire(workflows.InvalidFieldsError(past))))
	if got.Status != http.StatusUnprocessableEntity || fmt.Sprint(got.Fields) != fmt.Sprint(contractFields(past)) ||
		got.Fields[0].Message != fieldMessages["in_past"][0] || got.Fields[0].MessageEN != fieldMessages["in_past"][1] {
		t.Errorf("got %d %+v, want 422 with %+v", got.Status, got, past)
	}
}

// TestDialogueSettledAnsweredAlike: a command on a cancelled or closed
// dialogue gets the same status, code, reason and words whether its record
// answers (the workflow has completed) or the workflow's validator does.
func TestDialogueSettledAnsweredAlike(t *testing.T) {
	answer := func(t *testing.T, phase string, updateErr error) (int, contract.Error) {
		t.Helper()
		gin.SetMode(gin.TestMode)
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/dialogues/d1/cancel", nil)
		s := &Server{Temporal: updateClient{err: updateErr}, Logger: zap.NewNop()}
		var st workflows.DialogueState
		if s.dialogueCommand(c, &store.Dialogue{ID: "d1", Phase: phase}, workflows.UpdateCancel, workflows.CancelRequest{Reason: "x"}, &st) {
			t.Fatal("the command was taken")
		}
		var body contract.Error
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("body %s: %v", w.Body.Bytes(), err)
		}
		return w.Code, body
	}
	for _, phase := range []string{domain.PhaseCancelled, domain.PhaseClosed} {
		t.Run(phase, func(t *testing.T) {
			rule := lifecycle.DialogueSettled(phase)
			completed := fmt.Errorf("update %s: %w", workflows.UpdateCancel, serviceerror.NewNotFound("workflow execution already completed"))
			byRecord, fromRecord := answer(t, phase, completed)
			rejected := fmt.Errorf("update %s: %w", workflows.UpdateCancel, overTheWire(workflows.RefusalError(rule)))
			byWorkflow, fromWorkflow := answer(t, domain.PhaseSessionRecorded, rejected)
			if byWorkflow != byRecord || fmt.Sprint(fromWorkflow) != fmt.Sprint(fromRecord) {
				t.Errorf("the workflow answers %d %+v, the record %d %+v", byWorkflow, fromWorkflow, byRecord, fromRecord)
			}
			if byRecord != http.StatusConflict || fromRecord.Code != CodeConflict || fromRecord.Details["reason"] != rule.Reason ||
				fromRecord.Message != rule.Message || fromRecord.MessageEN != rule.MessageEN {
				t.Errorf("answer %d %+v, want 409 %s in the rule's words %+v", byRecord, fromRecord, CodeConflict, *rule)
			}
		})
	}
}
