package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// DialogueFilter narrows FindDialogues. Zero fields do not filter.
type DialogueFilter struct {
	PlanID string
	// UnitID keeps the dialogues of that unit and, with Subtree, of the
	// units below it too.
	UnitID  string
	Subtree bool
	// Phases keeps the dialogues in one of these phases.
	Phases []string
	// From and To bound the scheduled time: From inclusive, To exclusive.
	From, To time.Time
	// Scope keeps the dialogues the caller may see (nil: all).
	Scope *Scope
	// Limit 0 lists every match.
	Limit  int
	Offset int
}

// FindDialogues lists dialogues in date order (then plan, number), with
// the total count of matches.
func (s *Store) FindDialogues(ctx context.Context, f DialogueFilter) ([]Dialogue, int, error) {
	ds := []Dialogue{}
	q := s.DB.NewSelect().Model(&ds).OrderExpr("scheduled_at, plan_id, seq")
	q = f.Scope.apply(q, []string{"unit_id"}, "", "")
	if f.PlanID != "" {
		q = q.Where("plan_id = ?", f.PlanID)
	}
	if f.UnitID != "" {
		if f.Subtree {
			q = q.Where("unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?) || '%')", f.UnitID)
		} else {
			q = q.Where("unit_id = ?", f.UnitID)
		}
	}
	if len(f.Phases) > 0 {
		q = q.Where("phase IN (?)", bun.In(f.Phases))
	}
	if !f.From.IsZero() {
		q = q.Where("scheduled_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("scheduled_at < ?", f.To)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	n, err := q.ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list dialogues: %w", err)
	}
	return ds, int(n), nil
}
