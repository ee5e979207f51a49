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
	var rows []planimport.Row
	var problems []planimport.Problem
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
	if len(errs) > 0 || len(problems) > 0 {
		v.Errors, v.FormError = errs, v.T("imp.nothing_created")
		s.impRender(c, v, http.StatusUnprocessableEntity, kept, problems, "")
		return
	}
	for _, r := range rows {
		d := plnDialogueReq{ScheduledAt: r.ScheduledAt.Format(time.RFC3339), Kind: r.Kind, Topic: r.Topic, Title: r.Title, Place: r.Place, InvitedGroups: r.InvitedGroups}
		for _, h := range r.Hosts {
			d.Hosts = append(d.Hosts, plnHost{Name: h.Name, Title: h.Title})
		}
		req.Dialogues = append(req.Dialogues, d)
	}
	var out plnPlan
	if e := s.call(c, v, http.MethodPost, "/api/v1/plans", req, &out); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			s.failed(c, v, e)
			return
		}
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
		return
	}
	done(c, "/plans/"+out.ID, "plan_imported")
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

func init() {
	addMessages(map[string][2]string{
		"imp.title":               {"Nhập kế hoạch từ bảng tính", "Import a plan from a spreadsheet"},
		"imp.intro":               {"Tải tệp mẫu, điền mỗi hội nghị một dòng, rồi tải lên cùng thông tin kế hoạch. Mọi dòng được kiểm tra trước; nếu có lỗi, không có gì được tạo.", "Download the template, fill in one dialogue a row, then upload it with the plan's details. Every row is checked first; if any is wrong, nothing is created."},
		"imp.template_xlsx":       {"Tải tệp mẫu Excel (.xlsx)", "Download the Excel template (.xlsx)"},
		"imp.template_csv":        {"Tải tệp mẫu CSV", "Download the CSV template"},
		"imp.columns":             {"Các cột của tệp", "The file's columns"},
		"imp.col_header":          {"Cột", "Column"},
		"imp.col_what":            {"Nội dung", "What goes in it"},
		"imp.col_required":        {"Bắt buộc", "Required"},
		"imp.yes":                 {"Có", "Yes"},
		"imp.no":                  {"Không", "No"},
		"imp.what_date":           {"Ngày tổ chức, dạng dd/mm/yyyy, trong năm của kế hoạch", "The day, as dd/mm/yyyy, within the plan year"},
		"imp.what_time":           {"Giờ bắt đầu, dạng hh:mm (để trống là 08:00)", "Start time, as hh:mm (blank means 08:00)"},
		"imp.what_kind":           {"định kỳ, chuyên đề hoặc đột xuất (hoặc periodic, thematic, adhoc)", "định kỳ (periodic), chuyên đề (thematic) or đột xuất (adhoc)"},
		"imp.what_topic":          {"Chủ đề; bắt buộc với hội nghị chuyên đề", "The topic; required for a thematic dialogue"},
		"imp.what_place":          {"Địa điểm tổ chức", "Where it is held"},
		"imp.what_host":           {"Họ tên người chủ trì; nhiều người cách nhau bởi dấu ;", "The host's name; several separated by ;"},
		"imp.what_host_title":     {"Chức vụ, theo thứ tự người chủ trì", "Their positions, in the same order"},
		"imp.what_groups":         {"Các thành phần được mời, cách nhau bởi dấu ;", "Invited groups, separated by ;"},
		"imp.limits":              {"Tệp .xlsx hoặc .csv (UTF-8, có hoặc không có BOM, phân cách bằng dấu phẩy hoặc chấm phẩy), tối đa 2 MiB và 1000 dòng.", "An .xlsx or .csv file (UTF-8, with or without a BOM, comma or semicolon separated), at most 2 MiB and 1000 rows."},
		"imp.file":                {"Tệp bảng tính (.xlsx hoặc .csv)", "Spreadsheet file (.xlsx or .csv)"},
		"imp.submit":              {"Kiểm tra và nhập", "Check and import"},
		"imp.problems":            {"Lỗi trong tệp (%d)", "Problems in the file (%d)"},
		"imp.col_row":             {"Dòng", "Row"},
		"imp.col_column":          {"Cột", "Column"},
		"imp.col_error":           {"Lỗi", "Problem"},
		"imp.nothing_created":     {"Chưa có gì được tạo: hãy sửa các lỗi dưới đây rồi tải tệp lên lại.", "Nothing has been created: fix the problems below and upload the file again."},
		"imp.existing":            {"Xem kế hoạch đã có", "Open the existing plan"},
		"imp.reupload":            {"Hãy chọn lại tệp sau khi sửa (trình duyệt không giữ tệp đã chọn).", "Choose the file again after fixing it (browsers do not keep a chosen file)."},
		"imp.col_date":            {"Ngày", "Date"},
		"imp.col_time":            {"Giờ", "Time"},
		"imp.col_kind":            {"Hình thức", "Kind"},
		"imp.col_topic":           {"Chuyên đề", "Topic"},
		"imp.col_title":           {"Tên hội nghị", "Dialogue title"},
		"imp.col_place":           {"Địa điểm", "Place"},
		"imp.col_host":            {"Người chủ trì", "Host"},
		"imp.col_host_title":      {"Chức vụ", "Position"},
		"imp.col_groups":          {"Thành phần mời", "Invited groups"},
		"imp.err_required":        {"Trường này là bắt buộc.", "This field is required."},
		"imp.err_no_file":         {"Hãy chọn tệp bảng tính để tải lên.", "Choose a spreadsheet file to upload."},
		"imp.err_too_large":       {"Tệp quá lớn: tối đa 2 MiB.", "The file is too large: at most 2 MiB."},
		"imp.err_empty":           {"Tệp trống.", "The file is empty."},
		"imp.err_no_rows":         {"Tệp chỉ có dòng tiêu đề, chưa có hội nghị nào.", "The file has only the header row and no dialogues."},
		"imp.err_wrong_type":      {"Chỉ nhận tệp .xlsx hoặc .csv.", "Only .xlsx or .csv files are accepted."},
		"imp.err_xls":             {"Tệp Excel 97–2003 (.xls) không được hỗ trợ: hãy lưu thành .xlsx.", "Excel 97–2003 (.xls) files are not supported: save it as .xlsx."},
		"imp.err_unreadable":      {"Không đọc được tệp; hãy kiểm tra đó là tệp .xlsx hợp lệ.", "The file cannot be read; check that it is a valid .xlsx file."},
		"imp.err_not_utf8":        {"Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành “CSV UTF-8”).", "The CSV file must be UTF-8 (in Excel: Save as “CSV UTF-8”)."},
		"imp.err_bad_csv":         {"Tệp CSV không đúng định dạng.", "The CSV file is malformed."},
		"imp.err_too_many_rows":   {"Tệp có quá nhiều dòng: tối đa %s hội nghị mỗi lần nhập.", "Too many rows: at most %s dialogues an import."},
		"imp.err_missing_column":  {"Thiếu cột này trong dòng tiêu đề.", "This column is missing from the header row."},
		"imp.err_date_required":   {"Thiếu ngày tổ chức.", "The date is missing."},
		"imp.err_bad_date":        {"Ngày “%s” không hợp lệ (cần dd/mm/yyyy).", "“%s” is not a valid date (dd/mm/yyyy)."},
		"imp.err_outside_year":    {"Ngày %s nằm ngoài năm của kế hoạch.", "%s is outside the plan year."},
		"imp.err_bad_time":        {"Giờ “%s” không hợp lệ (cần hh:mm).", "“%s” is not a valid time (hh:mm)."},
		"imp.err_kind_required":   {"Thiếu hình thức hội nghị.", "The kind is missing."},
		"imp.err_bad_kind":        {"Hình thức “%s” không hợp lệ: dùng định kỳ, chuyên đề hoặc đột xuất.", "“%s” is not a kind: use định kỳ (periodic), chuyên đề (thematic) or đột xuất (adhoc)."},
		"imp.err_topic_required":  {"Hội nghị chuyên đề cần có chuyên đề.", "A thematic dialogue needs a topic."},
		"imp.err_host_required":   {"Cần ít nhất một người chủ trì.", "At least one host is required."},
		"imp.err_titles_mismatch": {"Có nhiều chức vụ hơn số người chủ trì.", "More positions than hosts."},
		"imp.err_too_long":        {"Nội dung quá dài: tối đa %s ký tự.", "Too long: at most %s characters."},
		"imp.err_too_many_groups": {"Tối đa %s thành phần mời.", "At most %s invited groups."},
	})
}
