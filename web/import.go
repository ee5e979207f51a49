package web

// The import page: a plan's header and policy from the form, its dialogues
// from an uploaded spreadsheet (parsed by internal/planimport); the plan is
// created in one API call with all its dialogues only when every row is
// valid, so nothing is ever half-imported.

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/planimport"
)

// impMaxRequest caps an upload request (the file and the form's fields);
// a larger one is refused before it is read.
const impMaxRequest = planimport.MaxBytes + 64<<10

type impData struct {
	plnFields
	Units    []plnOpt
	Problems []impProblem
	// Existing is the plan that already has this reference number.
	Existing string
}

// impProblem is an import error as the page shows it.
type impProblem struct {
	Row             int
	Column, Message string
}

func (s *Server) impPage(c *gin.Context, v *view) {
	def := url.Values{"unit_id": {v.User.UnitID}, "year": {strconv.Itoa(time.Now().In(domain.Location).Year())}}
	s.impRender(c, v, http.StatusOK, def, nil, "")
}

func (s *Server) impRender(c *gin.Context, v *view, status int, form url.Values, problems []planimport.Problem, existing string) {
	v.Title, v.Path = "imp.title", "/plans/import"
	units, _, e := s.plnUnits(c, v, v.User.UnitID)
	if e != nil {
		s.failed(c, v, e)
		return
	}
	d := impData{Units: units, Existing: existing}
	for _, p := range problems {
		d.Problems = append(d.Problems, impProblem{Row: p.Row, Column: impColumnName(v, p.Column), Message: impMessage(v, p)})
	}
	v.Form = form
	v.Data = d
	s.render(c, status, "plan_import", v)
}

// impColumnName is a column's header in the page language.
func impColumnName(v *view, col string) string {
	if col == "" {
		return ""
	}
	return v.T("imp.col_" + col)
}

// impMessage is an import error's text in the page language.
func impMessage(v *view, p planimport.Problem) string {
	if p.Message != "" {
		return p.Message
	}
	msg := v.T("imp.err_" + p.Code)
	if strings.Contains(msg, "%") {
		msg = v.T("imp.err_"+p.Code, p.Value)
	}
	return msg
}

// impSizeGuard refuses an upload too large to read, with the import's
// own message rather than a failed form.
func (s *Server) impSizeGuard(c *gin.Context) {
	if c.Request.ContentLength > impMaxRequest {
		s.renderError(c, http.StatusRequestEntityTooLarge, "imp.err_too_large")
	}
}

// impColumnOf maps a dialogue's API field to the import column.
func impColumnOf(sub string) string {
	switch {
	case sub == "scheduled_at":
		return planimport.ColDate
	case sub == "unit_id":
		return planimport.ColUnit
	case sub == "kind", sub == "topic", sub == "title", sub == "place":
		return sub
	case sub == "hosts", strings.HasPrefix(sub, "hosts[") && strings.HasSuffix(sub, ".name"):
		return planimport.ColHost
	case strings.HasPrefix(sub, "hosts["):
		return planimport.ColHostTitle
	case strings.HasPrefix(sub, "invited_groups"):
		return planimport.ColGroups
	}
	return ""
}

func (s *Server) impPost(c *gin.Context, v *view) {
	form := c.Request.PostForm
	kept := plnFormValues(nil, form)
	errs := map[string]string{}
	req := plnHeader(v, form, errs)
	var escOf []int
	req.Policy, escOf = plnReadPolicy(v, form, errs)
	for _, f := range []string{"unit_id", "year", "reference_no", "issuing_body"} {
		if strings.TrimSpace(form.Get(f)) == "" {
			errs[f] = v.T("imp.err_required")
		}
	}
	year := 0
	if _, bad := errs["year"]; !bad && req.Year >= 2000 && req.Year <= 2100 {
		year = req.Year
	}
	rows, problems := impReadFile(c, v, year, errs)
	if len(errs) == 0 && len(problems) == 0 {
		var e *contract.Error
		if problems, e = s.impResolveUnits(c, v, req.UnitID, rows); e != nil {
			s.failed(c, v, e)
			return
		}
	}
	if len(errs) > 0 || len(problems) > 0 {
		v.Errors, v.FormError = errs, v.T("imp.nothing_created")
		s.impRender(c, v, http.StatusUnprocessableEntity, kept, problems, "")
		return
	}
	req.Dialogues = impDialogues(rows)
	var out contract.PlanView
	if e := s.call(c, v, http.MethodPost, "/api/v1/plans", req, &out); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			s.failed(c, v, e)
			return
		}
		s.impRefused(c, v, e, kept, rows, escOf)
		return
	}
	done(c, "/plans/"+out.ID, "plan_imported")
}

// impResolveUnits finds the unit each row names (its unit column) among the
// plan's unit and the units below it, as the planner sees them.
func (s *Server) impResolveUnits(c *gin.Context, v *view, planUnit string, rows []planimport.Row) ([]planimport.Problem, *contract.Error) {
	named := false
	for _, r := range rows {
		named = named || strings.TrimSpace(r.Unit) != ""
	}
	if !named {
		return nil, nil
	}
	units, e := s.subtreeUnits(c, v, planUnit)
	if e != nil {
		return nil, e
	}
	refs := make([]planimport.UnitRef, 0, len(units))
	for _, u := range units {
		code := ""
		if u.Code != nil {
			code = *u.Code
		}
		refs = append(refs, planimport.UnitRef{ID: u.ID, Code: code, Name: u.Name})
	}
	return planimport.Resolve(rows, refs), nil
}

// impReadUpload reads an uploaded file, at most the size cap.
func impReadUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, planimport.MaxBytes+1))
}

func (s *Server) impTemplateXLSX(c *gin.Context, v *view) {
	b, err := planimport.TemplateXLSX()
	if err != nil {
		s.Logger.Error("import template", zap.Error(err))
		s.renderError(c, http.StatusInternalServerError, "err.internal")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="mau-ke-hoach.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}

func (s *Server) impTemplateCSV(c *gin.Context, v *view) {
	c.Header("Content-Disposition", `attachment; filename="mau-ke-hoach.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", planimport.TemplateCSV())
}

// impDialogues are the imported rows as the API takes them.
func impDialogues(rows []planimport.Row) []contract.DialogueRequest {
	out := make([]contract.DialogueRequest, 0, len(rows))
	for _, r := range rows {
		d := contract.DialogueRequest{ScheduledAt: contract.TimestampOf(r.ScheduledAt.Format(time.RFC3339)), Kind: r.Kind, Topic: r.Topic,
			Title: r.Title, Place: r.Place, InvitedGroups: r.InvitedGroups, UnitID: r.UnitID}
		for _, h := range r.Hosts {
			d.Hosts = append(d.Hosts, contract.HostRequest{Name: h.Name, Title: h.Title})
		}
		out = append(out, d)
	}
	return out
}

// impReadFile reads and parses the uploaded file: a problem with the file
// as a whole goes in errs["file"], problems of rows come back.
func impReadFile(c *gin.Context, v *view, year int, errs map[string]string) (rows []planimport.Row, problems []planimport.Problem) {
	fh, err := c.FormFile("file")
	switch {
	case err != nil:
		errs["file"] = v.T("imp.err_no_file")
	case fh.Size > planimport.MaxBytes:
		errs["file"] = v.T("imp.err_too_large")
	default:
		data, err := impReadUpload(fh)
		if err != nil {
			errs["file"] = v.T("imp.err_unreadable")
			break
		}
		var perrs []planimport.Problem
		rows, perrs = planimport.Parse(fh.Filename, data, year)
		for _, p := range perrs {
			if p.Row == 0 {
				errs["file"] = strings.TrimSpace(errs["file"] + " " + impMessage(v, p))
			} else {
				problems = append(problems, p)
			}
		}
	}
	return rows, problems
}

// impRefused shows the form again after the API refused the plan: errors
// of a dialogue next to its spreadsheet row, of the header or policy next
// to their fields.
func (s *Server) impRefused(c *gin.Context, v *view, e *contract.Error, kept url.Values, rows []planimport.Row, escOf []int) {
	var problems []planimport.Problem
	var extra []string
	v.Errors = map[string]string{}
	for _, f := range e.Fields {
		msg := f.Message
		if v.Lang == "en" && f.MessageEN != "" {
			msg = f.MessageEN
		}
		if list, i, sub, ok := plnIndex(f.Field); ok && list == "dialogues" && i < len(rows) {
			problems = append(problems, planimport.Problem{Row: rows[i].Row, Column: impColumnOf(sub), Code: "api", Message: msg})
			continue
		}
		name := plnPolicyField(f.Field, escOf)
		switch f.Field {
		case "unit_id", "year", "reference_no", "issuing_body", "title":
			name = f.Field
		}
		switch {
		case name != "":
			if _, ok := v.Errors[name]; !ok {
				v.Errors[name] = msg
			}
		default:
			extra = append(extra, f.Field+": "+msg)
		}
	}
	existing := ""
	if id, ok := e.Details["plan_id"].(string); ok {
		existing = id
	}
	v.FormError = plnFormError(v, e, extra)
	if len(e.Fields) > 0 {
		v.FormError = v.T("imp.nothing_created")
		if len(extra) > 0 {
			v.FormError += " " + strings.Join(extra, "; ")
		}
	}
	status := e.Status
	if status == http.StatusBadRequest {
		status = http.StatusUnprocessableEntity
	}
	s.impRender(c, v, status, kept, problems, existing)
}
