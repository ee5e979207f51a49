package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
)

// ErrTypeAlreadyRated is the type of the error SaveRating returns for a
// receipt rated before (differently): not retried.
const ErrTypeAlreadyRated = "already_rated"

// RatingInput is a receipt holder's rating of the answer or result.
type RatingInput struct {
	Receipt    string    `json:"receipt"`
	DialogueID string    `json:"dialogue_id"`
	UnitID     string    `json:"unit_id"`
	Title      string    `json:"title"`
	Field      string    `json:"field"`
	Satisfied  bool      `json:"satisfied"`
	Comment    string    `json:"comment,omitempty"`
	At         time.Time `json:"at"`
}

// RemarkInput is a people's inspection board's remark on a task.
type RemarkInput struct {
	RemarkID  string       `json:"remark_id"`
	TaskID    string       `json:"task_id"`
	Content   string       `json:"content"`
	Actor     domain.Actor `json:"actor"`
	At        time.Time    `json:"at"`
	RequestID string       `json:"request_id,omitempty"`
}

// FeedbackResult names the alert raised (empty for none) and whether it
// has somewhere to be delivered.
type FeedbackResult struct {
	AlertID string `json:"alert_id,omitempty"`
	Deliver bool   `json:"deliver,omitempty"`
}

// SaveRating stores a rating; "not satisfied" raises an alert to the
// unit's MTTQ with it, exactly once (keyed by the receipt).
func (a *Activities) SaveRating(ctx context.Context, in RatingInput) (FeedbackResult, error) {
	r := &store.Rating{Receipt: in.Receipt, DialogueID: in.DialogueID, UnitID: in.UnitID, Field: in.Field,
		Satisfied: in.Satisfied, Comment: in.Comment, RatedAt: in.At}
	var al *store.Alert
	if !in.Satisfied {
		key := "rating/" + in.Receipt
		text := lifecycle.NotSatisfiedAlert(in.Title, in.Field, receipt.Format(in.Receipt), in.Comment)
		dlg := in.DialogueID
		al = &store.Alert{ID: StableID(key), DedupKey: key, UnitID: in.UnitID, RecipientRole: domain.RoleMTTQ, RecipientKey: domain.RoleMTTQ,
			Kind: domain.AlertNotSatisfied, Level: 1, DialogueID: &dlg,
			TitleVI: text.TitleVI, TitleEN: text.TitleEN, BodyVI: text.BodyVI, BodyEN: text.BodyEN}
	}
	ev := store.NewEvent("rating/"+in.Receipt, "citizen", "", "dialogue.rated", "dialogue", in.DialogueID, in.UnitID, "",
		map[string]any{"field": in.Field, "satisfied": in.Satisfied})
	err := a.Store.SaveRating(ctx, r, al, ev)
	if errors.Is(err, store.ErrAlreadyRated) {
		return FeedbackResult{}, temporal.NewNonRetryableApplicationError("receipt already rated", ErrTypeAlreadyRated, err)
	}
	if err != nil {
		return FeedbackResult{}, err
	}
	if al == nil {
		return FeedbackResult{}, nil
	}
	return a.feedbackAlert(ctx, al)
}

// SaveRemark stores a board's remark on a task, its event in the task's
// timeline and the alert to the MTTQ of the task's unit, exactly once
// (keyed by the remark's id).
func (a *Activities) SaveRemark(ctx context.Context, in RemarkInput) (FeedbackResult, error) {
	t, err := a.Store.GetTask(ctx, in.TaskID)
	if errors.Is(err, store.ErrNotFound) {
		return FeedbackResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "not_found", err)
	}
	if err != nil {
		return FeedbackResult{}, err
	}
	key := "remark/" + in.RemarkID
	text := lifecycle.BoardRemarkAlert(t.Title, t.DueAt, in.Content)
	plan, dlg, task := t.PlanID, t.DialogueID, t.ID
	al := &store.Alert{ID: StableID(key), DedupKey: key, UnitID: t.UnitID, RecipientRole: domain.RoleMTTQ, RecipientKey: domain.RoleMTTQ,
		Kind: domain.AlertBoardRemark, Level: 1, PlanID: &plan, DialogueID: &dlg, TaskID: &task,
		TitleVI: text.TitleVI, TitleEN: text.TitleEN, BodyVI: text.BodyVI, BodyEN: text.BodyEN}
	rm := &store.Remark{ID: in.RemarkID, TaskID: t.ID, DialogueID: t.DialogueID, UnitID: t.UnitID, Content: in.Content, Author: in.Actor.ID, CreatedAt: in.At}
	ev := store.NewEvent(key, in.Actor.ID, in.Actor.Role, "task.remark", "task", t.ID, t.UnitID, in.RequestID,
		map[string]any{"remark_id": in.RemarkID, "content": in.Content})
	if err := a.Store.SaveRemark(ctx, rm, al, ev); err != nil {
		return FeedbackResult{}, err
	}
	a.log(ctx).Info("board remark stored", zap.String("task_id", t.ID), zap.String("remark_id", in.RemarkID))
	return a.feedbackAlert(ctx, al)
}

// feedbackAlert says whether a stored alert has channels to be delivered
// to.
func (a *Activities) feedbackAlert(ctx context.Context, al *store.Alert) (FeedbackResult, error) {
	res := FeedbackResult{AlertID: al.ID}
	targets, _, err := a.targets(ctx, notify.EventFromAlert(al))
	if err != nil {
		return res, fmt.Errorf("alert targets: %w", err)
	}
	res.Deliver = len(targets) > 0
	return res, nil
}
