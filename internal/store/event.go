package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Event is a row of the append-only audit log.
type Event struct {
	bun.BaseModel `bun:"table:events"`

	ID         int64           `bun:"id,pk,autoincrement" json:"id"`
	DedupKey   *string         `bun:"dedup_key" json:"-"`
	At         time.Time       `bun:"at,nullzero,default:now()" json:"at"`
	Actor      string          `bun:"actor" json:"actor"`
	ActorRole  string          `bun:"actor_role" json:"actor_role"`
	Action     string          `bun:"action" json:"action"`
	EntityType string          `bun:"entity_type" json:"entity_type"`
	EntityID   string          `bun:"entity_id,type:uuid" json:"entity_id"`
	UnitID     *string         `bun:"unit_id,type:uuid" json:"unit_id,omitempty"`
	RequestID  string          `bun:"request_id" json:"request_id,omitempty"`
	Data       json.RawMessage `bun:"data,type:jsonb" json:"data"`
}

// NewEvent builds an event; dedupKey makes it exactly-once (pass "" for none).
func NewEvent(dedupKey, actor, role, action, entityType, entityID, unitID, requestID string, data any) Event {
	ev := Event{Actor: actor, ActorRole: role, Action: action, EntityType: entityType, EntityID: entityID, RequestID: requestID, Data: mustJSON(data)}
	if dedupKey != "" {
		ev.DedupKey = &dedupKey
	}
	if unitID != "" {
		ev.UnitID = &unitID
	}
	if ev.Actor == "" {
		ev.Actor = "system"
	}
	return ev
}

func appendEvent(ctx context.Context, db bun.IDB, ev Event) error {
	if ev.EntityType == "" {
		return nil
	}
	if ev.Data == nil {
		ev.Data = json.RawMessage(`{}`)
	}
	if _, err := db.NewInsert().Model(&ev).On("CONFLICT (dedup_key) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("append event: %w", err)
	}
	return nil
}

// appendEvents writes many audit events in one statement (each exactly once
// per dedup key).
func appendEvents(ctx context.Context, db bun.IDB, evs []Event) error {
	rows := make([]Event, 0, len(evs))
	for _, ev := range evs {
		if ev.EntityType == "" {
			continue
		}
		if ev.Data == nil {
			ev.Data = json.RawMessage(`{}`)
		}
		rows = append(rows, ev)
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := db.NewInsert().Model(&rows).On("CONFLICT (dedup_key) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	return nil
}

// AppendEvent writes one audit event (exactly once per dedup key).
func (s *Store) AppendEvent(ctx context.Context, ev Event) error {
	return appendEvent(ctx, s.DB, ev)
}

// ListEvents lists the events of one entity in order.
func (s *Store) ListEvents(ctx context.Context, entityType, entityID string) ([]Event, error) {
	evs := []Event{}
	err := s.DB.NewSelect().Model(&evs).Where("entity_type = ? AND entity_id = ?", entityType, entityID).OrderExpr("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return evs, nil
}

// EventFilter narrows ListAuditEvents.
type EventFilter struct {
	EntityType string
	EntityID   string
	Actor      string
	Action     string
	// UnitID keeps the events of this unit and, with Subtree, of the units
	// below it.
	UnitID  string
	Subtree bool
	// Scope keeps the events the caller may see (nil: all).
	Scope  *Scope
	Limit  int
	Offset int
}

// ListAuditEvents lists audit events oldest first, with the total count.
func (s *Store) ListAuditEvents(ctx context.Context, f EventFilter) ([]Event, int, error) {
	evs := []Event{}
	q := s.DB.NewSelect().Model(&evs).OrderExpr("id")
	q = f.Scope.apply(q, []string{"unit_id"}, "", "")
	if f.EntityType != "" {
		q = q.Where("entity_type = ?", f.EntityType)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.UnitID != "" {
		if f.Subtree {
			q = q.Where("unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?) || '%')", f.UnitID)
		} else {
			q = q.Where("unit_id = ?", f.UnitID)
		}
	}
	n, err := q.Limit(int64(f.Limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit events: %w", err)
	}
	return evs, int(n), nil
}

// rowSummary reads the named columns of one row as text (nil for NULL),
// locking the row when lock is set: what an audit event's before/after
// summary compares.
func rowSummary(ctx context.Context, db bun.IDB, table, id string, cols []string, lock bool) (map[string]*string, error) {
	vals := make([]*string, len(cols))
	q := db.NewSelect().Table(table).Where("id = ?", id)
	dest := make([]any, len(cols))
	for i, c := range cols {
		q = q.ColumnExpr("?::text", bun.Ident(c))
		dest[i] = &vals[i]
	}
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx, dest...); err != nil {
		return nil, notFound(err, "read "+table+" summary")
	}
	out := make(map[string]*string, len(cols))
	for i, c := range cols {
		out[c] = vals[i]
	}
	return out, nil
}

// withChange adds to ev's data what changed between two row summaries:
// {"before": {col: old}, "after": {col: new}} over the changed columns.
func withChange(ev Event, before, after map[string]*string) Event {
	b, a := map[string]any{}, map[string]any{}
	for col, old := range before {
		nw := after[col]
		if (old == nil) == (nw == nil) && (old == nil || *old == *nw) {
			continue
		}
		b[col], a[col] = old, nw
	}
	if len(b) == 0 {
		return ev
	}
	data := map[string]any{}
	if len(ev.Data) > 0 {
		if err := json.Unmarshal(ev.Data, &data); err != nil || data == nil {
			data = map[string]any{"data": ev.Data}
		}
	}
	data["before"], data["after"] = b, a
	ev.Data = mustJSON(data)
	return ev
}

// changeTracked runs write between two summaries of the row and appends ev
// with what changed; write reports whether it changed the row (nothing is
// appended when it did not).
func changeTracked(ctx context.Context, tx bun.Tx, table, id string, cols []string, ev Event, write func() (bool, error)) error {
	before, err := rowSummary(ctx, tx, table, id, cols, true)
	if errors.Is(err, ErrNotFound) {
		changed, err := write()
		if err != nil || !changed {
			return err
		}
		return appendEvent(ctx, tx, ev)
	}
	if err != nil {
		return err
	}
	changed, err := write()
	if err != nil || !changed {
		return err
	}
	after, err := rowSummary(ctx, tx, table, id, cols, false)
	if err != nil {
		return err
	}
	return appendEvent(ctx, tx, withChange(ev, before, after))
}
