package activities

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/report"
	"github.com/doithoai/doithoai/internal/store"
)

// ReportInput asks for the supervision report of a dialogue or a plan.
type ReportInput struct {
	// Kind is report.KindDialogue or report.KindPlan.
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// ReportResult names the stored draft.
type ReportResult struct {
	ReportID string `json:"report_id"`
	ScopeKey string `json:"scope_key"`
	Version  int    `json:"version"`
}

// GenerateReport computes a report in PostgreSQL and stores it as the draft
// of its scope (regenerating a draft is idempotent; a finalised version is
// never touched).
func (a *Activities) GenerateReport(ctx context.Context, in ReportInput) (ReportResult, error) {
	scope := report.Scope{Kind: in.Kind}
	switch in.Kind {
	case report.KindDialogue:
		scope.DialogueID = in.ID
	case report.KindPlan:
		scope.PlanID = in.ID
	default:
		return ReportResult{}, nonRetryableIfConflict(fmt.Errorf("report kind %q: %w", in.Kind, store.ErrConflict))
	}
	if a.Calendar != nil {
		if err := a.Store.EnsureCalendar(ctx, a.Calendar); err != nil {
			return ReportResult{}, err
		}
	}
	data, err := a.Store.ComputeReport(ctx, scope, time.Now())
	if err != nil {
		return ReportResult{}, err
	}
	rep, err := a.Store.SaveDraft(ctx, store.ScopeKey(data.Scope), data)
	if err != nil {
		return ReportResult{}, err
	}
	a.log(ctx).Info("report drafted", zap.String("scope", rep.ScopeKey), zap.Int("version", rep.Version))
	return ReportResult{ReportID: rep.ID, ScopeKey: rep.ScopeKey, Version: rep.Version}, nil
}
