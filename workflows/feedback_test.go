package workflows

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/doithoai/doithoai/activities"
)

// runFeedback runs Feedback with the given SaveRating result and counts the
// deliveries; the Update answers what the save returned.
func runFeedback(t *testing.T, res activities.FeedbackResult, saveErr error) (updateErr error, delivered int32, wfErr error) {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(Feedback, workflowOpts(FeedbackWorkflowName))
	var a *activities.Activities
	env.OnActivity(a.SaveRating, mock.Anything, mock.Anything).Return(res, saveErr)
	var n atomic.Int32
	env.OnActivity(a.Deliver, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.DeliverInput) (activities.DeliverResult, error) {
		if in.ItemKind != "alert" || in.ItemID != res.AlertID {
			t.Errorf("delivered %+v, want alert %s", in, res.AlertID)
		}
		n.Add(1)
		return activities.DeliverResult{}, nil
	})
	answered := false
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateFeedbackSaved, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("update rejected: %v", err) },
			OnComplete: func(_ any, err error) { answered, updateErr = true, err },
		})
	}, 0)
	env.ExecuteWorkflow(FeedbackWorkflowName, FeedbackInput{Rating: &activities.RatingInput{Receipt: "K7MQ4RTP2XNA", Satisfied: false}})
	if !env.IsWorkflowCompleted() {
		t.Fatal("Feedback did not complete")
	}
	if !answered {
		t.Fatal("the Update was never answered")
	}
	return updateErr, n.Load(), env.GetWorkflowError()
}

func TestFeedbackSavesThenDeliversOnce(t *testing.T) {
	updErr, delivered, wfErr := runFeedback(t, activities.FeedbackResult{AlertID: "a1", Deliver: true}, nil)
	if updErr != nil || wfErr != nil || delivered != 1 {
		t.Fatalf("update error %v, workflow error %v, delivered %d; want nil, nil, 1", updErr, wfErr, delivered)
	}
}

func TestFeedbackWithoutChannelsDeliversNothing(t *testing.T) {
	_, delivered, wfErr := runFeedback(t, activities.FeedbackResult{AlertID: "a1"}, nil)
	if wfErr != nil || delivered != 0 {
		t.Fatalf("workflow error %v, delivered %d; want nil, 0", wfErr, delivered)
	}
}

func TestFeedbackRefusedSaveFailsTheUpdateAndTheRun(t *testing.T) {
	refused := temporal.NewNonRetryableApplicationError("receipt already rated", activities.ErrTypeAlreadyRated, nil)
	updErr, delivered, wfErr := runFeedback(t, activities.FeedbackResult{}, refused)
	var ae *temporal.ApplicationError
	if !errors.As(updErr, &ae) || ae.Type() != activities.ErrTypeAlreadyRated {
		t.Fatalf("update error %v, want %s", updErr, activities.ErrTypeAlreadyRated)
	}
	// The run fails, so the ID may be used again (ALLOW_DUPLICATE_FAILED_ONLY).
	if wfErr == nil || delivered != 0 {
		t.Fatalf("workflow error %v, delivered %d; want an error, 0", wfErr, delivered)
	}
}
