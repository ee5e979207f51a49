package web

// A dialogue's page (GET /dialogues/:id) and its commands: reschedule,
// cancel.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
)

type plnShowDialogue struct {
	plnFields
	D          dlgView
	UnitName   string
	SurveyURL  string
	Summary    *store.SurveySummary
	SummaryAPI string
	Live       bool
	// PublicPath is the dialogue's public page while it is published.
	PublicPath string
	Tasks      []plnTask
	TasksError string
	// The session form, for planners while the dialogue awaits it.
	SessionForm bool
	Units       []plnOpt
	Sources     []plnOpt
	Groups      []plnRow
	Opinions    []plnRow
	Conclusions []plnConclusionRow
	NOp         int
	NCon        int
	NTask       int
	Fields      []string
}

type plnConclusionRow struct {
	plnRow
	Tasks []plnRow
}

// Default and maximum numbers of rows of the session form.
const (
	plnOpinionRows    = 5
	plnConclusionRows = 3
	plnTaskRows       = 2
	plnGroupRows      = 4
	plnMaxOpinionRows = 200
	plnMaxConclusions = 50
	plnMaxTaskRows    = 20
)

// plnCommonFields are offered as suggestions for an opinion's field.
var plnCommonFields = []string{"Đất đai", "Môi trường", "Giao thông", "Chính sách xã hội", "Y tế", "Giáo dục", "An ninh trật tự", "Xây dựng", "Kinh tế"}

type plnSessionCounts struct{ op, con, task int }

func plnCounts(form url.Values) plnSessionCounts {
	n := func(k string, def, hi int) int {
		x, err := strconv.Atoi(form.Get(k))
		if err != nil || x < 1 {
			x = def
		}
		return min(x, hi)
	}
	return plnSessionCounts{op: n("n_op", plnOpinionRows, plnMaxOpinionRows), con: n("n_con", plnConclusionRows, plnMaxConclusions),
		task: n("n_task", plnTaskRows, plnMaxTaskRows)}
}

func (s *Server) dlgShow(c *gin.Context, v *view) {
	s.dlgRender(c, v, http.StatusOK, nil, plnSessionCounts{op: plnOpinionRows, con: plnConclusionRows, task: plnTaskRows})
}

// dlgRender shows the dialogue; sent is what the user sent with a form
// that comes back (nil on a plain GET).
func (s *Server) dlgRender(c *gin.Context, v *view, status int, sent url.Values, n plnSessionCounts) {
	id := c.Param("id")
	var got contract.DialogueView
	if e := s.get(c, v, "/api/v1/dialogues/"+url.PathEscape(id), nil, &got); e != nil {
		s.failed(c, v, e)
		return
	}
	dv := dlgViewOf(got)
	v.Title, v.Path = "dlg.title", "/dialogues/"+id
	d := plnShowDialogue{D: dv, UnitName: s.plnUnitName(c, v, dv.UnitID), NOp: n.op, NCon: n.con, NTask: n.task,
		Sources: []plnOpt{{Value: domain.SourceFloor, Key: "dlg.source_floor"}, {Value: domain.SourceSurvey, Key: "dlg.source_survey"}}}
	if dv.PublicCode != nil && dv.PublishedAt != nil {
		d.PublicPath = "/cong-khai/" + receipt.Format(*dv.PublicCode)
	}
	if dv.SurveyLink != nil {
		tok := dv.SurveyLink.Token
		if tok == "" {
			tok = dv.SurveyLink.Path[strings.LastIndex(dv.SurveyLink.Path, "/")+1:]
		}
		d.SurveyURL = s.plnBaseURL(c) + "/s/" + url.PathEscape(tok)
	}
	// Survey counts: planners, hosts and MTTQ may read them.
	if v.Has("planner") || v.Has("host") || v.Has("mttq") {
		var sum store.SurveySummary
		path := "/api/v1/dialogues/" + url.PathEscape(dv.ID) + "/survey/summary"
		if s.get(c, v, path, nil, &sum) == nil {
			d.Summary = &sum
			d.SummaryAPI = path
			d.Live = dv.Phase == domain.PhaseSurveyOpen
		}
	}
	if d.Summary == nil && dv.SurveySummary != nil {
		// Monitors read the closed survey's summary with the dialogue.
		d.Summary = dv.SurveySummary
	}
	if dv.Session != nil {
		var page contract.TaskPage
		if e := s.get(c, v, "/api/v1/tasks", url.Values{"dialogue_id": {dv.ID}, "limit": {"500"}}, &page); e != nil {
			d.TasksError = e.Msg(v.Lang)
		} else {
			for _, t := range page.Items {
				d.Tasks = append(d.Tasks, plnTask{t})
			}
		}
	}
	def := url.Values{"rs_at": {v.InputTime(dv.ScheduledAt)}, "rs_place": {dv.Place}}
	if v.Has("planner") && dv.Phase == domain.PhaseAwaitingSession {
		units, _, e := s.plnUnits(c, v, dv.UnitID)
		if e == nil {
			plnSessionForm(v, &d, def, dv, units, n)
		}
	}
	v.Form = plnFormValues(def, sent)
	v.Data = d
	s.render(c, status, "dialogue", v)
}

// plnBaseURL is this site's address as the browser reached it.
func (s *Server) plnBaseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || s.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// dlgCommand sends a dialogue command and handles its answer: back to the
// page with a message, or the form again with the API's errors.
func (s *Server) dlgCommand(c *gin.Context, v *view, path string, body any, flash string, mapf func(string) string, n plnSessionCounts) {
	id := c.Param("id")
	if e := s.call(c, v, http.MethodPost, "/api/v1/dialogues/"+url.PathEscape(id)+path, body, nil); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			s.failed(c, v, e)
			return
		}
		var extra []string
		v.Errors, extra = plnFieldErrors(e, v.Lang, mapf)
		v.FormError = plnFormError(v, e, extra)
		status := e.Status
		if status == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity
		}
		s.dlgRender(c, v, status, c.Request.PostForm, n)
		return
	}
	done(c, "/dialogues/"+id, flash)
}

func (s *Server) dlgReschedule(c *gin.Context, v *view) {
	form := c.Request.PostForm
	at, ok := plnInstant(form.Get("rs_at"))
	n := plnCounts(form)
	if !ok {
		v.Errors, v.FormError = map[string]string{"rs_at": v.T("plan.err_datetime")}, v.T("err.form")
		s.dlgRender(c, v, http.StatusUnprocessableEntity, form, n)
		return
	}
	body := map[string]any{}
	if at != "" {
		body["scheduled_at"] = at
	}
	if p := strings.TrimSpace(form.Get("rs_place")); p != "" {
		body["place"] = p
	}
	if r := strings.TrimSpace(form.Get("rs_reason")); r != "" {
		body["reason"] = r
	}
	s.dlgCommand(c, v, "/reschedule", body, "dlg_rescheduled", func(f string) string {
		switch f {
		case "scheduled_at":
			return "rs_at"
		case "place":
			return "rs_place"
		case "reason":
			return "rs_reason"
		}
		return ""
	}, n)
}

// dlgPublish makes the dialogue's public page visible, or takes it down
// (published=no).
func (s *Server) dlgPublish(c *gin.Context, v *view) {
	on := c.PostForm("published") != "no"
	flash := "dlg_published"
	if !on {
		flash = "dlg_unpublished"
	}
	s.dlgCommand(c, v, "/publish", contract.PublishRequest{Published: &on}, flash, nil, plnCounts(c.Request.PostForm))
}

func (s *Server) dlgCancel(c *gin.Context, v *view) {
	body := map[string]any{"reason": strings.TrimSpace(c.PostForm("cancel_reason"))}
	s.dlgCommand(c, v, "/cancel", body, "dlg_cancelled", func(f string) string {
		if f == "reason" {
			return "cancel_reason"
		}
		return ""
	}, plnCounts(c.Request.PostForm))
}

// The session record as the API takes it.

// plnSessionForm sets up the session form on the dialogue's page: its rows
// and their defaults (def), the units tasks may go to, the field
// suggestions (the survey's fields first).
func plnSessionForm(v *view, d *plnShowDialogue, def url.Values, dv dlgView, units []plnOpt, n plnSessionCounts) {
	d.SessionForm = true
	d.Units = units
	def.Set("held_at", v.InputTime(dv.ScheduledAt))
	if len(dv.Hosts) > 0 {
		h := dv.Hosts[0]
		def.Set("chair", strings.TrimSuffix(h.Name+", "+h.Title, ", "))
	}
	for i := 0; i < n.op; i++ {
		d.Opinions = append(d.Opinions, plnRow{N: i + 1, P: fmt.Sprintf("op%d.", i)})
		def.Set(fmt.Sprintf("op%d.source", i), domain.SourceFloor)
	}
	for i := 0; i < n.con; i++ {
		cr := plnConclusionRow{plnRow: plnRow{N: i + 1, P: fmt.Sprintf("con%d.", i)}}
		for j := 0; j < n.task; j++ {
			p := fmt.Sprintf("con%d.t%d.", i, j)
			cr.Tasks = append(cr.Tasks, plnRow{N: j + 1, P: p})
			def.Set(p+"unit", dv.UnitID)
		}
		d.Conclusions = append(d.Conclusions, cr)
	}
	for i := 0; i < plnGroupRows; i++ {
		p := fmt.Sprintf("grp%d.", i)
		d.Groups = append(d.Groups, plnRow{N: i + 1, P: p})
		if i < len(dv.InvitedGroups) {
			def.Set(p+"name", dv.InvitedGroups[i])
		}
	}
	seen := map[string]bool{}
	if d.Summary != nil {
		for _, f := range d.Summary.ByField {
			if !seen[f.Field] {
				seen[f.Field] = true
				d.Fields = append(d.Fields, f.Field)
			}
		}
	}
	for _, f := range plnCommonFields {
		if !seen[f] {
			seen[f] = true
			d.Fields = append(d.Fields, f)
		}
	}
}
