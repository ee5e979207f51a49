package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"
)

// Contact is a person of a unit who receives e-mail for a role.
type Contact struct {
	bun.BaseModel `bun:"table:unit_contacts"`

	UnitID string `bun:"unit_id,pk,type:uuid" json:"-"`
	Role   string `bun:"role,pk" json:"role"`
	Email  string `bun:"email,pk" json:"email"`
	Name   string `bun:"name" json:"name,omitempty"`
}

// Channels is where a unit's alerts and reminders are delivered.
type Channels struct {
	UnitID        string    `json:"unit_id"`
	WebhookURL    string    `json:"webhook_url"`
	WebhookSecret string    `json:"-"`
	Contacts      []Contact `json:"contacts"`
}

// SetChannels replaces a unit's webhook and contacts in one transaction.
// An empty secret keeps the stored one.
func (s *Store) SetChannels(ctx context.Context, ch Channels, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*Unit)(nil)).Set("webhook_url = ?", ch.WebhookURL).Where("id = ?", ch.UnitID)
		if ch.WebhookSecret != "" || ch.WebhookURL == "" {
			q = q.Set("webhook_secret = ?", ch.WebhookSecret)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("set unit webhook: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("set unit channels: %w", ErrNotFound)
		}
		if _, err := tx.NewDelete().Model((*Contact)(nil)).Where("unit_id = ?", ch.UnitID).Exec(ctx); err != nil {
			return fmt.Errorf("clear contacts: %w", err)
		}
		if len(ch.Contacts) > 0 {
			for i := range ch.Contacts {
				ch.Contacts[i].UnitID = ch.UnitID
			}
			if _, err := tx.NewInsert().Model(&ch.Contacts).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
				return fmt.Errorf("save contacts: %w", err)
			}
		}
		return appendEvent(ctx, tx, ev)
	})
}

// GetChannels reads a unit's delivery channels.
func (s *Store) GetChannels(ctx context.Context, unitID string) (*Channels, error) {
	u, err := s.GetUnit(ctx, unitID)
	if err != nil {
		return nil, err
	}
	ch := &Channels{UnitID: unitID, WebhookURL: u.WebhookURL, WebhookSecret: u.WebhookSecret, Contacts: []Contact{}}
	if err := s.DB.NewSelect().Model(&ch.Contacts).Where("unit_id = ?", unitID).OrderExpr("role, email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	return ch, nil
}

// ContactsFor lists the e-mail contacts of a unit for one role.
func (s *Store) ContactsFor(ctx context.Context, unitID, role string) ([]Contact, error) {
	cs := []Contact{}
	if err := s.DB.NewSelect().Model(&cs).Where("unit_id = ? AND role = ?", unitID, role).OrderExpr("email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	return cs, nil
}
