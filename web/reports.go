package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/report"
)

// The supervision reports: a list (plans, recent dialogues, a roll-up
// form) and the report page — key figures, charts, the sections as tables,
// the exports, and for MTTQ the assessment and finalising.

// reportFormats are the export formats offered, in order.
var reportFormats = []string{"xlsx", "csv", "html", "json"}

// reportIndexData is the list of reports.
type reportIndexData struct {
	Plans     []contract.PlanListItem
	Dialogues []contract.DialogueSummary
	Units     []unitItem
	Levels    []string
	// Rollup is the roll-up form's values.
	Rollup url.Values
}

// recentPlans is how many plans the list reads the dialogues of.
const recentPlans = 10

func (s *Server) reportIndex(c *gin.Context, v *view) {
	s.renderReportIndex(c, v, http.StatusOK, nil)
}

func (s *Server) renderReportIndex(c *gin.Context, v *view, status int, rollup url.Values) {
	var plans contract.Page[contract.PlanListItem]
	if e := s.get(c, v, "/api/v1/plans", url.Values{"limit": {"100"}}, &plans); e != nil {
		s.failed(c, v, e)
		return
	}
	sort.SliceStable(plans.Items, func(i, j int) bool { return plans.Items[i].Year > plans.Items[j].Year })
	d := reportIndexData{Plans: plans.Items, Units: s.unitNames(c, v), Levels: unitLevels}
	// Recent dialogues: those with a recorded session in the latest plans
	// (the API lists dialogues by plan).
	for i, p := range plans.Items {
		if i >= recentPlans {
			break
		}
		var pv contract.PlanView
		if e := s.get(c, v, "/api/v1/plans/"+url.PathEscape(p.ID), nil, &pv); e != nil {
			continue
		}
		for _, dl := range pv.Dialogues {
			if dl.SessionRecordedAt != nil {
				d.Dialogues = append(d.Dialogues, dl)
			}
		}
	}
	sort.SliceStable(d.Dialogues, func(i, j int) bool { return d.Dialogues[i].ScheduledAt.After(d.Dialogues[j].ScheduledAt) })
	if len(d.Dialogues) > 20 {
		d.Dialogues = d.Dialogues[:20]
	}
	if rollup == nil {
		now := time.Now().In(domain.Location)
		rollup = url.Values{
			"unit_id": {v.User.UnitID},
			"from":    {strconv.Itoa(now.Year()) + "-01-01"},
			"to":      {strconv.Itoa(now.Year()+1) + "-01-01"},
		}
	}
	d.Rollup = rollup
	v.Form = rollup
	v.Title = "rep.title"
	v.Data = d
	s.render(c, status, "reports", v)
}

// reportPageData is the report page.
type reportPageData struct {
	Report  *report.Report
	View    *report.PageView
	Exports []reportExport
	// Self is this page's URL, where the forms come back to.
	Self      string
	CanAssess bool
	Final     bool
}

type reportExport struct {
	Format, URL string
}

func (s *Server) reportOfDialogue(c *gin.Context, v *view) {
	s.showReport(c, v, "/api/v1/dialogues/"+url.PathEscape(c.Param("id"))+"/report", nil, http.StatusOK)
}

func (s *Server) reportOfPlan(c *gin.Context, v *view) {
	s.showReport(c, v, "/api/v1/plans/"+url.PathEscape(c.Param("id"))+"/report", nil, http.StatusOK)
}

func (s *Server) reportByID(c *gin.Context, v *view) {
	s.showReport(c, v, "/api/v1/reports/"+url.PathEscape(c.Param("id")), nil, http.StatusOK)
}

// reportRollup shows a roll-up; a refused form goes back to the list with
// its errors.
func (s *Server) reportRollup(c *gin.Context, v *view) {
	in := url.Values{}
	for _, k := range []string{"unit_id", "from", "to", "level"} {
		if x := strings.TrimSpace(c.Query(k)); x != "" {
			in.Set(k, x)
		}
	}
	var r report.Report
	q := url.Values{"format": {"json"}}
	for k, vs := range in {
		q[k] = vs
	}
	if e := s.get(c, v, "/api/v1/reports", q, &r); e != nil {
		if e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity {
			v.Errors = fieldErrors(e, v.Lang, nil)
			v.FormError = v.T("err.form")
			s.renderReportIndex(c, v, http.StatusUnprocessableEntity, in)
			return
		}
		s.failed(c, v, e)
		return
	}
	s.renderReport(c, v, &r, http.StatusOK)
}

// showReport reads a report from the API (as JSON) and renders it.
func (s *Server) showReport(c *gin.Context, v *view, apiPath string, q url.Values, status int) {
	if q == nil {
		q = url.Values{}
	}
	q.Set("format", "json")
	var r report.Report
	if e := s.get(c, v, apiPath, q, &r); e != nil {
		s.failed(c, v, e)
		return
	}
	s.renderReport(c, v, &r, status)
}

func (s *Server) renderReport(c *gin.Context, v *view, r *report.Report, status int) {
	pv, err := report.Page(r, v.Lang)
	if err != nil {
		s.failed(c, v, internalError(err))
		return
	}
	self := *c.Request.URL
	sq := self.Query()
	sq.Del("ok")
	sq.Del("lang")
	self.RawQuery = sq.Encode()
	d := reportPageData{Report: r, View: pv, Self: self.RequestURI(), Final: r.Status == report.StatusFinal}
	d.CanAssess = v.Has(auth.RoleMTTQ) && !d.Final
	for _, f := range reportFormats {
		d.Exports = append(d.Exports, reportExport{Format: f,
			URL: "/api/v1/reports/" + url.PathEscape(r.ID) + "?" + url.Values{"format": {f}, "lang": {v.Lang}}.Encode()})
	}
	if c.Request.Method != http.MethodGet {
		d.Self = safeReportPath(c.PostForm("back"), r.ID)
	}
	v.Title = "rep.title"
	v.Data = d
	s.render(c, status, "report", v)
}

// safeReportPath keeps a form's way back on a report page.
func safeReportPath(back, id string) string {
	if strings.HasPrefix(back, "/reports/") && !strings.ContainsAny(back, "\\\r\n") && !strings.HasPrefix(back, "//") {
		return back
	}
	return "/reports/" + url.PathEscape(id)
}

func (s *Server) reportAssess(c *gin.Context, v *view) {
	id := c.Param("id")
	body := map[string]any{"assessment": c.PostForm("assessment")}
	if e := s.call(c, v, http.MethodPut, "/api/v1/reports/"+url.PathEscape(id)+"/assessment", body, nil); e != nil {
		s.reportRefused(c, v, e)
		return
	}
	done(c, safeReportPath(c.PostForm("back"), id), "rep_assessment")
}

func (s *Server) reportFinalise(c *gin.Context, v *view) {
	id := c.Param("id")
	if e := s.call(c, v, http.MethodPost, "/api/v1/reports/"+url.PathEscape(id)+"/finalise", nil, nil); e != nil {
		s.reportRefused(c, v, e)
		return
	}
	done(c, safeReportPath(c.PostForm("back"), id), "rep_final")
}

// reportRefused shows the report again with the API's refusal.
func (s *Server) reportRefused(c *gin.Context, v *view, e *contract.Error) {
	status := keepRefusedForm(c, v, e, nil)
	if status == 0 {
		s.failed(c, v, e)
		return
	}
	var r report.Report
	if e2 := s.get(c, v, "/api/v1/reports/"+url.PathEscape(c.Param("id")), url.Values{"format": {"json"}}, &r); e2 != nil {
		s.failed(c, v, e2)
		return
	}
	s.renderReport(c, v, &r, status)
}
