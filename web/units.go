package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/unitmap"
)

// The administrator's units page: the units they may see and a form to add
// one below them.

// unitLevels are the levels a roll-up groups by, top down (the reports page).
var unitLevels = []string{"province", "district", "commune"}

// mapLevels are all the administrative levels, top down (internal/unitmap).
var mapLevels = unitmap.LevelNames()

// unitItem is a unit in a list, set off by its level.
type unitItem struct {
	store.Unit
	depth int
}

// Indent sets a unit off by its level, below the highest level listed.
func (u unitItem) Indent() string { return strings.Repeat("— ", u.depth) }

// indentUnits sets each unit's depth below the highest level among them.
func indentUnits(units []store.Unit) []unitItem {
	rank := func(level string) int { return slices.Index(mapLevels, level) }
	us := make([]unitItem, len(units))
	top := len(mapLevels)
	for i, u := range units {
		us[i].Unit = u
		if r := rank(u.Level); r >= 0 {
			top = min(top, r)
		}
	}
	for i := range us {
		us[i].depth = max(rank(us[i].Level)-top, 0)
	}
	return us
}

// unitsData is the units page.
type unitsData struct {
	Units  []unitItem
	Levels []string
	Kinds  []kindOption
}

// kindOption is a kind offered by the form (the API checks it fits the
// level chosen).
type kindOption struct{ Level, Name string }

// kindOptions lists every distinct kind once, by the first level that has
// it (thanh_pho reads "Thành phố trực thuộc trung ương" at province level).
func kindOptions() []kindOption {
	var out []kindOption
	seen := map[string]bool{}
	for _, l := range unitmap.Levels() {
		for _, k := range l.Kinds {
			if !seen[k.Name] {
				seen[k.Name] = true
				out = append(out, kindOption{l.Name, k.Name})
			}
		}
	}
	return out
}

func (s *Server) unitList(c *gin.Context, v *view) {
	s.renderUnits(c, v, http.StatusOK)
}

func (s *Server) renderUnits(c *gin.Context, v *view, status int) {
	var page contract.Page[store.Unit]
	if e := s.get(c, v, "/api/v1/units", url.Values{"limit": {"500"}}, &page); e != nil {
		s.failed(c, v, e)
		return
	}
	v.Title = "unit.title"
	v.Data = unitsData{Units: indentUnits(page.Items), Levels: mapLevels, Kinds: kindOptions()}
	s.render(c, status, "units", v)
}

func (s *Server) unitCreate(c *gin.Context, v *view) {
	body := contract.CreateUnitRequest{Name: c.PostForm("name"), Level: c.PostForm("level"), Kind: c.PostForm("kind")}
	if p := strings.TrimSpace(c.PostForm("parent_id")); p != "" {
		body.ParentID = &p
	}
	if e := s.call(c, v, http.MethodPost, "/api/v1/units", body, nil); e != nil {
		if status := keepRefusedForm(c, v, e, nil); status != 0 {
			s.renderUnits(c, v, status)
			return
		}
		s.failed(c, v, e)
		return
	}
	done(c, "/units", "unit_created")
}
