package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"
)

// Types of feed items (the SSE event names).
const (
	FeedAlert    = "alert"
	FeedReminder = "reminder"
	FeedNotice   = "notice"
)

// FeedItem is one entry of the live feed: an alert, or a notification
// (a reminder or a notice). Exactly one of Alert and Notification is set.
type FeedItem struct {
	// Seq is the item's place in the feed (from the shared feed_seq).
	Seq int64
	// Type is FeedAlert, FeedReminder or FeedNotice.
	Type         string
	Alert        *Alert
	Notification *Notification
}

// FeedSince returns the alerts and notifications of the unit (with subtree,
// of the unit and every unit below it) whose seq is greater than afterSeq,
// in seq order, at most limit of them (limit < 1 means 500).
//
// Both tables are read in one read-only snapshot, so an item committed
// between the two reads can never be skipped over by a later item of the
// other table. Each read walks the unique seq index from afterSeq.
//
// Writers take no lock. An item's seq is its transaction's id shifted left
// 16 bits plus its rank in that transaction (feed_position, migration
// 20261202000401), and FeedSince returns only items below the snapshot's
// horizon: pg_snapshot_xmin << 16, under which every transaction has
// committed or rolled back. An item that becomes visible later belongs to
// a transaction at or above that horizon, so its seq is larger than every
// seq returned, and a stream that advances its Last-Event-ID to the last
// item returned never passes an item still to come.
//
// The scopes, when not nil, keep only the alerts and the notifications the
// caller may see.
func (s *Store) FeedSince(ctx context.Context, unitID string, subtree bool, alerts, notices *Scope, afterSeq int64, limit int) ([]FeedItem, error) {
	items, _, err := s.FeedSinceHeld(ctx, unitID, subtree, alerts, notices, afterSeq, limit)
	return items, err
}

// FeedSinceHeld is FeedSince, and also reports whether items already
// committed were held back above the horizon (a transaction that started
// before them is still open): the caller should read again shortly, since
// the end of that transaction may wake nobody.
func (s *Store) FeedSinceHeld(ctx context.Context, unitID string, subtree bool, alerts, notices *Scope, afterSeq int64, limit int) ([]FeedItem, bool, error) {
	if limit < 1 {
		limit = 500
	}
	unitFilter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if subtree {
			return q.Where("unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?) || '%')", unitID)
		}
		return q.Where("unit_id = ?", unitID)
	}
	var (
		as      []Alert
		ns      []Notification
		horizon int64
		held    bool
	)
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	err := s.DB.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		// The first statement takes the snapshot every read below shares.
		if err := tx.QueryRowContext(ctx, feedHorizonQuery).Scan(&horizon, &held); err != nil {
			return fmt.Errorf("horizon: %w", err)
		}
		if err := alerts.apply(tx.NewSelect().Model(&as), []string{"unit_id"}, "recipient_role", "").Apply(unitFilter).
			Where("seq > ? AND seq < ?", afterSeq, horizon).OrderExpr("seq").Limit(int64(limit)).Scan(ctx); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		if err := notices.apply(tx.NewSelect().Model(&ns), []string{"unit_id"}, "", assignedNotices).Apply(unitFilter).
			Where("seq > ? AND seq < ?", afterSeq, horizon).OrderExpr("seq").Limit(int64(limit)).Scan(ctx); err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("feed since %d: %w", afterSeq, err)
	}
	// Merge the two seq-ordered lists; the first limit items of the feed
	// are among the first limit of each.
	items := make([]FeedItem, 0, min(limit, len(as)+len(ns)))
	i, j := 0, 0
	for len(items) < limit && (i < len(as) || j < len(ns)) {
		if j >= len(ns) || (i < len(as) && as[i].Seq < ns[j].Seq) {
			items = append(items, FeedItem{Seq: as[i].Seq, Type: FeedAlert, Alert: &as[i]})
			i++
			continue
		}
		typ := FeedNotice
		if ns[j].Kind == FeedReminder {
			typ = FeedReminder
		}
		items = append(items, FeedItem{Seq: ns[j].Seq, Type: typ, Notification: &ns[j]})
		j++
	}
	return items, held, nil
}

// feedHorizonQuery returns the seq under which every feed item is final
// (every transaction below pg_snapshot_xmin has ended), and whether an item
// at or above it is already visible.
const feedHorizonQuery = `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16 AS horizon)
SELECT horizon, EXISTS (SELECT 1 FROM alerts WHERE seq >= horizon) OR EXISTS (SELECT 1 FROM notifications WHERE seq >= horizon) FROM h`

// FeedHead returns the seq a stream that starts now starts after: the
// largest seq stored, but no further than the horizon (0 when there is
// none); such a stream sees what is stored afterwards, and the items held
// above the horizon, which may have been committed just before it.
func (s *Store) FeedHead(ctx context.Context) (int64, error) {
	var head int64
	err := s.DB.NewRaw(`SELECT least(greatest(coalesce((SELECT max(seq) FROM alerts), 0), coalesce((SELECT max(seq) FROM notifications), 0)),
		(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16) - 1)`).
		Scan(ctx, &head)
	if err != nil {
		return 0, fmt.Errorf("feed head: %w", err)
	}
	return head, nil
}
