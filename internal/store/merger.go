package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Merger is one merger of administrative units: its sources become part of
// the successor from EffectiveAt, by the resolution named in Reference.
type Merger struct {
	bun.BaseModel `bun:"table:unit_mergers"`

	ID          string    `bun:"id,pk,type:uuid" json:"id"`
	SuccessorID string    `bun:"successor_id,type:uuid" json:"successor_id"`
	EffectiveAt time.Time `bun:"effective_at" json:"effective_at"`
	// Reference names the resolution, e.g. "1666/NQ-UBTVQH15".
	Reference string    `bun:"reference" json:"reference"`
	CreatedBy string    `bun:"created_by" json:"created_by,omitempty"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
	// SourceIDs are the merged units, sorted.
	SourceIDs []string `bun:"-" json:"source_ids"`
}

type mergerSource struct {
	bun.BaseModel `bun:"table:unit_merger_sources"`

	MergerID string `bun:"merger_id,pk,type:uuid"`
	UnitID   string `bun:"unit_id,pk,type:uuid"`
}

// Reasons RecordMerger refuses a merger; a *MergerError wraps one of them.
var (
	// ErrMergerNoSources: a merger names no source unit.
	ErrMergerNoSources = errors.New("merger has no source units")
	// ErrMergerSourceMerged: a source has already merged (a unit merges once).
	ErrMergerSourceMerged = errors.New("source unit already merged")
	// ErrMergerSourceIsSuccessor: a source is the successor itself.
	ErrMergerSourceIsSuccessor = errors.New("source unit is the successor")
	// ErrMergerSourceAncestor: a source is an ancestor of the successor.
	ErrMergerSourceAncestor = errors.New("source unit is an ancestor of the successor")
	// ErrMergerLevelMismatch: a source is not at the successor's level.
	ErrMergerLevelMismatch = errors.New("source unit is not at the successor's level")
	// ErrMergerSuccessorMerged: the successor has itself merged away.
	ErrMergerSuccessorMerged = errors.New("successor unit already merged")
	// ErrMergerChanged: a merger with this id exists with other contents.
	ErrMergerChanged = errors.New("merger id already used for another merger")
)

// MergerError is a refused merger: the reason (one of the ErrMerger…
// values, matched with errors.Is) and the unit it concerns.
type MergerError struct {
	Reason error
	UnitID string
}

func (e *MergerError) Error() string {
	if e.UnitID == "" {
		return "record merger: " + e.Reason.Error()
	}
	return fmt.Sprintf("record merger: unit %s: %v", e.UnitID, e.Reason)
}

// Unwrap returns the reason.
func (e *MergerError) Unwrap() error { return e.Reason }

// RecordMerger records m: in one transaction it stores the merger and its
// sources and marks each source merged (successor_id, merged_at =
// effective_at). It is idempotent by id: recording the same merger again
// changes nothing and returns nil; the same id with other contents is
// ErrMergerChanged. A missing unit is ErrNotFound; a refused merger is a
// *MergerError.
func (s *Store) RecordMerger(ctx context.Context, m *Merger) error {
	sources := normalizeIDs(m.SourceIDs)
	if len(sources) == 0 {
		return &MergerError{Reason: ErrMergerNoSources}
	}
	m.SourceIDs = sources
	m.EffectiveAt = m.EffectiveAt.Truncate(time.Microsecond) // PostgreSQL's precision
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Lock the units involved in id order, so concurrent mergers of
		// overlapping units queue instead of deadlocking.
		ids := normalizeIDs(append([]string{m.SuccessorID}, sources...))
		var locked []Unit
		if err := tx.NewSelect().Model(&locked).Where("id IN (?)", bun.In(ids)).
			OrderExpr("id").For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("record merger: lock units: %w", err)
		}
		prev, err := getMerger(ctx, tx, m.ID)
		switch {
		case err == nil:
			if !sameMerger(prev, m) {
				return &MergerError{Reason: ErrMergerChanged}
			}
			*m = *prev
			return nil
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("record merger: %w", err)
		}
		byID := make(map[string]*Unit, len(locked))
		for i := range locked {
			byID[locked[i].ID] = &locked[i]
		}
		if err := checkMerger(m, byID); err != nil {
			return err
		}
		return insertMerger(ctx, tx, m)
	})
}

// checkMerger applies the rules of a merger to the locked units.
func checkMerger(m *Merger, byID map[string]*Unit) error {
	succ, ok := byID[m.SuccessorID]
	if !ok {
		return fmt.Errorf("record merger: successor %s: %w", m.SuccessorID, ErrNotFound)
	}
	if succ.Merged() {
		return &MergerError{Reason: ErrMergerSuccessorMerged, UnitID: succ.ID}
	}
	for _, id := range m.SourceIDs {
		src, ok := byID[id]
		switch {
		case id == succ.ID:
			return &MergerError{Reason: ErrMergerSourceIsSuccessor, UnitID: id}
		case !ok:
			return fmt.Errorf("record merger: source %s: %w", id, ErrNotFound)
		case src.Merged():
			return &MergerError{Reason: ErrMergerSourceMerged, UnitID: id}
		case strings.HasPrefix(succ.Path, src.Path):
			return &MergerError{Reason: ErrMergerSourceAncestor, UnitID: id}
		case src.Level != succ.Level:
			return &MergerError{Reason: ErrMergerLevelMismatch, UnitID: id}
		}
	}
	return nil
}

func insertMerger(ctx context.Context, tx bun.Tx, m *Merger) error {
	if _, err := tx.NewInsert().Model(m).Returning("*").Exec(ctx); err != nil {
		return fmt.Errorf("record merger: insert: %w", err)
	}
	rows := make([]mergerSource, len(m.SourceIDs))
	for i, id := range m.SourceIDs {
		rows[i] = mergerSource{MergerID: m.ID, UnitID: id}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		if isUniqueViolation(err) { // a unit merges once
			return &MergerError{Reason: ErrMergerSourceMerged}
		}
		return fmt.Errorf("record merger: insert sources: %w", err)
	}
	_, err := tx.NewUpdate().Model((*Unit)(nil)).
		Set("successor_id = ?", m.SuccessorID).Set("merged_at = ?", m.EffectiveAt).
		Where("id IN (?)", bun.In(m.SourceIDs)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record merger: mark sources: %w", err)
	}
	return nil
}

func sameMerger(a, b *Merger) bool {
	return a.SuccessorID == b.SuccessorID && a.EffectiveAt.Equal(b.EffectiveAt) &&
		a.Reference == b.Reference && slices.Equal(a.SourceIDs, b.SourceIDs)
}

func normalizeIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// GetMerger reads one merger with its sources.
func (s *Store) GetMerger(ctx context.Context, id string) (*Merger, error) {
	return getMerger(ctx, s.DB, id)
}

func getMerger(ctx context.Context, db bun.IDB, id string) (*Merger, error) {
	m := new(Merger)
	if err := db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get merger")
	}
	if err := loadMergerSources(ctx, db, []*Merger{m}); err != nil {
		return nil, err
	}
	return m, nil
}

func loadMergerSources(ctx context.Context, db bun.IDB, ms []*Merger) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]string, len(ms))
	byID := make(map[string]*Merger, len(ms))
	for i, m := range ms {
		ids[i], byID[m.ID] = m.ID, m
		m.SourceIDs = []string{}
	}
	var rows []mergerSource
	if err := db.NewSelect().Model(&rows).Where("merger_id IN (?)", bun.In(ids)).
		OrderExpr("merger_id, unit_id").Scan(ctx); err != nil {
		return fmt.Errorf("load merger sources: %w", err)
	}
	for _, r := range rows {
		byID[r.MergerID].SourceIDs = append(byID[r.MergerID].SourceIDs, r.UnitID)
	}
	return nil
}

// MergerFilter narrows ListMergers.
type MergerFilter struct {
	// UnitID keeps the mergers this unit took part in, as successor or source.
	UnitID string
	Limit  int
	Offset int
}

// ListMergers lists mergers, latest effective first, with the total count.
func (s *Store) ListMergers(ctx context.Context, f MergerFilter) ([]Merger, int, error) {
	var ms []Merger
	q := s.DB.NewSelect().Model(&ms).OrderExpr("effective_at DESC, id")
	if f.UnitID != "" {
		q = q.Where("successor_id = ? OR id IN (SELECT merger_id FROM unit_merger_sources WHERE unit_id = ?)", f.UnitID, f.UnitID)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	n, err := q.ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list mergers: %w", err)
	}
	ptrs := make([]*Merger, len(ms))
	for i := range ms {
		ptrs[i] = &ms[i]
	}
	if err := loadMergerSources(ctx, s.DB, ptrs); err != nil {
		return nil, 0, err
	}
	return ms, int(n), nil
}

// SuccessorOf is the unit where the records of unitID now live: following
// successor_id to the end of the chain (a unit merged into a unit that
// merged in turn), the unit itself when it has not merged.
func (s *Store) SuccessorOf(ctx context.Context, unitID string) (*Unit, error) {
	u := new(Unit)
	err := s.DB.NewRaw(`WITH RECURSIVE chain AS (
		SELECT id, successor_id, 0 AS depth FROM units WHERE id = ?
		UNION ALL
		SELECT u.id, u.successor_id, c.depth + 1 FROM units u JOIN chain c ON u.id = c.successor_id WHERE c.depth < 100
	) SELECT units.* FROM units JOIN chain ON units.id = chain.id ORDER BY chain.depth DESC LIMIT 1`, unitID).Scan(ctx, u)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("successor of %s: %w", unitID, ErrNotFound)
		}
		return nil, fmt.Errorf("successor of %s: %w", unitID, err)
	}
	return u, nil
}

// PredecessorsOf lists every unit merged into unitID, directly or through
// units that merged into those in turn, ordered by path.
func (s *Store) PredecessorsOf(ctx context.Context, unitID string) ([]Unit, error) {
	var units []Unit
	err := s.DB.NewRaw(`WITH RECURSIVE pred AS (
		SELECT id, 0 AS depth FROM units WHERE successor_id = ?
		UNION ALL
		SELECT u.id, p.depth + 1 FROM units u JOIN pred p ON u.successor_id = p.id WHERE p.depth < 100
	) SELECT units.* FROM units WHERE id IN (SELECT id FROM pred) ORDER BY path`, unitID).Scan(ctx, &units)
	if err != nil {
		return nil, fmt.Errorf("predecessors of %s: %w", unitID, err)
	}
	return units, nil
}
