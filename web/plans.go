package web

// The plans list (GET /plans) and a plan's page (GET /plans/:id) with its
// ad hoc dialogue form (POST /plans/:id/dialogues).

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
)

type plnListItem struct {
	contract.PlanListItem
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
	var page contract.Page[contract.PlanListItem]
	if e := s.get(c, v, "/api/v1/plans", q, &page); e != nil {
		s.failed(c, v, e)
		return
	}
	_, names, _ := s.plnUnits(c, v, v.User.UnitID)
	for _, p := range page.Items {
		it := plnListItem{PlanListItem: p, UnitName: names[p.UnitID]}
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

type plnMonth struct {
	N         int
	Name      string
	Dialogues []plnDialogue
}

type plnShowData struct {
	plnFields
	Plan     plnPlanPage
	UnitName string
	Months   []plnMonth
	Kinds    []plnOpt
	Counts   []plnCount
	Coverage []plnLevelCoverage
}

var plnMonthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func (s *Server) plnShow(c *gin.Context, v *view) {
	s.plnShowRender(c, v, http.StatusOK, url.Values{"ad_kind": {domain.KindAdhoc}})
}

func (s *Server) plnShowRender(c *gin.Context, v *view, status int, form url.Values) {
	id := c.Param("id")
	var got contract.PlanView
	if e := s.get(c, v, "/api/v1/plans/"+url.PathEscape(id), nil, &got); e != nil {
		s.failed(c, v, e)
		return
	}
	p := plnPlanPage{PlanView: got, Dialogues: plnDialogues(got.Dialogues)}
	v.Title, v.Path = "plan.show_title", "/plans/"+id
	d := plnShowData{Plan: p, UnitName: s.plnUnitName(c, v, p.UnitID), Kinds: plnKindOpts, Coverage: s.plnCoverage(c, v, got)}
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
	var out contract.DialogueSummary
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
