package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Delivery is one attempt to deliver an alert or a notice on a channel.
type Delivery struct {
	bun.BaseModel `bun:"table:deliveries"`

	ID         int64     `bun:"id,pk,autoincrement" json:"id"`
	ItemKind   string    `bun:"item_kind" json:"item_kind"`
	ItemID     string    `bun:"item_id,type:uuid" json:"item_id"`
	Channel    string    `bun:"channel" json:"channel"`
	Target     string    `bun:"target" json:"target"`
	Attempt    int       `bun:"attempt" json:"attempt"`
	OK         bool      `bun:"ok" json:"ok"`
	HTTPStatus *int      `bun:"http_status" json:"http_status,omitempty"`
	Error      string    `bun:"error" json:"error,omitempty"`
	At         time.Time `bun:"at,nullzero,default:now()" json:"at"`
}

// RecordDelivery logs one delivery attempt.
func (s *Store) RecordDelivery(ctx context.Context, d *Delivery) error {
	if _, err := s.DB.NewInsert().Model(d).Exec(ctx); err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return nil
}

// Delivered reports whether an item already reached a target on a channel,
// so a retried activity does not send it twice.
func (s *Store) Delivered(ctx context.Context, itemKind, itemID, channel, target string) (bool, error) {
	n, err := s.DB.NewSelect().Model((*Delivery)(nil)).
		Where("item_kind = ? AND item_id = ? AND channel = ? AND target = ? AND ok", itemKind, itemID, channel, target).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("check delivery: %w", err)
	}
	return n > 0, nil
}

// ListDeliveries lists the attempts for one item, oldest first.
func (s *Store) ListDeliveries(ctx context.Context, itemKind, itemID string) ([]Delivery, error) {
	ds := []Delivery{}
	if err := s.DB.NewSelect().Model(&ds).Where("item_kind = ? AND item_id = ?", itemKind, itemID).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return ds, nil
}

// GetNotification reads one notice.
func (s *Store) GetNotification(ctx context.Context, id string) (*Notification, error) {
	n := new(Notification)
	if err := s.DB.NewSelect().Model(n).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get notification")
	}
	return n, nil
}
