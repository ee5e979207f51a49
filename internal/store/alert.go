package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Alert is something a person must see and acknowledge.
type Alert struct {
	bun.BaseModel `bun:"table:alerts"`

	ID            string     `bun:"id,pk,type:uuid" json:"id"`
	DedupKey      string     `bun:"dedup_key" json:"-"`
	UnitID        string     `bun:"unit_id,type:uuid" json:"unit_id"`
	RecipientRole string     `bun:"recipient_role" json:"recipient_role"`
	Kind          string     `bun:"kind" json:"kind"`
	Level         int        `bun:"level" json:"level"`
	PlanID        *string    `bun:"plan_id,type:uuid" json:"plan_id,omitempty"`
	DialogueID    *string    `bun:"dialogue_id,type:uuid" json:"dialogue_id,omitempty"`
	TaskID        *string    `bun:"task_id,type:uuid" json:"task_id,omitempty"`
	TitleVI       string     `bun:"title_vi" json:"title"`
	TitleEN       string     `bun:"title_en" json:"title_en"`
	BodyVI        string     `bun:"body_vi" json:"body"`
	BodyEN        string     `bun:"body_en" json:"body_en"`
	Status        string     `bun:"status" json:"status"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:now()" json:"created_at"`
	AckedAt       *time.Time `bun:"acked_at" json:"acked_at,omitempty"`
	AckedBy       string     `bun:"acked_by" json:"acked_by,omitempty"`
	// Seq orders alerts and notices in the live feed (the SSE event id).
	Seq int64 `bun:"seq,nullzero" json:"seq"`
	// Recipient names the person or agency addressed, where there is one.
	Recipient string `bun:"recipient" json:"recipient,omitempty"`
	// RecipientKey is the rung's recipient that raised an overdue alert
	// (assignee, monitor, mttq, parent_mttq, parent_party_committee; see
	// lifecycle.RecipientKinds), or the role for other alerts.
	RecipientKey string `bun:"recipient_key" json:"recipient_key"`
}

// RaiseAlert stores an alert exactly once per dedup key and reports whether
// this call created it.
func (s *Store) RaiseAlert(ctx context.Context, a *Alert) (bool, error) {
	if a.Status == "" {
		a.Status = "open"
	}
	// One statement, no lock: the feed's order comes from the seq's
	// transaction id (FeedSince).
	res, err := s.DB.NewInsert().Model(a).On("CONFLICT (dedup_key) DO NOTHING").Returning("seq").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("raise alert: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// AlertFilter narrows ListAlerts.
type AlertFilter struct {
	// UnitID keeps alerts of this unit and, with Subtree, the units below.
	UnitID        string
	Subtree       bool
	RecipientRole string
	Status        string
	Kind          string
	DialogueID    string
	// Scope keeps the alerts the caller may see (nil: all).
	Scope  *Scope
	Limit  int
	Offset int
}

// ListAlerts lists alerts newest first with the total count.
func (s *Store) ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, int, error) {
	as := []Alert{}
	q := s.DB.NewSelect().Model(&as).OrderExpr("created_at DESC, id")
	q = f.Scope.apply(q, []string{"unit_id"}, "recipient_role", "")
	if f.UnitID != "" {
		if f.Subtree {
			q = q.Where("unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?) || '%')", f.UnitID)
		} else {
			q = q.Where("unit_id = ?", f.UnitID)
		}
	}
	if f.RecipientRole != "" {
		q = q.Where("recipient_role = ?", f.RecipientRole)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.DialogueID != "" {
		q = q.Where("dialogue_id = ?", f.DialogueID)
	}
	n, err := q.Limit(int64(f.Limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list alerts: %w", err)
	}
	return as, int(n), nil
}

// GetAlert reads one alert.
func (s *Store) GetAlert(ctx context.Context, id string) (*Alert, error) {
	a := new(Alert)
	if err := s.DB.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get alert")
	}
	return a, nil
}

// AckAlert acknowledges an open alert. Acknowledging an acknowledged alert
// is a no-op that returns it unchanged.
func (s *Store) AckAlert(ctx context.Context, id, by string, at time.Time, ev Event) (*Alert, error) {
	a := new(Alert)
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		err := changeTracked(ctx, tx, "alerts", id, []string{"status", "acked_by"}, ev, func() (bool, error) {
			res, err := tx.NewUpdate().Model((*Alert)(nil)).
				Set("status = 'acknowledged', acked_at = ?, acked_by = ?", at, by).
				Where("id = ? AND status = 'open'", id).Exec(ctx)
			if err != nil {
				return false, fmt.Errorf("ack alert: %w", err)
			}
			n, _ := res.RowsAffected()
			return n > 0, nil
		})
		if err != nil {
			return err
		}
		if err := tx.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
			return notFound(err, "ack alert")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Notification is an outbound notice (to hosts, assignees …).
type Notification struct {
	bun.BaseModel `bun:"table:notifications"`

	ID         string    `bun:"id,pk,type:uuid" json:"id"`
	DedupKey   string    `bun:"dedup_key" json:"-"`
	UnitID     string    `bun:"unit_id,type:uuid" json:"unit_id"`
	DialogueID *string   `bun:"dialogue_id,type:uuid" json:"dialogue_id,omitempty"`
	Recipient  string    `bun:"recipient" json:"recipient"`
	Channel    string    `bun:"channel" json:"channel"`
	SubjectVI  string    `bun:"subject_vi" json:"subject"`
	SubjectEN  string    `bun:"subject_en" json:"subject_en"`
	BodyVI     string    `bun:"body_vi" json:"body"`
	BodyEN     string    `bun:"body_en" json:"body_en"`
	CreatedAt  time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
	// Seq orders notices in the live feed.
	Seq int64 `bun:"seq,nullzero" json:"seq"`
	// Kind is notice (e.g. a survey summary for hosts) or reminder.
	Kind   string  `bun:"kind,nullzero,default:'notice'" json:"kind"`
	TaskID *string `bun:"task_id,type:uuid" json:"task_id,omitempty"`
}

// SaveNotification stores a notice exactly once per dedup key and reports
// whether this call created it.
func (s *Store) SaveNotification(ctx context.Context, n *Notification) (bool, error) {
	res, err := s.DB.NewInsert().Model(n).On("CONFLICT (dedup_key) DO NOTHING").Returning("seq").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("save notification: %w", err)
	}
	k, _ := res.RowsAffected()
	return k > 0, nil
}

// ListNotifications lists the notices of a dialogue, oldest first.
func (s *Store) ListNotifications(ctx context.Context, dialogueID string) ([]Notification, error) {
	ns := []Notification{}
	if err := s.DB.NewSelect().Model(&ns).Where("dialogue_id = ?", dialogueID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return ns, nil
}
