package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// MoveDialogueUnit puts a dialogue of unit from under unit to (a merger),
// with the audit event; a dialogue no longer of from is left as it is.
func (s *Store) MoveDialogueUnit(ctx context.Context, dialogueID, from, to string, ev Event) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return changeTracked(ctx, tx, "dialogues", dialogueID, []string{"unit_id"}, ev, func() (bool, error) {
			res, err := tx.NewUpdate().Model((*Dialogue)(nil)).Set("unit_id = ?", to).Set("updated_at = now()").
				Where("id = ? AND unit_id = ?", dialogueID, from).Exec(ctx)
			if err != nil {
				return false, fmt.Errorf("move dialogue: %w", err)
			}
			n, _ := res.RowsAffected()
			return n > 0, nil
		})
	})
}

// OpenRecordsOf lists the dialogues not yet closed or cancelled, and the
// tasks not yet done or cancelled, that belong to unitID (a task also when
// its assignee works there).
func (s *Store) OpenRecordsOf(ctx context.Context, unitID string) (dialogues, tasks []string, err error) {
	err = s.DB.NewSelect().Model((*Dialogue)(nil)).Column("id").
		Where("unit_id = ? AND phase NOT IN ('closed', 'cancelled')", unitID).OrderExpr("id").Scan(ctx, &dialogues)
	if err != nil {
		return nil, nil, fmt.Errorf("open dialogues of unit: %w", err)
	}
	err = s.DB.NewSelect().Model((*Task)(nil)).Column("id").
		Where("(unit_id = ? OR assignee_unit_id = ?) AND status NOT IN ('done', 'cancelled')", unitID, unitID).OrderExpr("id").Scan(ctx, &tasks)
	if err != nil {
		return nil, nil, fmt.Errorf("open tasks of unit: %w", err)
	}
	return dialogues, tasks, nil
}

// MergedAmong returns, for each of ids that has merged into another unit,
// the name of the unit its records now live under (the end of its chain of
// successors). Units that have not merged are absent.
func (s *Store) MergedAmong(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID        string `bun:"id"`
		Successor string `bun:"successor"`
	}
	err := s.DB.NewRaw(`
WITH RECURSIVE chain AS (
    SELECT u.id AS start, u.successor_id AS next, 1 AS depth
    FROM units u WHERE u.id IN (?) AND u.successor_id IS NOT NULL
    UNION ALL
    SELECT c.start, u.successor_id, c.depth + 1
    FROM chain c JOIN units u ON u.id = c.next
    WHERE u.successor_id IS NOT NULL AND c.depth < 64
)
SELECT DISTINCT ON (c.start) c.start AS id, s.name AS successor
FROM chain c JOIN units s ON s.id = c.next
ORDER BY c.start, c.depth DESC`, bun.In(ids)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("merged units: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Successor
	}
	return out, nil
}

// PastUnit is a unit whose history a caller of a later unit reads: it has
// merged into a unit inside that caller's subtree (or inside the subtree
// of another such unit). Own says it merged, through its chain of
// successors, into the caller's unit itself.
type PastUnit struct {
	ID   string `bun:"id"`
	Path string `bun:"path"`
	Own  bool   `bun:"-"`
	// SuccessorID is the unit it merged into.
	SuccessorID string `bun:"successor_id"`
}

// PastUnitsOf lists the units whose records the users of unitID (path
// unitPath) read as history: every unit that merged into a unit of the
// subtree, then, transitively, every unit that merged into the subtree of
// one of those. A unit below a listed one is not listed itself (its path
// is under a listed path). Nothing when no merger touches the subtree.
func (s *Store) PastUnitsOf(ctx context.Context, unitID, unitPath string) ([]PastUnit, error) {
	var rows []PastUnit
	err := s.DB.NewRaw(`
WITH RECURSIVE past AS (
    SELECT p.id, p.path, p.successor_id
    FROM units p JOIN units s ON s.id = p.successor_id
    WHERE p.successor_id IS NOT NULL AND s.path LIKE ?
    UNION
    SELECT p.id, p.path, p.successor_id
    FROM past
    JOIN units s ON s.path LIKE past.path || '%' -- paths are ids and slashes
    JOIN units p ON p.successor_id = s.id
)
SELECT id, path, successor_id FROM past ORDER BY path`, escapeLike(unitPath)+"%").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("past units of %s: %w", unitID, err)
	}
	// Own: the chain of successors reaches unitID.
	own := map[string]bool{unitID: true}
	for changed := true; changed; {
		changed = false
		for i := range rows {
			if !rows[i].Own && own[rows[i].SuccessorID] {
				rows[i].Own, own[rows[i].ID], changed = true, true, true
			}
		}
	}
	// Keep the topmost paths only (rows are sorted by path, so a parent
	// comes before its subtree), except the own ones an officer needs.
	// Units inside the subtree itself are already seen through it.
	out := rows[:0]
	var last string
	for _, r := range rows {
		if !r.Own && (strings.HasPrefix(r.Path, unitPath) || last != "" && strings.HasPrefix(r.Path, last)) {
			continue
		}
		if last == "" || !strings.HasPrefix(r.Path, last) {
			last = r.Path
		}
		out = append(out, r)
	}
	return out, nil
}
