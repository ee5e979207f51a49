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
// A seq is drawn from feed_seq when a row is inserted but the row becomes
// visible only when its transaction commits, so a row with a larger seq can
// be visible while one with a smaller seq is still in flight. Only rows
// whose transaction (the xid column) is older than every transaction still
// in flight in the read's snapshot are returned: a stream that advances its
// Last-Event-ID to the last item returned does not pass a seq whose
// transaction may yet commit. Rows of younger transactions come on a later
// read, once those older transactions have finished.
func (s *Store) FeedSince(ctx context.Context, unitID string, subtree bool, afterSeq int64, limit int) ([]FeedItem, error) {
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
		// Under REPEATABLE READ every statement of the transaction uses the
		// same snapshot, so this horizon is the one the reads below see by.
		var horizon string
		if err := tx.NewRaw("SELECT "+settledHorizon+"::text").Scan(ctx, &horizon); err != nil {
			return fmt.Errorf("snapshot horizon: %w", err)
		}
		if err := tx.NewSelect().Model(&as).Apply(unitFilter).
			Where("seq > ?", afterSeq).Where("xid < ?::xid8", horizon).OrderExpr("seq").Limit(int64(limit)).Scan(ctx); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		if err := tx.NewSelect().Model(&ns).Apply(unitFilter).
			Where("seq > ?", afterSeq).Where("xid < ?::xid8", horizon).OrderExpr("seq").Limit(int64(limit)).Scan(ctx); err != nil {
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

// settledHorizon is the oldest transaction id still in flight in the
// current snapshot (the next one to be assigned when none is): every
// transaction older than it has committed or rolled back, so the rows it
// wrote are as visible as they will ever be.
const settledHorizon = "pg_snapshot_xmin(pg_current_snapshot())"

// FeedHead returns the largest seq a feed read would return now: that of the
// newest stored alert or notification whose transaction is older than every
// transaction still in flight (0 when there is none), by the same rule as
// FeedSince. A stream that starts from it sees only what is stored
// afterwards, and a seq taken by an insert still in flight (or a row
// committed after an older transaction that is still in flight) is never
// counted as seen: the stream delivers it once it is settled.
func (s *Store) FeedHead(ctx context.Context) (int64, error) {
	var head int64
	err := s.DB.NewRaw("WITH h AS (SELECT "+settledHorizon+" AS xmin) SELECT greatest("+
		"coalesce((SELECT max(seq) FROM alerts, h WHERE xid < h.xmin), 0), "+
		"coalesce((SELECT max(seq) FROM notifications, h WHERE xid < h.xmin), 0))").
		Scan(ctx, &head)
	if err != nil {
		return 0, fmt.Errorf("feed head: %w", err)
	}
	return head, nil
}
