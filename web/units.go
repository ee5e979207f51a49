package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// The administrator's units page: the units they may see and a form to add
// one below them.

// unitLevels are the administrative levels, top down.
var unitLevels = []string{"province", "district", "commune"}

// unitJSON is a unit as the API answers it.
type unitJSON struct {
	ID       string  `json:"id"`
	Code     *string `json:"code"`
	ParentID *string `json:"parent_id"`
	Level    string  `json:"level"`
	Name     string  `json:"name"`

	depth int
}

// Indent sets a unit off by its level, below the highest level listed.
func (u unitJSON) Indent() string { return strings.Repeat("— ", u.depth) }

// indentUnits sets each unit's depth below the highest level among them.
func indentUnits(us []unitJSON) []unitJSON {
	rank := func(level string) int { return slices.Index(unitLevels, level) }
	top := len(unitLevels)
	for _, u := range us {
		if r := rank(u.Level); r >= 0 {
			top = min(top, r)
		}
	}
	for i := range us {
		us[i].depth = max(rank(us[i].Level)-top, 0)
	}
	return us
}

type unitPageJSON struct {
	Items []unitJSON `json:"items"`
	Total int        `json:"total"`
}

// unitsData is the units page.
type unitsData struct {
	Units  []unitJSON
	Levels []string
}

func (s *Server) unitList(c *gin.Context, v *view) {
	s.renderUnits(c, v, http.StatusOK)
}

func (s *Server) renderUnits(c *gin.Context, v *view, status int) {
	var page unitPageJSON
	if e := s.get(c, v, "/api/v1/units", url.Values{"limit": {"500"}}, &page); e != nil {
		s.failed(c, v, e)
		return
	}
	v.Title = "unit.title"
	v.Data = unitsData{Units: indentUnits(page.Items), Levels: unitLevels}
	s.render(c, status, "units", v)
}

func (s *Server) unitCreate(c *gin.Context, v *view) {
	body := map[string]any{"name": c.PostForm("name"), "level": c.PostForm("level")}
	if p := strings.TrimSpace(c.PostForm("parent_id")); p != "" {
		body["parent_id"] = p
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
