package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
)

// The session form on a dialogue's page: POST /dialogues/:id/session.

// plnSessionMap says which form row each list item of the request came
// from, to put the API's errors next to the right fields.
type plnSessionMap struct {
	opinions    []int
	conclusions []int
	tasks       [][]int
	groups      map[string]int
}

// plnReadSession reads the session form; blank rows are left out.
func plnReadSession(v *view, form url.Values, n plnSessionCounts, errs map[string]string) (contract.SessionRequest, plnSessionMap) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	var req contract.SessionRequest
	m := plnSessionMap{groups: map[string]int{}}
	at, ok := plnInstant(get("held_at"))
	if !ok {
		errs["held_at"] = v.T("plan.err_datetime")
	}
	if at != "" {
		req.HeldAt = contract.TimestampOf(at)
	}
	req.Chair, req.Notes = get("chair"), get("notes")
	req.Attendance = plnReadAttendance(v, get, errs, m.groups)
	for i := 0; i < n.op; i++ {
		p := fmt.Sprintf("op%d.", i)
		o := contract.OpinionRequest{Field: get(p + "field"), Content: get(p + "content"), Source: get(p + "source"),
			AnsweredOnSpot: form.Get(p+"answered") != "", Answer: get(p + "answer"), SurveyReceipts: plnList(get(p + "receipts"))}
		if o.Field == "" && o.Content == "" && o.Answer == "" {
			continue
		}
		req.Opinions = append(req.Opinions, o)
		m.opinions = append(m.opinions, i)
	}
	for i := 0; i < n.con; i++ {
		k, rows := plnReadConclusion(v, get, fmt.Sprintf("con%d.", i), n.task, errs)
		if k.Content == "" && len(k.Tasks) == 0 {
			continue
		}
		req.Conclusions = append(req.Conclusions, k)
		m.conclusions = append(m.conclusions, i)
		m.tasks = append(m.tasks, rows)
	}
	// An opinion names the conclusions it led to by their numbers on the
	// form; blank conclusion rows are left out, so a number becomes the
	// conclusion's place among those sent.
	for j, i := range m.opinions {
		p := fmt.Sprintf("op%d.", i)
		for _, w := range plnList(get(p + "leads")) {
			k, err := strconv.Atoi(w)
			seq := slices.Index(m.conclusions, k-1) + 1
			if err != nil || k < 1 || seq == 0 {
				errs[p+"leads"] = v.T("dlg.err_leads", w)
				continue
			}
			req.Opinions[j].Conclusions = append(req.Opinions[j].Conclusions, seq)
		}
	}
	return req, m
}

// plnList splits a list typed in one field by commas, semicolons or
// spaces.
func plnList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
}

// plnReadAttendance reads the attendance fields (nil when none was
// filled); groups gets the form row of each group named.
func plnReadAttendance(v *view, get func(string) string, errs map[string]string, groups map[string]int) *contract.AttendanceRequest {
	att := &contract.AttendanceRequest{}
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
			groups[name] = i
		}
	}
	if att.Total == nil && att.Groups == nil {
		return nil
	}
	return att
}

// plnReadConclusion reads the conclusion with form prefix p and its task
// rows; rows are the form rows of the tasks kept.
func plnReadConclusion(v *view, get func(string) string, p string, nTask int, errs map[string]string) (contract.ConclusionRequest, []int) {
	k := contract.ConclusionRequest{Content: get(p + "content")}
	var rows []int
	for j := 0; j < nTask; j++ {
		tp := fmt.Sprintf("%st%d.", p, j)
		t, blank := plnReadTask(v, get, tp, errs)
		if blank {
			continue
		}
		k.Tasks = append(k.Tasks, t)
		rows = append(rows, j)
	}
	return k, rows
}

// plnReadTask reads the task row with form prefix tp; blank says it was
// left empty.
func plnReadTask(v *view, get func(string) string, tp string, errs map[string]string) (contract.TaskRequest, bool) {
	t := contract.TaskRequest{Title: get(tp + "title"), Monitor: get(tp + "monitor"),
		Assignee: &contract.AssigneeRequest{Agency: get(tp + "agency"), Officer: get(tp + "officer"), UnitID: get(tp + "unit")}}
	days, due := get(tp+"days"), get(tp+"due_at")
	if t.Title == "" && t.Monitor == "" && t.Assignee.Agency == "" && t.Assignee.Officer == "" && days == "" && due == "" {
		return t, true
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
	} else if at != "" {
		t.DueAt = contract.TimestampOf(at)
	}
	return t, false
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
		switch {
		case strings.HasPrefix(sub, "survey_receipts"), strings.HasPrefix(sub, "survey_response_ids"):
			return p + "receipts"
		case strings.HasPrefix(sub, "conclusions"):
			return p + "leads"
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
