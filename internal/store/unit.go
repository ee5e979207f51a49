package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/unitmap"
)

// Unit is an administrative unit.
type Unit struct {
	bun.BaseModel `bun:"table:units"`

	ID       string  `bun:"id,pk,type:uuid" json:"id"`
	Code     *string `bun:"code" json:"code,omitempty"`
	ParentID *string `bun:"parent_id,type:uuid" json:"parent_id,omitempty"`
	Level    string  `bun:"level" json:"level"`
	// Kind is the official kind at the level (tinh, xa, phuong, …; see
	// internal/unitmap), "" for units recorded without one.
	Kind string `bun:"kind" json:"kind"`
	Name string `bun:"name" json:"name"`
	Path string `bun:"path" json:"-"`
	// SuccessorID, once the unit is merged, names the unit its records now
	// live under; MergedAt is the merger's effective date. A merged unit
	// takes no new plans.
	SuccessorID *string    `bun:"successor_id,type:uuid" json:"successor_id,omitempty"`
	MergedAt    *time.Time `bun:"merged_at" json:"merged_at,omitempty"`
	// WebhookURL receives the unit's alerts and reminders (signed JSON).
	WebhookURL string `bun:"webhook_url" json:"webhook_url,omitempty"`
	// WebhookSecret signs webhook bodies; it is never shown.
	WebhookSecret string    `bun:"webhook_secret" json:"-"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
}

// CreateUnit inserts u under its parent, computing its path. Inserting the
// same id again is a no-op that returns the stored row (idempotent).
func (s *Store) CreateUnit(ctx context.Context, u *Unit) error {
	u.Path = "/" + u.ID + "/"
	if u.ParentID != nil {
		parent, err := s.GetUnit(ctx, *u.ParentID)
		if err != nil {
			return err
		}
		u.Path = parent.Path + u.ID + "/"
	}
	_, err := s.DB.NewInsert().Model(u).On("CONFLICT (id) DO NOTHING").Returning("*").Exec(ctx)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("create unit: %w", ErrConflict)
		}
		return fmt.Errorf("create unit: %w", err)
	}
	return nil
}

// Merged reports whether the unit has been merged into a successor.
func (u *Unit) Merged() bool { return u.SuccessorID != nil }

// EnsureNationalRoot creates the national root (Trung ương, code VN, id
// unitmap.NationalID) if it is missing and returns it.
func (s *Store) EnsureNationalRoot(ctx context.Context) (*Unit, error) {
	code := unitmap.NationalCode
	u := &Unit{ID: unitmap.NationalID(), Code: &code, Level: domain.LevelNational, Name: unitmap.NationalNameVI}
	if err := s.CreateUnit(ctx, u); err != nil {
		return nil, fmt.Errorf("ensure national root: %w", err)
	}
	return s.GetUnit(ctx, u.ID)
}

// GetUnit reads one unit.
func (s *Store) GetUnit(ctx context.Context, id string) (*Unit, error) {
	u := new(Unit)
	if err := s.DB.NewSelect().Model(u).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get unit")
	}
	return u, nil
}

// UnitFilter narrows ListUnits.
type UnitFilter struct {
	ParentID string
	// UnitID keeps only this unit.
	UnitID string
	Level  string
	// Subtree, when set, keeps only units at or below this unit.
	Subtree string
	// Scope keeps the units the caller may see (nil: all).
	Scope  *Scope
	Limit  int
	Offset int
}

// ListUnits lists units ordered by path (a depth-first walk of the tree),
// with the total count for pagination.
func (s *Store) ListUnits(ctx context.Context, f UnitFilter) ([]Unit, int, error) {
	var units []Unit
	q := s.DB.NewSelect().Model(&units).OrderExpr("path")
	q = f.Scope.apply(q, []string{"id"}, "", "")
	if f.ParentID != "" {
		q = q.Where("parent_id = ?", f.ParentID)
	}
	if f.UnitID != "" {
		q = q.Where("id = ?", f.UnitID)
	}
	if f.Level != "" {
		q = q.Where("level = ?", f.Level)
	}
	if f.Subtree != "" {
		q = q.Where("path LIKE (SELECT path FROM units WHERE id = ?) || '%'", f.Subtree)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	n, err := q.ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list units: %w", err)
	}
	return units, int(n), nil
}

// Children lists the direct children of a unit.
func (s *Store) Children(ctx context.Context, id string) ([]Unit, error) {
	units, _, err := s.ListUnits(ctx, UnitFilter{ParentID: id})
	return units, err
}

// InsertUnits inserts units whose paths the caller has computed (parents
// first), in batches, skipping ids already present. It returns how many
// rows it inserted. Bulk loads (the official catalogue) use it; a unit
// created one at a time goes through CreateUnit.
func (s *Store) InsertUnits(ctx context.Context, units []Unit) (int, error) {
	const batch = 500
	inserted := 0
	for len(units) > 0 {
		n := min(batch, len(units))
		chunk := units[:n]
		res, err := s.DB.NewInsert().Model(&chunk).On("CONFLICT (id) DO NOTHING").Exec(ctx)
		if err != nil {
			if isUniqueViolation(err) {
				return inserted, fmt.Errorf("insert units: %w", ErrConflict)
			}
			return inserted, fmt.Errorf("insert units: %w", err)
		}
		if k, err := res.RowsAffected(); err == nil {
			inserted += int(k)
		}
		units = units[n:]
	}
	return inserted, nil
}

// UnitsByCode reads the units that hold these codes, keyed by code.
func (s *Store) UnitsByCode(ctx context.Context, codes []string) (map[string]Unit, error) {
	out := make(map[string]Unit, len(codes))
	const batch = 5000
	for len(codes) > 0 {
		n := min(batch, len(codes))
		var units []Unit
		if err := s.DB.NewSelect().Model(&units).Where("code IN (?)", bun.In(codes[:n])).Scan(ctx); err != nil {
			return nil, fmt.Errorf("units by code: %w", err)
		}
		for _, u := range units {
			out[*u.Code] = u
		}
		codes = codes[n:]
	}
	return out, nil
}
