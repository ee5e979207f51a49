package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
)

// FeedbackWorkflowName is the registered name of Feedback.
const FeedbackWorkflowName = "Feedback"

// UpdateFeedbackSaved waits until a Feedback's record is stored and
// returns its result; the API sends it with the start (update-with-start).
const UpdateFeedbackSaved = "feedback.saved"

// RatingWorkflowID is the workflow of a receipt's rating: one per receipt.
func RatingWorkflowID(code string) string { return "feedback/rating/" + code }

// RemarkWorkflowID is the workflow of a board's remark.
func RemarkWorkflowID(remarkID string) string { return "feedback/remark/" + remarkID }

// FeedbackInput is one piece of feedback from outside the administration:
// a citizen's rating or an inspection board's remark (exactly one is set).
type FeedbackInput struct {
	Rating *activities.RatingInput `json:"rating,omitempty"`
	Remark *activities.RemarkInput `json:"remark,omitempty"`
}

// Feedback stores a rating or a remark with the alert it raises, then
// delivers that alert through the unit's channels. The record and the
// alert are written in one activity, so the alert is raised exactly once
// whatever the retries; the API waits (UpdateFeedbackSaved) only for the
// write, not for the delivery.
func Feedback(ctx workflow.Context, in FeedbackInput) (activities.FeedbackResult, error) {
	var (
		res   activities.FeedbackResult
		err   error
		saved bool
	)
	if e := workflow.SetUpdateHandler(ctx, UpdateFeedbackSaved, func(ctx workflow.Context) (activities.FeedbackResult, error) {
		if e := workflow.Await(ctx, func() bool { return saved }); e != nil {
			return res, e
		}
		return res, err
	}); e != nil {
		return res, e
	}
	var acts *activities.Activities
	actx := commandActivity(ctx)
	switch {
	case in.Rating != nil:
		err = workflow.ExecuteActivity(actx, acts.SaveRating, *in.Rating).Get(ctx, &res)
	case in.Remark != nil:
		err = workflow.ExecuteActivity(actx, acts.SaveRemark, *in.Remark).Get(ctx, &res)
	default:
		err = invalid("feedback without a rating or a remark")
	}
	saved = true
	if err != nil {
		// The caller hears the error through the Update; the workflow
		// waits for it to be read, then fails.
		_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		return res, err
	}
	// Feedback belongs to no plan: the default policy bounds its delivery.
	d := newDeliveries(domain.DefaultPolicy())
	if res.Deliver {
		d.send(ctx, "alert", res.AlertID)
	}
	if e := workflow.Await(ctx, func() bool { return d.idle() && workflow.AllHandlersFinished(ctx) }); e != nil {
		return res, e
	}
	return res, nil
}
