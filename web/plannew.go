package web

// The plan form: GET /plans/new, POST /plans.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
)

type plnNewData struct {
	plnFields
	Units []plnOpt
	// DialogueUnits are the units a dialogue may be held in: the plan's
	// unit (the empty value, the default) or one below it (the API checks
	// that the one chosen is in the plan unit's subtree).
	DialogueUnits []plnOpt
	Kinds         []plnOpt
	Rows          []plnRow
	NRows         int
}

const (
	plnDefaultRows = 3
	plnMaxFormRows = 100
)

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
	d := plnNewData{Units: units, Kinds: plnKindOpts, NRows: rows,
		DialogueUnits: append([]plnOpt{{Value: "", Key: "plan.d_unit_plan"}}, units...)}
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
func plnHeader(v *view, form url.Values, errs map[string]string) contract.CreatePlanRequest {
	req := contract.CreatePlanRequest{UnitID: strings.TrimSpace(form.Get("unit_id")), ReferenceNo: strings.TrimSpace(form.Get("reference_no")),
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
	var out contract.PlanView
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
