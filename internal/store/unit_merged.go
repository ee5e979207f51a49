package store

import (
	"context"
	"fmt"

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
