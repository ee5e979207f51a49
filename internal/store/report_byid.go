package store

import (
	"context"
	"fmt"

	"github.com/doithoai/doithoai/internal/report"
)

// GetReportByID reads one report version by its id.
func (s *Store) GetReportByID(ctx context.Context, id string) (*report.Report, error) {
	row := new(reportRow)
	if err := s.DB.NewSelect().Model(row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("get report %s", id))
	}
	return row.report(), nil
}
