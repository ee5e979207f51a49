package web

// The planner's pages: the plans of the user's units, a plan created by
// form or imported from a spreadsheet (import.go), a plan's calendar and
// list of dialogues, and a dialogue's page with its survey link, live
// survey counts, reschedule/cancel forms, the session record form and the
// follow-up tasks. Hosts, monitors and MTTQ read the same pages as far as
// the API lets them; every form goes through the API as the user.

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/planimport"
)

// ---------- what the API answers (the parts these pages show) ----------

type plnHost struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

type plnDialogue struct {
	ID                string     `json:"id"`
	PlanID            string     `json:"plan_id"`
	UnitID            string     `json:"unit_id"`
	Seq               int        `json:"seq"`
	Kind              string     `json:"kind"`
	Topic             string     `json:"topic"`
	Title             string     `json:"title"`
	ScheduledAt       time.Time  `json:"scheduled_at"`
	Place             string     `json:"place"`
	Hosts             []plnHost  `json:"hosts"`
	InvitedGroups     []string   `json:"invited_groups"`
	Phase             string     `json:"phase"`
	SurveyOpensAt     time.Time  `json:"survey_opens_at"`
	SurveyClosesAt    time.Time  `json:"survey_closes_at"`
	SessionDueBy      time.Time  `json:"session_due_by"`
	RescheduleCount   int        `json:"reschedule_count"`
	CancelReason      string     `json:"cancel_reason"`
	SessionRecordedAt *time.Time `json:"session_recorded_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	NextEvent         string     `json:"next_event"`
	NextEventAt       *time.Time `json:"next_event_at"`
}

// PhaseClass is the badge class of the dialogue's phase.
func (d plnDialogue) PhaseClass() string { return plnPhaseClass(d.Phase) }

// HostsText lists the hosts with their titles.
func (d plnDialogue) HostsText() string {
	parts := make([]string, 0, len(d.Hosts))
	for _, h := range d.Hosts {
		if h.Title != "" {
			parts = append(parts, h.Name+" ("+h.Title+")")
		} else {
			parts = append(parts, h.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// GroupsText lists the invited groups.
func (d plnDialogue) GroupsText() string { return strings.Join(d.InvitedGroups, "; ") }

// Day is the day of the month (Vietnam time).
func (d plnDialogue) Day() int { return d.ScheduledAt.In(domain.Location).Day() }

// Open says whether the dialogue may still be rescheduled or cancelled.
func (d plnDialogue) Open() bool {
	switch d.Phase {
	case domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession:
		return true
	}
	return false
}

type plnPlan struct {
	ID             string         `json:"id"`
	UnitID         string         `json:"unit_id"`
	Year           int            `json:"year"`
	ReferenceNo    string         `json:"reference_no"`
	IssuingBody    string         `json:"issuing_body"`
	Title          string         `json:"title"`
	Status         string         `json:"status"`
	CreatedBy      string         `json:"created_by"`
	CreatedAt      time.Time      `json:"created_at"`
	DialogueCounts map[string]int `json:"dialogue_counts"`
	Dialogues      []plnDialogue  `json:"dialogues"`
}

type plnUnit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	ParentID string `json:"parent_id"`
}

type plnSessionRecord struct {
	Session struct {
		HeldAt     time.Time `json:"held_at"`
		Chair      string    `json:"chair"`
		Attendance struct {
			Total  int            `json:"total"`
			Groups map[string]int `json:"groups"`
		} `json:"attendance"`
		Notes      string    `json:"notes"`
		RecordedBy string    `json:"recorded_by"`
		RecordedAt time.Time `json:"recorded_at"`
	} `json:"session"`
	Opinions []struct {
		Seq            int    `json:"seq"`
		Field          string `json:"field"`
		Content        string `json:"content"`
		Source         string `json:"source"`
		AnsweredOnSpot bool   `json:"answered_on_spot"`
		Answer         string `json:"answer"`
	} `json:"opinions"`
	Conclusions []struct {
		ID      string `json:"id"`
		Seq     int    `json:"seq"`
		Content string `json:"content"`
	} `json:"conclusions"`
}

type plnSurveySummary struct {
	Total   int `json:"total"`
	ByField []struct {
		Field string `json:"field"`
		Count int    `json:"count"`
	} `json:"by_field"`
	MainIssues []struct {
		Field   string `json:"field"`
		Content string `json:"content"`
		Count   int    `json:"count"`
	} `json:"main_issues"`
	ComputedAt time.Time `json:"computed_at"`
	Final      bool      `json:"final"`
}

type plnNotification struct {
	Recipient string    `json:"recipient"`
	Channel   string    `json:"channel"`
	Subject   string    `json:"subject"`
	SubjectEN string    `json:"subject_en"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

// Subj is the subject in the page language.
func (n plnNotification) Subj(lang string) string {
	if lang == "en" && n.SubjectEN != "" {
		return n.SubjectEN
	}
	return n.Subject
}

type plnDialogueView struct {
	plnDialogue
	Session       *plnSessionRecord `json:"session"`
	SurveySummary *plnSurveySummary `json:"survey_summary"`
	Notifications []plnNotification `json:"notifications"`
	SurveyLink    *struct {
		Token string `json:"token"`
		Path  string `json:"path"`
	} `json:"survey_link"`
}

type plnTask struct {
	ID              string    `json:"id"`
	ConclusionID    string    `json:"conclusion_id"`
	Title           string    `json:"title"`
	AssigneeAgency  string    `json:"assignee_agency"`
	AssigneeOfficer string    `json:"assignee_officer"`
	Monitor         string    `json:"monitor"`
	Status          string    `json:"status"`
	Overdue         bool      `json:"overdue"`
	EscalationLevel int       `json:"escalation_level"`
	DueAt           time.Time `json:"due_at"`
}

// StatusClass is the badge class of the task's status.
func (t plnTask) StatusClass() string {
	switch t.Status {
	case "done":
		return "ok"
	case "submitted":
		return "warn"
	}
	return ""
}

// ---------- shared helpers ----------

// plnPhases are the dialogue phases in lifecycle order.
var plnPhases = []string{domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession,
	domain.PhaseSessionRecorded, domain.PhaseClosed, domain.PhaseCancelled}

func plnPhaseClass(phase string) string {
	switch phase {
	case domain.PhaseSurveyOpen, domain.PhaseAwaitingSession:
		return "warn"
	case domain.PhaseSessionRecorded, domain.PhaseClosed:
		return "ok"
	case domain.PhaseCancelled:
		return "bad"
	}
	return ""
}

// plnFields gives templates the dictionary the "field" partial expects
// (it reads every key, so all are set).
type plnFields struct{}

// Field is a text-like input: name, label key, input type, required.
func (plnFields) Field(v *view, name, label, typ string, required bool) map[string]any {
	return map[string]any{"v": v, "name": name, "label": label, "type": typ, "required": required,
		"value": "", "min": "", "step": "", "rows": 3}
}

// Number is a number input with a minimum.
func (plnFields) Number(v *view, name, label string, required bool, min int) map[string]any {
	return map[string]any{"v": v, "name": name, "label": label, "type": "number", "required": required,
		"value": "", "min": strconv.Itoa(min), "step": "1", "rows": 3}
}

// plnOpt is a choice of a select.
type plnOpt struct {
	Value string
	// Key is a translation key for the label; Text a label as is.
	Key, Text string
}

// Select is the dictionary of the pages' own select partial.
func (plnFields) Select(v *view, name, label string, required bool, opts []plnOpt) map[string]any {
	return map[string]any{"v": v, "name": name, "label": label, "required": required, "opts": opts}
}

// plnRow is one repeated row of a form: its number (from 1) and the
// prefix of its field names.
type plnRow struct {
	N int
	P string
}

// plnUnitOpt is a unit offered in a select, indented under its parent.
type plnUnitOpt struct {
	ID, Name string
	Depth    int
}

var plnLevels = map[string]int{"province": 0, "district": 1, "commune": 2}

// plnUnits lists root and the units below it (as the user may see them)
// for a select.
func (s *Server) plnUnits(c *gin.Context, v *view, root string) ([]plnOpt, map[string]string, *apiError) {
	var page struct {
		Items []plnUnit `json:"items"`
	}
	q := url.Values{"subtree": {"true"}, "limit": {"500"}}
	if root != "" {
		q.Set("unit_id", root)
	}
	if e := s.get(c, v, "/api/v1/units", q, &page); e != nil {
		return nil, nil, e
	}
	base := -1
	opts := make([]plnOpt, 0, len(page.Items))
	names := map[string]string{}
	for _, u := range page.Items {
		lvl := plnLevels[u.Level]
		if base < 0 || lvl < base {
			base = lvl
		}
	}
	for _, u := range page.Items {
		names[u.ID] = u.Name
		opts = append(opts, plnOpt{Value: u.ID, Text: strings.Repeat("— ", max(0, plnLevels[u.Level]-base)) + u.Name})
	}
	return opts, names, nil
}

// plnUnitName reads a unit's name ("" when it cannot be read).
func (s *Server) plnUnitName(c *gin.Context, v *view, id string) string {
	var u plnUnit
	if id == "" || s.get(c, v, "/api/v1/units/"+url.PathEscape(id), nil, &u) != nil {
		return ""
	}
	return u.Name
}

// plnLocalLayout is the value of a datetime-local input.
const plnLocalLayout = "2006-01-02T15:04"

// plnInstant turns a datetime-local value (Vietnam time) into RFC 3339;
// "" stays "", and ok is false when the value is not a date and time.
func plnInstant(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	for _, layout := range []string{plnLocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, domain.Location); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	return "", false
}

// plnHosts pairs host names with titles given in the same order.
func plnHosts(names, titles string) []plnHost {
	ns, ts := planimport.SplitList(names), planimport.SplitList(titles)
	hs := make([]plnHost, 0, len(ns))
	for i, n := range ns {
		h := plnHost{Name: n}
		if i < len(ts) {
			h.Title = ts[i]
		}
		hs = append(hs, h)
	}
	return hs
}

// plnFormValues starts a form's values from defaults and lays what the
// user sent over them.
func plnFormValues(defaults url.Values, sent url.Values) url.Values {
	out := url.Values{}
	for k, vs := range defaults {
		out[k] = vs
	}
	for k, vs := range sent {
		if k == "csrf" || k == "idempotency_key" {
			continue
		}
		out[k] = vs
	}
	return out
}

// plnIndex reads "name[3]rest" into (name, 3, rest).
var plnIndexRe = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]\.?(.*)$`)

func plnIndex(field string) (string, int, string, bool) {
	m := plnIndexRe.FindStringSubmatch(field)
	if m == nil {
		return "", 0, "", false
	}
	i, err := strconv.Atoi(m[2])
	if err != nil {
		return "", 0, "", false
	}
	return m[1], i, m[3], true
}

// plnFieldErrors maps the API's field errors to form fields with mapf;
// errors of fields the form does not show ("" from mapf) are returned as
// lines for the form's message, so none is lost.
func plnFieldErrors(e *apiError, lang string, mapf func(string) string) (map[string]string, []string) {
	out := map[string]string{}
	var extra []string
	for _, f := range e.Fields {
		msg := f.Message
		if lang == "en" && f.MessageEN != "" {
			msg = f.MessageEN
		}
		name := mapf(f.Field)
		if name == "" {
			extra = append(extra, f.Field+": "+msg)
			continue
		}
		if _, ok := out[name]; !ok {
			out[name] = msg
		}
	}
	return out, extra
}

// plnFormError is the message over a form refused by the API.
func plnFormError(v *view, e *apiError, extra []string) string {
	msg := v.T("err.form")
	if len(e.Fields) == 0 {
		msg = e.Msg(v.Lang)
	}
	if len(extra) > 0 {
		msg += " " + strings.Join(extra, "; ")
	}
	return msg
}

// ---------- dialogue rows (plan form, ad hoc dialogue) ----------

// plnDialogueReq is a dialogue as the API takes it.
type plnDialogueReq struct {
	ScheduledAt   string    `json:"scheduled_at,omitempty"`
	Kind          string    `json:"kind,omitempty"`
	Topic         string    `json:"topic,omitempty"`
	Title         string    `json:"title,omitempty"`
	Place         string    `json:"place,omitempty"`
	Hosts         []plnHost `json:"hosts,omitempty"`
	InvitedGroups []string  `json:"invited_groups,omitempty"`
}

// plnReadDialogue reads the dialogue fields named prefix+"at", "kind",
// "topic", "place", "host", "host_title", "groups"; empty says the row was
// left blank (the kind select always has a value, so it does not count).
func plnReadDialogue(v *view, form url.Values, prefix string, errs map[string]string) (plnDialogueReq, bool) {
	get := func(k string) string { return strings.TrimSpace(form.Get(prefix + k)) }
	d := plnDialogueReq{Kind: get("kind"), Topic: get("topic"), Title: get("title"), Place: get("place"),
		Hosts: plnHosts(form.Get(prefix+"host"), form.Get(prefix+"host_title")), InvitedGroups: planimport.SplitList(form.Get(prefix + "groups"))}
	empty := get("at") == "" && d.Topic == "" && d.Title == "" && d.Place == "" && get("host") == "" && get("host_title") == "" && get("groups") == ""
	at, ok := plnInstant(get("at"))
	if !ok {
		errs[prefix+"at"] = v.T("plan.err_datetime")
	}
	d.ScheduledAt = at
	return d, empty
}

// plnDialogueField maps a dialogue's API field (without its list prefix)
// to the row's form field.
func plnDialogueField(prefix, sub string) string {
	switch {
	case sub == "scheduled_at":
		return prefix + "at"
	case sub == "kind", sub == "topic", sub == "place", sub == "title":
		return prefix + sub
	case sub == "hosts", strings.HasPrefix(sub, "hosts[") && strings.HasSuffix(sub, ".name"):
		return prefix + "host"
	case strings.HasPrefix(sub, "hosts["):
		return prefix + "host_title"
	case strings.HasPrefix(sub, "invited_groups"):
		return prefix + "groups"
	}
	return ""
}

var plnKindOpts = []plnOpt{{Value: domain.KindPeriodic, Key: "plan.kind_periodic"}, {Value: domain.KindThematic, Key: "plan.kind_thematic"}, {Value: domain.KindAdhoc, Key: "plan.kind_adhoc"}}

// ---------- GET /plans ----------

type plnListItem struct {
	plnPlan
	UnitName string
	Counts   []plnCount
}

type plnCount struct {
	Phase, Class string
	N            int
}

type plnListData struct {
	Items       []plnListItem
	Total       int
	From, To    int
	Prev, Next  string
	Year        string
	YearInvalid bool
}

const plnPageSize = 20

func (s *Server) plnList(c *gin.Context, v *view) {
	v.Title = "plan.list_title"
	q := url.Values{"subtree": {"true"}, "limit": {strconv.Itoa(plnPageSize)}}
	if v.User.UnitID != "" {
		q.Set("unit_id", v.User.UnitID)
	}
	d := plnListData{}
	v.Form = url.Values{}
	if y := strings.TrimSpace(c.Query("year")); y != "" {
		v.Form.Set("year", y)
		if n, err := strconv.Atoi(y); err == nil && n >= 2000 && n <= 2100 {
			q.Set("year", y)
			d.Year = y
		} else {
			v.Errors = map[string]string{"year": v.T("plan.err_year")}
		}
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(0, offset)
	q.Set("offset", strconv.Itoa(offset))
	var page struct {
		Items []plnPlan `json:"items"`
		Total int       `json:"total"`
	}
	if e := s.get(c, v, "/api/v1/plans", q, &page); e != nil {
		s.failed(c, v, e)
		return
	}
	_, names, _ := s.plnUnits(c, v, v.User.UnitID)
	for _, p := range page.Items {
		it := plnListItem{plnPlan: p, UnitName: names[p.UnitID]}
		for _, ph := range plnPhases {
			if n := p.DialogueCounts[ph]; n > 0 {
				it.Counts = append(it.Counts, plnCount{Phase: ph, Class: plnPhaseClass(ph), N: n})
			}
		}
		d.Items = append(d.Items, it)
	}
	d.Total = page.Total
	if len(page.Items) > 0 {
		d.From, d.To = offset+1, offset+len(page.Items)
	}
	link := func(off int) string {
		lq := url.Values{}
		if d.Year != "" {
			lq.Set("year", d.Year)
		}
		if off > 0 {
			lq.Set("offset", strconv.Itoa(off))
		}
		if len(lq) == 0 {
			return "/plans"
		}
		return "/plans?" + lq.Encode()
	}
	if offset > 0 {
		d.Prev = link(max(0, offset-plnPageSize))
	}
	if offset+len(page.Items) < page.Total {
		d.Next = link(offset + plnPageSize)
	}
	v.Data = d
	s.render(c, http.StatusOK, "plans", v)
}

// ---------- GET /plans/new, POST /plans ----------

type plnNewData struct {
	plnFields
	Units []plnOpt
	Kinds []plnOpt
	Rows  []plnRow
	NRows int
}

const (
	plnDefaultRows = 3
	plnMaxFormRows = 100
)

// plnCreateReq is the body of POST /api/v1/plans.
type plnCreateReq struct {
	UnitID      string           `json:"unit_id"`
	Year        int              `json:"year"`
	ReferenceNo string           `json:"reference_no"`
	IssuingBody string           `json:"issuing_body"`
	Title       string           `json:"title,omitempty"`
	Policy      *plnPolicyReq    `json:"policy,omitempty"`
	Dialogues   []plnDialogueReq `json:"dialogues,omitempty"`
}

func (s *Server) plnNewPage(c *gin.Context, v *view) {
	def := url.Values{"unit_id": {v.User.UnitID}, "year": {strconv.Itoa(time.Now().In(domain.Location).Year())}}
	s.plnNewRender(c, v, http.StatusOK, plnFormValues(def, nil), plnDefaultRows)
}

func (s *Server) plnNewRender(c *gin.Context, v *view, status int, form url.Values, rows int) {
	v.Title, v.Path = "plan.new_title", "/plans/new"
	units, _, e := s.plnUnits(c, v, v.User.UnitID)
	if e != nil {
		s.failed(c, v, e)
		return
	}
	rows = min(max(rows, 1), plnMaxFormRows)
	d := plnNewData{Units: units, Kinds: plnKindOpts, NRows: rows}
	for i := 0; i < rows; i++ {
		p := fmt.Sprintf("d%d.", i)
		if form.Get(p+"kind") == "" {
			form.Set(p+"kind", domain.KindPeriodic)
		}
		d.Rows = append(d.Rows, plnRow{N: i + 1, P: p})
	}
	v.Form = form
	v.Data = d
	s.render(c, status, "plan_new", v)
}

// plnHeader reads the plan's header fields of a form; errs gets what is
// wrong before the API is asked.
func plnHeader(v *view, form url.Values, errs map[string]string) plnCreateReq {
	req := plnCreateReq{UnitID: strings.TrimSpace(form.Get("unit_id")), ReferenceNo: strings.TrimSpace(form.Get("reference_no")),
		IssuingBody: strings.TrimSpace(form.Get("issuing_body")), Title: strings.TrimSpace(form.Get("title"))}
	if y := strings.TrimSpace(form.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			errs["year"] = v.T("plan.err_year")
		}
		req.Year = n
	}
	return req
}

func (s *Server) plnCreate(c *gin.Context, v *view) {
	form := c.Request.PostForm
	rows, _ := strconv.Atoi(form.Get("rows"))
	if rows <= 0 {
		rows = plnDefaultRows
	}
	kept := plnFormValues(nil, form)
	if c.PostForm("add_row") != "" {
		s.plnNewRender(c, v, http.StatusOK, kept, rows+1)
		return
	}
	errs := map[string]string{}
	req := plnHeader(v, form, errs)
	var escOf []int
	req.Policy, escOf = plnReadPolicy(v, form, errs)
	// Row k of the request is form row rowOf[k] (blank rows are left out).
	var rowOf []int
	for i := 0; i < min(rows, plnMaxFormRows); i++ {
		d, empty := plnReadDialogue(v, form, fmt.Sprintf("d%d.", i), errs)
		if empty {
			continue
		}
		req.Dialogues = append(req.Dialogues, d)
		rowOf = append(rowOf, i)
	}
	if len(errs) > 0 {
		v.Errors, v.FormError = errs, v.T("err.form")
		s.plnNewRender(c, v, http.StatusUnprocessableEntity, kept, rows)
		return
	}
	var out plnPlan
	if e := s.call(c, v, http.MethodPost, "/api/v1/plans", req, &out); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			s.failed(c, v, e)
			return
		}
		status := e.Status
		var extra []string
		v.Errors, extra = plnFieldErrors(e, v.Lang, func(f string) string {
			if list, i, sub, ok := plnIndex(f); ok && list == "dialogues" && i < len(rowOf) {
				return plnDialogueField(fmt.Sprintf("d%d.", rowOf[i]), sub)
			}
			switch f {
			case "unit_id", "year", "reference_no", "issuing_body", "title":
				return f
			}
			return plnPolicyField(f, escOf)
		})
		v.FormError = plnFormError(v, e, extra)
		if e.Status == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity
		}
		s.plnNewRender(c, v, status, kept, rows)
		return
	}
	done(c, "/plans/"+out.ID, "plan_created")
}

// ---------- GET /plans/:id, POST /plans/:id/dialogues ----------

type plnMonth struct {
	N         int
	Name      string
	Dialogues []plnDialogue
}

type plnShowData struct {
	plnFields
	Plan     plnPlan
	UnitName string
	Months   []plnMonth
	Kinds    []plnOpt
	Counts   []plnCount
}

var plnMonthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func (s *Server) plnShow(c *gin.Context, v *view) {
	s.plnShowRender(c, v, http.StatusOK, url.Values{"ad_kind": {domain.KindAdhoc}})
}

func (s *Server) plnShowRender(c *gin.Context, v *view, status int, form url.Values) {
	id := c.Param("id")
	var p plnPlan
	if e := s.get(c, v, "/api/v1/plans/"+url.PathEscape(id), nil, &p); e != nil {
		s.failed(c, v, e)
		return
	}
	v.Title, v.Path = "plan.show_title", "/plans/"+id
	d := plnShowData{Plan: p, UnitName: s.plnUnitName(c, v, p.UnitID), Kinds: plnKindOpts}
	counts := map[string]int{}
	for m := 1; m <= 12; m++ {
		name := v.T("plan.month", m)
		if v.Lang == "en" {
			name = plnMonthsEN[m-1]
		}
		d.Months = append(d.Months, plnMonth{N: m, Name: name})
	}
	for _, dl := range p.Dialogues {
		counts[dl.Phase]++
		t := dl.ScheduledAt.In(domain.Location)
		if t.Year() == p.Year {
			d.Months[t.Month()-1].Dialogues = append(d.Months[t.Month()-1].Dialogues, dl)
		}
	}
	for _, ph := range plnPhases {
		if n := counts[ph]; n > 0 {
			d.Counts = append(d.Counts, plnCount{Phase: ph, Class: plnPhaseClass(ph), N: n})
		}
	}
	if form.Get("ad_kind") == "" {
		form.Set("ad_kind", domain.KindAdhoc)
	}
	v.Form = form
	v.Data = d
	s.render(c, status, "plan", v)
}

func (s *Server) plnAddDialogue(c *gin.Context, v *view) {
	id := c.Param("id")
	form := c.Request.PostForm
	kept := plnFormValues(nil, form)
	errs := map[string]string{}
	req, _ := plnReadDialogue(v, form, "ad_", errs)
	if len(errs) > 0 {
		v.Errors, v.FormError = errs, v.T("err.form")
		s.plnShowRender(c, v, http.StatusUnprocessableEntity, kept)
		return
	}
	var out plnDialogue
	if e := s.call(c, v, http.MethodPost, "/api/v1/plans/"+url.PathEscape(id)+"/dialogues", req, &out); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			s.failed(c, v, e)
			return
		}
		var extra []string
		v.Errors, extra = plnFieldErrors(e, v.Lang, func(f string) string { return plnDialogueField("ad_", f) })
		v.FormError = plnFormError(v, e, extra)
		status := e.Status
		if status == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity
		}
		s.plnShowRender(c, v, status, kept)
		return
	}
	done(c, "/plans/"+id, "dlg_added")
}

// ---------- GET /dialogues/:id and its forms ----------

type plnShowDialogue struct {
	plnFields
	D          plnDialogueView
	UnitName   string
	SurveyURL  string
	Summary    *plnSurveySummary
	SummaryAPI string
	Live       bool
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
	var dv plnDialogueView
	if e := s.get(c, v, "/api/v1/dialogues/"+url.PathEscape(id), nil, &dv); e != nil {
		s.failed(c, v, e)
		return
	}
	v.Title, v.Path = "dlg.title", "/dialogues/"+id
	d := plnShowDialogue{D: dv, UnitName: s.plnUnitName(c, v, dv.UnitID), NOp: n.op, NCon: n.con, NTask: n.task,
		Sources: []plnOpt{{Value: domain.SourceFloor, Key: "dlg.source_floor"}, {Value: domain.SourceSurvey, Key: "dlg.source_survey"}}}
	if dv.SurveyLink != nil {
		tok := dv.SurveyLink.Token
		if tok == "" {
			tok = dv.SurveyLink.Path[strings.LastIndex(dv.SurveyLink.Path, "/")+1:]
		}
		d.SurveyURL = s.plnBaseURL(c) + "/s/" + url.PathEscape(tok)
	}
	// Survey counts: planners, hosts and MTTQ may read them.
	if v.Has("planner") || v.Has("host") || v.Has("mttq") {
		var sum plnSurveySummary
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
		var page struct {
			Items []plnTask `json:"items"`
		}
		if e := s.get(c, v, "/api/v1/tasks", url.Values{"dialogue_id": {dv.ID}, "limit": {"500"}}, &page); e != nil {
			d.TasksError = e.Msg(v.Lang)
		} else {
			d.Tasks = page.Items
		}
	}
	def := url.Values{"rs_at": {v.InputTime(dv.ScheduledAt)}, "rs_place": {dv.Place}}
	if v.Has("planner") && dv.Phase == domain.PhaseAwaitingSession {
		units, _, e := s.plnUnits(c, v, dv.UnitID)
		if e == nil {
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
type (
	plnAttendanceReq struct {
		Total  *int           `json:"total"`
		Groups map[string]int `json:"groups,omitempty"`
	}
	plnOpinionReq struct {
		Field          string `json:"field"`
		Content        string `json:"content"`
		Source         string `json:"source"`
		AnsweredOnSpot bool   `json:"answered_on_spot"`
		Answer         string `json:"answer,omitempty"`
	}
	plnAssigneeReq struct {
		Agency  string `json:"agency"`
		Officer string `json:"officer,omitempty"`
		UnitID  string `json:"unit_id,omitempty"`
	}
	plnTaskReq struct {
		Title            string         `json:"title"`
		Assignee         plnAssigneeReq `json:"assignee"`
		Monitor          string         `json:"monitor,omitempty"`
		DueAt            string         `json:"due_at,omitempty"`
		DueInWorkingDays *int           `json:"due_in_working_days,omitempty"`
	}
	plnConclusionReq struct {
		Content string       `json:"content"`
		Tasks   []plnTaskReq `json:"tasks,omitempty"`
	}
	plnSessionReq struct {
		HeldAt      string             `json:"held_at,omitempty"`
		Chair       string             `json:"chair,omitempty"`
		Attendance  *plnAttendanceReq  `json:"attendance,omitempty"`
		Opinions    []plnOpinionReq    `json:"opinions,omitempty"`
		Conclusions []plnConclusionReq `json:"conclusions,omitempty"`
		Notes       string             `json:"notes,omitempty"`
	}
)

// plnSessionMap says which form row each list item of the request came
// from, to put the API's errors next to the right fields.
type plnSessionMap struct {
	opinions    []int
	conclusions []int
	tasks       [][]int
	groups      map[string]int
}

// plnReadSession reads the session form; blank rows are left out.
func plnReadSession(v *view, form url.Values, n plnSessionCounts, errs map[string]string) (plnSessionReq, plnSessionMap) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	var req plnSessionReq
	m := plnSessionMap{groups: map[string]int{}}
	at, ok := plnInstant(get("held_at"))
	if !ok {
		errs["held_at"] = v.T("plan.err_datetime")
	}
	req.HeldAt, req.Chair, req.Notes = at, get("chair"), get("notes")
	att := &plnAttendanceReq{}
	if t := get("attendance_total"); t != "" {
		if x, err := strconv.Atoi(t); err != nil {
			errs["attendance_total"] = v.T("dlg.err_number")
		} else {
			att.Total = &x
		}
	}
	for i := 0; i < plnGroupRows; i++ {
		p := fmt.Sprintf("grp%d.", i)
		name, cnt := get(p+"name"), get(p+"count")
		if cnt == "" {
			continue
		}
		x, err := strconv.Atoi(cnt)
		switch {
		case err != nil || x < 0:
			errs[p+"count"] = v.T("dlg.err_number")
		case name == "":
			errs[p+"name"] = v.T("dlg.err_group_name")
		default:
			if att.Groups == nil {
				att.Groups = map[string]int{}
			}
			att.Groups[name] += x
			m.groups[name] = i
		}
	}
	if att.Total != nil || att.Groups != nil {
		req.Attendance = att
	}
	for i := 0; i < n.op; i++ {
		p := fmt.Sprintf("op%d.", i)
		o := plnOpinionReq{Field: get(p + "field"), Content: get(p + "content"), Source: get(p + "source"),
			AnsweredOnSpot: form.Get(p+"answered") != "", Answer: get(p + "answer")}
		if o.Field == "" && o.Content == "" && o.Answer == "" {
			continue
		}
		req.Opinions = append(req.Opinions, o)
		m.opinions = append(m.opinions, i)
	}
	for i := 0; i < n.con; i++ {
		p := fmt.Sprintf("con%d.", i)
		k := plnConclusionReq{Content: get(p + "content")}
		var rows []int
		for j := 0; j < n.task; j++ {
			tp := fmt.Sprintf("%st%d.", p, j)
			t := plnTaskReq{Title: get(tp + "title"), Monitor: get(tp + "monitor"),
				Assignee: plnAssigneeReq{Agency: get(tp + "agency"), Officer: get(tp + "officer"), UnitID: get(tp + "unit")}}
			days, due := get(tp+"days"), get(tp+"due_at")
			if t.Title == "" && t.Monitor == "" && t.Assignee.Agency == "" && t.Assignee.Officer == "" && days == "" && due == "" {
				continue
			}
			if days != "" {
				if x, err := strconv.Atoi(days); err != nil {
					errs[tp+"days"] = v.T("dlg.err_number")
				} else {
					t.DueInWorkingDays = &x
				}
			}
			if at, ok := plnInstant(due); !ok {
				errs[tp+"due_at"] = v.T("plan.err_datetime")
			} else {
				t.DueAt = at
			}
			k.Tasks = append(k.Tasks, t)
			rows = append(rows, j)
		}
		if k.Content == "" && len(k.Tasks) == 0 {
			continue
		}
		req.Conclusions = append(req.Conclusions, k)
		m.conclusions = append(m.conclusions, i)
		m.tasks = append(m.tasks, rows)
	}
	return req, m
}

// field maps an API field of the session command to the form's field.
func (m plnSessionMap) field(f string) string {
	switch f {
	case "held_at", "chair", "notes":
		return f
	case "attendance", "attendance.total":
		return "attendance_total"
	}
	if g, ok := strings.CutPrefix(f, "attendance.groups."); ok {
		if i, ok := m.groups[g]; ok {
			return fmt.Sprintf("grp%d.count", i)
		}
		return "attendance_total"
	}
	list, i, sub, ok := plnIndex(f)
	if !ok {
		if f == "opinions" && len(m.opinions) > 0 {
			return fmt.Sprintf("op%d.field", m.opinions[0])
		}
		if f == "conclusions" && len(m.conclusions) > 0 {
			return fmt.Sprintf("con%d.content", m.conclusions[0])
		}
		return ""
	}
	switch list {
	case "opinions":
		if i >= len(m.opinions) {
			return ""
		}
		p := fmt.Sprintf("op%d.", m.opinions[i])
		switch sub {
		case "field", "content", "source", "answer":
			return p + sub
		case "answered_on_spot":
			return p + "answer"
		}
		return p + "content"
	case "conclusions":
		if i >= len(m.conclusions) {
			return ""
		}
		p := fmt.Sprintf("con%d.", m.conclusions[i])
		if sub == "content" || sub == "" || sub == "tasks" {
			return p + "content"
		}
		tl, j, tsub, ok := plnIndex(sub)
		if !ok || tl != "tasks" || j >= len(m.tasks[i]) {
			return p + "content"
		}
		tp := fmt.Sprintf("%st%d.", p, m.tasks[i][j])
		switch tsub {
		case "title", "monitor", "due_at":
			return tp + tsub
		case "due_in_working_days":
			return tp + "days"
		case "assignee", "assignee.agency":
			return tp + "agency"
		case "assignee.officer":
			return tp + "officer"
		case "assignee.unit_id":
			return tp + "unit"
		}
		return tp + "title"
	}
	return ""
}

func (s *Server) dlgSession(c *gin.Context, v *view) {
	form := c.Request.PostForm
	n := plnCounts(form)
	switch c.PostForm("add") {
	case "op":
		n.op = min(n.op+1, plnMaxOpinionRows)
	case "con":
		n.con = min(n.con+1, plnMaxConclusions)
	case "task":
		n.task = min(n.task+1, plnMaxTaskRows)
	default:
		errs := map[string]string{}
		req, m := plnReadSession(v, form, n, errs)
		if len(errs) > 0 {
			v.Errors, v.FormError = errs, v.T("err.form")
			s.dlgRender(c, v, http.StatusUnprocessableEntity, form, n)
			return
		}
		s.dlgCommand(c, v, "/session", req, "dlg_session", m.field, n)
		return
	}
	s.dlgRender(c, v, http.StatusOK, form, n)
}

// ---------- the plan's timing policy (create and import forms) ----------

// plnPolicyReq is the part of a plan's policy the forms set; what is left
// out takes the API's default.
type plnPolicyReq struct {
	SurveyLead          string             `json:"survey_lead,omitempty"`
	SurveyClose         string             `json:"survey_close,omitempty"`
	SessionGrace        string             `json:"session_grace,omitempty"`
	ReminderWorkingDays []int              `json:"reminder_working_days,omitempty"`
	Escalation          []plnEscalationReq `json:"escalation,omitempty"`
}

type plnEscalationReq struct {
	AfterWorkingDays *int     `json:"after_working_days,omitempty"`
	After            string   `json:"after,omitempty"`
	Recipients       []string `json:"recipients"`
}

// plnPolicyRungs is how many escalation rungs the forms offer.
const plnPolicyRungs = 3

// The policy's duration fields: form field, label key, API field, default.
var plnPolicyDurations = []struct {
	Name, Label, API string
	Default          func(domain.Policy) time.Duration
}{
	{"pol_lead", "plan.pol_lead", "policy.survey_lead", func(p domain.Policy) time.Duration { return p.SurveyLead }},
	{"pol_close", "plan.pol_close", "policy.survey_close", func(p domain.Policy) time.Duration { return p.SurveyClose }},
	{"pol_grace", "plan.pol_grace", "policy.session_grace", func(p domain.Policy) time.Duration { return p.SessionGrace }},
}

var plnDurationUnits = []plnOpt{{Value: "m", Key: "plan.pol_unit_m"}, {Value: "h", Key: "plan.pol_unit_h"}, {Value: "d", Key: "plan.pol_unit_d"}}

var plnEscalationUnits = []plnOpt{{Value: "wd", Key: "plan.pol_unit_wd"}, {Value: "min", Key: "plan.pol_unit_m"}}

var plnRecipients = []string{domain.RecipientAssignee, domain.RecipientMonitor, domain.RecipientMTTQ, domain.RecipientParentMTTQ, domain.RecipientParentPartyCommittee}

// plnDurationParts writes a default duration as a whole number of the
// largest unit that divides it.
func plnDurationParts(d time.Duration) (int, string) {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return int(d / (24 * time.Hour)), "d"
	case d > 0 && d%time.Hour == 0:
		return int(d / time.Hour), "h"
	}
	return int(d / time.Minute), "m"
}

// plnISO writes n units as an ISO 8601 duration.
func plnISO(n int, unit string) (string, bool) {
	switch unit {
	case "m":
		return fmt.Sprintf("PT%dM", n), true
	case "h":
		return fmt.Sprintf("PT%dH", n), true
	case "d":
		return fmt.Sprintf("P%dD", n), true
	}
	return "", false
}

// plnReadPolicy reads the timing fields of a form: nil when none was
// filled. escOf[k] is the form rung of the request's k-th rung.
func plnReadPolicy(v *view, form url.Values, errs map[string]string) (*plnPolicyReq, []int) {
	var p plnPolicyReq
	set := false
	num := func(name string, lo int) (int, bool) {
		s := strings.TrimSpace(form.Get(name))
		if s == "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > 100000 {
			if lo == 0 {
				errs[name] = v.T("plan.pol_err_whole")
			} else {
				errs[name] = v.T("plan.pol_err_positive")
			}
			return 0, false
		}
		return n, true
	}
	dst := []*string{&p.SurveyLead, &p.SurveyClose, &p.SessionGrace}
	for i, f := range plnPolicyDurations {
		if n, ok := num(f.Name, 1); ok {
			iso, ok := plnISO(n, form.Get(f.Name+"_unit"))
			if !ok {
				errs[f.Name] = v.T("plan.pol_err_unit")
				continue
			}
			*dst[i], set = iso, true
		}
	}
	if s := strings.TrimSpace(form.Get("pol_reminders")); s != "" {
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			n, err := strconv.Atoi(part)
			if err != nil || n < 1 {
				errs["pol_reminders"] = v.T("plan.pol_err_days")
				break
			}
			p.ReminderWorkingDays = append(p.ReminderWorkingDays, n)
		}
		set = set || len(p.ReminderWorkingDays) > 0
	}
	var escOf []int
	for i := 0; i < plnPolicyRungs; i++ {
		pre := fmt.Sprintf("pol_esc%d_", i)
		to := form[pre+"to"]
		if strings.TrimSpace(form.Get(pre+"n")) == "" {
			if len(to) > 0 {
				errs[pre+"n"] = v.T("plan.pol_err_after")
			}
			continue
		}
		n, ok := num(pre+"n", 0)
		if !ok {
			continue
		}
		r := plnEscalationReq{Recipients: append([]string{}, to...)}
		if form.Get(pre+"unit") == "min" {
			r.After = fmt.Sprintf("PT%dM", n)
		} else {
			r.AfterWorkingDays = &n
		}
		p.Escalation = append(p.Escalation, r)
		escOf = append(escOf, i)
		set = true
	}
	if !set {
		return nil, nil
	}
	return &p, escOf
}

// plnPolicyField maps an API policy field to the form field ("" when the
// forms do not show it).
func plnPolicyField(f string, escOf []int) string {
	for _, d := range plnPolicyDurations {
		if f == d.API {
			return d.Name
		}
	}
	rest, ok := strings.CutPrefix(f, "policy.")
	if !ok {
		return ""
	}
	if strings.HasPrefix(rest, "reminder_working_days") {
		return "pol_reminders"
	}
	if rest == "escalation" {
		return "pol_esc"
	}
	if list, i, sub, ok := plnIndex(rest); ok && list == "escalation" && i < len(escOf) {
		pre := fmt.Sprintf("pol_esc%d_", escOf[i])
		if strings.HasPrefix(sub, "recipients") {
			return pre + "to"
		}
		return pre + "n"
	}
	return ""
}

// plnPolicyView is what the "plnpolicy" template shows.
type plnPolicyView struct {
	V *view
	// Intro is the key of the text over the fields.
	Intro      string
	Open       bool
	Durations  []plnPolicyDur
	Reminders  string
	Rungs      []plnPolicyRung
	EscDefault string
}

type plnPolicyDur struct {
	Name, Label, Placeholder, Default, Unit string
	Units                                   []plnOpt
}

type plnPolicyRung struct {
	N          int
	P, Unit    string
	Units      []plnOpt
	Recipients []plnPolicyCheck
}

type plnPolicyCheck struct {
	Value, Key string
	Checked    bool
}

func plnRecipientKey(r string) string { return "plan.pol_to_" + r }

// Policy is the dictionary of the timing fieldset, from the form's values;
// intro is the key of the text over the fields.
func (plnFields) Policy(v *view, intro string) plnPolicyView {
	def := domain.DefaultPolicy()
	pv := plnPolicyView{V: v, Intro: intro}
	for k := range v.Errors {
		if strings.HasPrefix(k, "pol_") {
			pv.Open = true
		}
	}
	for k, vs := range v.Form {
		if strings.HasPrefix(k, "pol_") && !strings.HasSuffix(k, "_unit") && strings.TrimSpace(strings.Join(vs, "")) != "" {
			pv.Open = true
		}
	}
	for _, f := range plnPolicyDurations {
		n, unit := plnDurationParts(f.Default(def))
		cur := v.Val(f.Name + "_unit")
		if cur == "" {
			cur = unit
		}
		pv.Durations = append(pv.Durations, plnPolicyDur{Name: f.Name, Label: f.Label, Placeholder: strconv.Itoa(n),
			Default: v.T("plan.pol_default", fmt.Sprintf("%d %s", n, v.T("plan.pol_unit_"+unit))), Unit: cur, Units: plnDurationUnits})
	}
	days := make([]string, 0, len(def.ReminderWorkingDays))
	for _, d := range def.ReminderWorkingDays {
		days = append(days, strconv.Itoa(d))
	}
	pv.Reminders = strings.Join(days, ", ")
	var steps []string
	for _, st := range def.Escalation {
		var who []string
		for _, r := range st.Recipients {
			who = append(who, v.T(plnRecipientKey(r)))
		}
		when := v.T("plan.pol_at_deadline")
		if st.AfterWorkingDays > 0 {
			when = v.T("plan.pol_after_wd", st.AfterWorkingDays)
		}
		steps = append(steps, when+": "+strings.Join(who, ", "))
	}
	pv.EscDefault = strings.Join(steps, "; ")
	for i := 0; i < plnPolicyRungs; i++ {
		pre := fmt.Sprintf("pol_esc%d_", i)
		r := plnPolicyRung{N: i + 1, P: pre, Unit: v.Val(pre + "unit"), Units: plnEscalationUnits}
		if r.Unit == "" {
			r.Unit = "wd"
		}
		checked := map[string]bool{}
		for _, x := range v.Vals(pre + "to") {
			checked[x] = true
		}
		for _, rc := range plnRecipients {
			r.Recipients = append(r.Recipients, plnPolicyCheck{Value: rc, Key: plnRecipientKey(rc), Checked: checked[rc]})
		}
		pv.Rungs = append(pv.Rungs, r)
	}
	return pv
}
