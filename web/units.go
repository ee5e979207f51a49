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

func init() {
	registrations = append(registrations, func(s *Server, r *gin.Engine) {
		r.GET("/units", s.page(s.unitList))
		r.POST("/units", s.page(s.unitCreate))
	})
	addMessages(map[string][2]string{
		"unit.title":          {"Đơn vị hành chính", "Administrative units"},
		"unit.intro":          {"Các đơn vị bạn quản lý. Thêm đơn vị cấp dưới bằng biểu mẫu bên dưới.", "The units you manage. Add a unit below one of them with the form underneath."},
		"unit.none":           {"Chưa có đơn vị nào.", "No units yet."},
		"unit.col_name":       {"Tên đơn vị", "Name"},
		"unit.col_level":      {"Cấp", "Level"},
		"unit.col_code":       {"Mã", "Code"},
		"unit.col_id":         {"Mã định danh (unit_id)", "Identifier (unit_id)"},
		"unit.add":            {"Thêm đơn vị", "Add a unit"},
		"unit.name":           {"Tên đơn vị", "Name"},
		"unit.level":          {"Cấp", "Level"},
		"unit.parent":         {"Đơn vị cấp trên", "Parent unit"},
		"unit.parent_none":    {"(không có — cấp tỉnh/thành phố)", "(none — a province or city)"},
		"unit.create":         {"Thêm đơn vị", "Add the unit"},
		"unit.level.province": {"Tỉnh, thành phố", "Province or city"},
		"unit.level.district": {"Quận, huyện, thị xã", "District"},
		"unit.level.commune":  {"Xã, phường, thị trấn", "Commune or ward"},
		"ok.unit_created":     {"Đã thêm đơn vị.", "The unit was added."},
	})
}

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
