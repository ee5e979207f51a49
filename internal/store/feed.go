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
// Every writer of the feed takes the feed lock (lockFeed) before it draws a
// seq and holds it until it commits, so seqs become visible in order: once
// a seq is visible, every smaller one has committed or rolled back, and a
// stream that advances its Last-Event-ID to the last item returned never
// passes an item still to come.
//
// The scopes, when not nil, keep only the alerts and the notifications the
// caller may see.
func (s *Store) FeedSince(ctx context.Context, unitID string, subtree bool, alerts, notices *Scope, afterSeq int64, limit int) ([]FeedItem, error) {
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
		as []Alert
		ns []Notification
	)
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	err := s.DB.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		if err := alerts.apply(tx.NewSelect().Model(&as), []string{"unit_id"}, "recipient_role", "").Apply(unitFilter).
			Where("seq > ?", afterSeq).OrderExpr("seq").Limit(int64(limit)).Scan(ctx); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		if err := notices.apply(tx.NewSelect().Model(&ns), []string{"unit_id"}, "", assignedNotices).Apply(unitFilter).
			Where("seq > ?", afterSeq).OrderExpr("seq").Limit(int64(limit)).Scan(ctx); err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("feed since %d: %w", afterSeq, err)
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
	return items, nil
}

// FeedLockKey is the advisory lock that orders the feed's writers.
const FeedLockKey = 72_026_1127

// lockFeed takes the feed lock for the rest of tx: callers insert alerts or
// notifications right after it and commit soon, so the lock is short.
func lockFeed(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", FeedLockKey); err != nil {
		return fmt.Errorf("lock feed: %w", err)
	}
	return nil
}

// FeedHead returns the largest seq stored in the feed now (0 when there is
// none); a stream that starts from it sees only what is stored afterwards.
func (s *Store) FeedHead(ctx context.Context) (int64, error) {
	var head int64
	err := s.DB.NewRaw("SELECT greatest(coalesce((SELECT max(seq) FROM alerts), 0), coalesce((SELECT max(seq) FROM notifications), 0))").
		Scan(ctx, &head)
	if err != nil {
		return 0, fmt.Errorf("feed head: %w", err)
	}
	return head, nil
}
