package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

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
