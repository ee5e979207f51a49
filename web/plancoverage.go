package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/report"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/unitmap"
)

// plnLevelCoverage is how the units of one level of a plan's area held
// their dialogues: "25/30 xã, phường, đặc khu", the units that held none,
// and a row per unit with dialogues in the plan.
type plnLevelCoverage struct {
	Level, Label string
	Ratio        string
	NotHeld      []string
	Units        []plnUnitCoverage
}

type plnUnitCoverage struct {
	ID, Name                  string
	Dialogues, Held, Canceled int
}

// plnCoverage is the plan's coverage by level, for a plan that schedules
// dialogues in units below its own; nil otherwise, or when the reader may
// not list the plan's area (a commune reading its province's plan).
func (s *Server) plnCoverage(c *gin.Context, v *view, p contract.PlanView) []plnLevelCoverage {
	below := false
	for _, d := range p.Dialogues {
		below = below || d.UnitID != p.UnitID
	}
	if !below {
		return nil
	}
	list, e := s.subtreeUnits(c, v, p.UnitID)
	if e != nil {
		return nil
	}
	units := map[string]store.Unit{}
	for _, u := range list {
		units[u.ID] = u
	}
	yearStart := time.Date(p.Year, time.January, 1, 0, 0, 0, 0, domain.Location)
	byUnit := map[string]*plnUnitCoverage{}
	levels := map[string]bool{}
	for _, d := range p.Dialogues {
		u, ok := units[d.UnitID]
		if !ok {
			continue
		}
		levels[u.Level] = true
		uc := byUnit[u.ID]
		if uc == nil {
			uc = &plnUnitCoverage{ID: u.ID, Name: u.Name}
			byUnit[u.ID] = uc
		}
		uc.Dialogues++
		switch d.Phase {
		case domain.PhaseSessionRecorded, domain.PhaseClosed:
			uc.Held++
		case domain.PhaseCancelled:
			uc.Canceled++
		}
	}
	var out []plnLevelCoverage
	for _, l := range unitmap.Levels() {
		if !levels[l.Name] {
			continue
		}
		lc := plnLevelCoverage{Level: l.Name, Label: l.LabelVI}
		if v.Lang == "en" {
			lc.Label = l.LabelEN
		}
		total, held := 0, 0
		for _, u := range units {
			if u.Level != l.Name || (u.MergedAt != nil && !u.MergedAt.After(yearStart)) {
				continue
			}
			total++
			if uc := byUnit[u.ID]; uc != nil && uc.Held > 0 {
				held++
			} else {
				lc.NotHeld = append(lc.NotHeld, u.Name)
			}
			if uc := byUnit[u.ID]; uc != nil {
				lc.Units = append(lc.Units, *uc)
			}
		}
		sort.Strings(lc.NotHeld)
		sort.Slice(lc.Units, func(i, j int) bool { return lc.Units[i].Name < lc.Units[j].Name })
		lc.Ratio = strconv.Itoa(held) + "/" + strconv.Itoa(total) + " " + report.LevelNameAt(l.Name, yearStart.AddDate(1, 0, 0))
		out = append(out, lc)
	}
	return out
}

// subtreeUnits lists a unit and every unit below it, as the reader may see
// them, page by page.
func (s *Server) subtreeUnits(c *gin.Context, v *view, unitID string) ([]store.Unit, *contract.Error) {
	var out []store.Unit
	for offset := 0; ; offset += 500 {
		var page contract.Page[store.Unit]
		q := url.Values{"unit_id": {unitID}, "subtree": {"true"}, "limit": {"500"}, "offset": {strconv.Itoa(offset)}}
		if e := s.call(c, v, http.MethodGet, "/api/v1/units?"+q.Encode(), nil, &page); e != nil {
			return nil, e
		}
		out = append(out, page.Items...)
		if len(page.Items) == 0 || offset+len(page.Items) >= page.Total {
			return out, nil
		}
	}
}
