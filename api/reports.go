package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/report"
	"github.com/doithoai/doithoai/internal/store"
)

// Report export formats.
var reportFormats = map[string]struct{ contentType, ext string }{
	"json": {"application/json; charset=utf-8", "json"},
	"csv":  {"text/csv; charset=utf-8", "csv"},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	"html": {"text/html; charset=utf-8", "html"},
}

// reportFormat picks the format from ?format= or the Accept header.
func reportFormat(c *gin.Context) (string, error) {
	f := strings.ToLower(c.Query("format"))
	if f == "" {
		accept := c.GetHeader("Accept")
		switch {
		case strings.Contains(accept, "text/csv"):
			f = "csv"
		case strings.Contains(accept, "spreadsheetml"):
			f = "xlsx"
		case strings.Contains(accept, "text/html"):
			f = "html"
		default:
			f = "json"
		}
	}
	if f == "pdf" {
		return "", validationError(fieldErrorMsg("format", "invalid_enum",
			"Bản in được cung cấp dạng HTML sẵn sàng để in (format=html); dùng lệnh In của trình duyệt để lưu thành PDF.",
			"The printable report is print-ready HTML (format=html); use the browser's Print to save it as PDF."))
	}
	if _, ok := reportFormats[f]; !ok {
		return "", validationError(fieldErrorMsg("format", "invalid_enum", "Định dạng phải là json, csv, xlsx hoặc html.", "format must be json, csv, xlsx or html."))
	}
	return f, nil
}

// reportQuery reads the common options of the report GETs.
type reportQuery struct {
	format  string
	lang    string
	version int
	refresh bool
}

func readReportQuery(c *gin.Context) (reportQuery, error) {
	var q reportQuery
	var errs []contract.FieldError
	f, err := reportFormat(c)
	if err != nil {
		return q, err
	}
	q.format = f
	q.lang = c.DefaultQuery("lang", report.LangVI)
	if q.lang != report.LangVI && q.lang != report.LangEN {
		errs = append(errs, fieldErrorMsg("lang", "invalid_enum", "Ngôn ngữ phải là vi hoặc en.", "lang must be vi or en."))
	}
	if v := c.Query("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fieldError("version", "out_of_range"))
		}
		q.version = n
	}
	if v := c.Query("refresh"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fieldError("refresh", "invalid_boolean"))
		}
		q.refresh = b
	}
	if len(errs) > 0 {
		return q, validationError(errs...)
	}
	return q, nil
}

// currentReport returns the report of a scope: a given version as stored;
// otherwise the latest, recomputing the draft so its figures are current
// (a final version is returned as it is unless refresh asks for a new draft).
func (s *Server) currentReport(ctx context.Context, scope report.Scope, q reportQuery) (*report.Report, error) {
	key := store.ScopeKey(scope)
	if q.version > 0 {
		r, err := s.Store.GetReport(ctx, key, q.version)
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFoundError("phiên bản báo cáo", "Report version")
		}
		return r, err
	}
	latest, err := s.Store.GetReport(ctx, key, 0)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if latest != nil && latest.Status == report.StatusFinal && !q.refresh {
		return latest, nil
	}
	data, err := s.Store.ComputeReport(ctx, scope, s.now())
	if err != nil {
		if errors.Is(err, store.ErrInvalidScope) {
			return nil, validationError(fieldErrorMsg("scope", "invalid_value", "Phạm vi báo cáo không hợp lệ.", "Invalid report scope: "+err.Error()))
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFoundError("đối tượng báo cáo", "Report subject")
		}
		return nil, err
	}
	return s.Store.SaveDraft(ctx, store.ScopeKey(data.Scope), data)
}

// writeReport answers with the report in the asked format.
func (s *Server) writeReport(c *gin.Context, r *report.Report, q reportQuery) {
	c.Header("X-Report-Id", r.ID)
	c.Header("X-Report-Version", strconv.Itoa(r.Version))
	c.Header("X-Report-Status", r.Status)
	var buf bytes.Buffer
	var err error
	switch q.format {
	case "json":
		c.JSON(http.StatusOK, r)
		return
	case "csv":
		err = report.WriteCSV(&buf, r)
	case "xlsx":
		err = report.WriteXLSX(&buf, r)
	case "html":
		err = report.WriteHTML(&buf, r, q.lang)
	}
	if err != nil {
		abort(c, fmt.Errorf("render report: %w", err))
		return
	}
	f := reportFormats[q.format]
	if q.format == "html" {
		c.Header("Content-Security-Policy", reportCSP)
	}
	if q.format != "html" {
		name := fmt.Sprintf("bao-cao-giam-sat-%s-v%d.%s", strings.ReplaceAll(r.ScopeKey, "/", "-"), r.Version, f.ext)
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	}
	c.Data(http.StatusOK, f.contentType, buf.Bytes())
}

func (s *Server) getDialogueReport(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	s.serveScopeReport(c, report.Scope{Kind: report.KindDialogue, DialogueID: d.ID})
}

func (s *Server) getPlanReport(c *gin.Context) {
	p, ok := s.loadPlan(c)
	if !ok {
		return
	}
	s.serveScopeReport(c, report.Scope{Kind: report.KindPlan, PlanID: p.ID})
}

// getRollup answers GET /reports: a roll-up for a unit subtree over a
// period (from inclusive, to exclusive, dates in Vietnam time), optionally
// for one level of units.
func (s *Server) getRollup(c *gin.Context) {
	var errs []contract.FieldError
	unitID := uuidQuery(c, "unit_id", &errs)
	if c.Query("unit_id") == "" {
		errs = append(errs, fieldError("unit_id", "required"))
	}
	from, to := periodParams(c, true, &errs)
	mapOf := c.Query("map")
	if mapOf != "" && mapOf != report.MapToday && mapOf != report.MapOfTime {
		errs = append(errs, fieldErrorMsg("map", "invalid_enum", "Bản đồ phải là today (hiện nay) hoặc time (tại thời điểm).",
			"map must be today or time."))
	}
	level := c.Query("level")
	if level != "" && levelRank[level] == 0 {
		errs = append(errs, fieldError("level", "invalid_enum"))
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	// A unit outside the caller's reach answers as one that does not exist.
	if ok, err := s.canOnUnit(c, kindPlans, unitID); err != nil || !ok {
		if err == nil {
			err = notFoundError("đơn vị", "Unit")
		}
		abort(c, err)
		return
	}
	s.serveScopeReport(c, report.Scope{Kind: report.KindRollup, UnitID: unitID, From: from, To: to, Level: level, Map: mapOf})
}

func (s *Server) serveScopeReport(c *gin.Context, scope report.Scope) {
	q, err := readReportQuery(c)
	if err != nil {
		abort(c, err)
		return
	}
	r, err := s.currentReport(c.Request.Context(), scope, q)
	if err != nil {
		abort(c, err)
		return
	}
	s.writeReport(c, r, q)
}

// loadReport reads a report version by id.
func (s *Server) getReport(c *gin.Context) {
	r, ok := s.loadReport(c)
	if !ok {
		return
	}
	q, err := readReportQuery(c)
	if err != nil {
		abort(c, err)
		return
	}
	s.writeReport(c, r, q)
}

// readAssessment reads and checks the body of PUT /reports/{id}/assessment.
func readAssessment(c *gin.Context) (string, error) {
	var req contract.AssessmentRequest
	if err := decodeJSON(c, &req); err != nil {
		return "", err
	}
	var errs []contract.FieldError
	if req.Assessment == nil {
		errs = append(errs, fieldError("assessment", "required"))
	} else {
		checkText(&errs, "assessment", *req.Assessment, false, 50000)
	}
	if len(errs) > 0 {
		return "", validationError(errs...)
	}
	return *req.Assessment, nil
}

var errReportFinal = newError(http.StatusConflict, CodeConflict,
	"Báo cáo đã hoàn tất, không thể sửa; tạo phiên bản mới bằng refresh=true.", "The report is final and cannot change; make a new version with refresh=true.")

func (s *Server) putAssessment(c *gin.Context) {
	r, ok := s.loadReport(c)
	if !ok {
		return
	}
	text, err := readAssessment(c)
	if err != nil {
		abort(c, err)
		return
	}
	if r.Status == report.StatusFinal {
		abort(c, errReportFinal)
		return
	}
	act := actor(c)
	ev := store.NewEvent("", act.ID, act.Role, "report.assessment_set", "report", r.ID, r.Data.Scope.UnitID, act.RequestID, map[string]any{"version": r.Version, "length": len(text)})
	out, err := s.Store.SetAssessment(c.Request.Context(), r.ScopeKey, text, ev)
	if errors.Is(err, store.ErrConflict) {
		err = errReportFinal
	}
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) finaliseReport(c *gin.Context) {
	r, ok := s.loadReport(c)
	if !ok {
		return
	}
	if r.Status == report.StatusFinal {
		abort(c, newError(http.StatusConflict, CodeConflict, "Báo cáo đã được hoàn tất trước đó.", "The report is already final."))
		return
	}
	act := actor(c)
	ev := store.NewEvent("", act.ID, act.Role, "report.finalised", "report", r.ID, r.Data.Scope.UnitID, act.RequestID, map[string]any{"version": r.Version})
	out, err := s.Store.FinaliseReport(c.Request.Context(), r.ScopeKey, act.ID, s.now(), ev)
	if errors.Is(err, store.ErrConflict) {
		err = errReportFinal
	}
	if err != nil {
		abort(c, err)
		return
	}
	logger(c).Info("report finalised", zap.String("scope", out.ScopeKey), zap.Int("version", out.Version))
	c.JSON(http.StatusOK, out)
}
