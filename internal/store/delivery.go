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

// RecordUndelivered records that an item was not through to every target
// within its delivery bound (the workflow stopped retrying it). Recording
// it again keeps the first record and takes the latest reason.
func (s *Store) RecordUndelivered(ctx context.Context, itemKind, itemID, reason string) error {
	_, err := s.DB.NewRaw(`INSERT INTO undelivered (item_kind, item_id, reason) VALUES (?, ?, ?)
		ON CONFLICT (item_kind, item_id) DO UPDATE SET reason = EXCLUDED.reason`, itemKind, itemID, reason).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record undelivered %s %s: %w", itemKind, itemID, err)
	}
	return nil
}

// Undelivered statuses: given up and still short of a target, or through
// to every target since (by a later attempt).
const (
	UndeliveredOpen      = "undelivered"
	UndeliveredDelivered = "delivered"
)

// UndeliveredItem is an alert or notice recorded as undelivered, with its
// unit, the targets it has not reached and its last failed attempt.
type UndeliveredItem struct {
	ItemKind   string    `bun:"item_kind" json:"item_kind"`
	ItemID     string    `bun:"item_id" json:"item_id"`
	UnitID     string    `bun:"unit_id" json:"unit_id,omitempty"`
	TaskID     string    `bun:"task_id" json:"task_id,omitempty"`
	Status     string    `bun:"status" json:"status"`
	Reason     string    `bun:"reason" json:"reason"`
	RecordedAt time.Time `bun:"recorded_at" json:"recorded_at"`
	// Channels are the channels with a target not yet reached.
	Channels    []string   `bun:"channels,array" json:"channels"`
	Attempts    int        `bun:"attempts" json:"attempts"`
	LastError   string     `bun:"last_error" json:"last_error,omitempty"`
	LastAttempt *time.Time `bun:"last_attempt" json:"last_attempt,omitempty"`
}

// UndeliveredFilter narrows ListUndelivered: by status ("" for both).
type UndeliveredFilter struct {
	Status        string
	Limit, Offset int
}

// ListUndelivered lists the items recorded as undelivered, newest first,
// and their total.
func (s *Store) ListUndelivered(ctx context.Context, f UndeliveredFilter) ([]UndeliveredItem, int, error) {
	items := []UndeliveredItem{}
	where, args := "", []any{}
	if f.Status != "" {
		where, args = "WHERE status = ?", append(args, f.Status)
	}
	cte := `WITH items AS (
		SELECT u.item_kind, u.item_id::text, u.reason, u.recorded_at,
			coalesce(a.unit_id, n.unit_id)::text AS unit_id, coalesce(a.task_id, n.task_id)::text AS task_id,
			d.channels, coalesce(d.attempts, 0) AS attempts, d.last_error, d.last_attempt,
			CASE WHEN d.attempts > 0 AND cardinality(d.channels) = 0 THEN 'delivered' ELSE 'undelivered' END AS status
		FROM undelivered u
		LEFT JOIN alerts a ON u.item_kind = 'alert' AND a.id = u.item_id
		LEFT JOIN notifications n ON u.item_kind = 'notification' AND n.id = u.item_id
		LEFT JOIN LATERAL (
			SELECT count(*) AS attempts, max(dd.at) AS last_attempt,
				array(SELECT x.channel FROM deliveries x WHERE x.item_kind = u.item_kind AND x.item_id = u.item_id
					GROUP BY x.channel HAVING count(DISTINCT x.target) > count(DISTINCT x.target) FILTER (WHERE x.ok) ORDER BY x.channel) AS channels,
				(SELECT x.error FROM deliveries x WHERE x.item_kind = u.item_kind AND x.item_id = u.item_id AND NOT x.ok ORDER BY x.id DESC LIMIT 1) AS last_error
			FROM deliveries dd WHERE dd.item_kind = u.item_kind AND dd.item_id = u.item_id
		) d ON true) `
	var total int
	if err := s.DB.NewRaw(cte+`SELECT count(*) FROM items `+where, args...).Scan(ctx, &total); err != nil {
		return nil, 0, fmt.Errorf("count undelivered: %w", err)
	}
	args = append(args, f.Limit, f.Offset)
	if err := s.DB.NewRaw(cte+`SELECT * FROM items `+where+` ORDER BY recorded_at DESC, item_id LIMIT ? OFFSET ?`, args...).Scan(ctx, &items); err != nil {
		return nil, 0, fmt.Errorf("list undelivered: %w", err)
	}
	for i := range items {
		if items[i].Channels == nil {
			items[i].Channels = []string{}
		}
	}
	return items, total, nil
}
