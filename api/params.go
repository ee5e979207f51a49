package api

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
)

// Request text is checked once, at the edge, before anything uses it: no
// Idempotency-Key claim, no SQL, no log line sees a path id or a query
// value of a shape the service never issues or reads.

// pathParamShape says whether v is a well-formed value of a path parameter.
// Every path parameter of an authenticated route is listed; an unlisted
// one is refused, so a new route cannot forget its check.
var pathParamShape = map[string]func(v string) bool{
	// Every :id the service issues is a UUID (random or name-based).
	"id": isUUID,
}

func isUUID(v string) bool {
	_, err := uuid.Parse(v)
	return err == nil
}

// resourceNames names the resource of each collection for a 404.
var resourceNames = map[string][2]string{
	"units": {"đơn vị", "Unit"}, "plans": {"kế hoạch", "Plan"}, "dialogues": {"hội nghị", "Dialogue"},
	"tasks": {"nhiệm vụ", "Task"}, "reports": {"báo cáo", "Report"}, "alerts": {"cảnh báo", "Alert"},
}

// checkPathParams answers 404 not_found for a path parameter that is not of
// its shape (no such resource can exist) and reports whether to go on.
func checkPathParams(c *gin.Context) bool {
	for _, p := range c.Params {
		if ok := pathParamShape[p.Key]; ok != nil && ok(p.Value) {
			continue
		}
		name := [2]string{"tài nguyên", "Resource"}
		if seg := strings.Split(strings.TrimPrefix(c.FullPath(), "/api/v1/"), "/"); len(seg) > 0 {
			if n, ok := resourceNames[seg[0]]; ok {
				name = n
			}
		}
		abort(c, notFoundError(name[0], name[1]))
		return false
	}
	return true
}

// checkQueryText answers 422 validation_failed, naming each parameter, when
// a query value holds a byte no parameter's text can: invalid UTF-8, NUL or
// another C0 control character, DEL. It reports whether to go on.
func checkQueryText(c *gin.Context) bool {
	var errs []contract.FieldError
	q := c.Request.URL.Query()
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range q[name] {
			if !plainText(v) {
				errs = append(errs, fieldError(fieldName(name), "invalid_characters"))
				break
			}
		}
	}
	if _, err := url.ParseQuery(c.Request.URL.RawQuery); err != nil {
		errs = append(errs, fieldError("query", "invalid_characters"))
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return false
	}
	return true
}

// fieldName is a query parameter's name fit to be echoed in a field error.
func fieldName(name string) string {
	if plainText(name) && len(name) <= 64 {
		return name
	}
	return "query"
}

// plainText says whether s is UTF-8 without control characters (C0, DEL).
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f {
			return false
		}
	}
	return true
}

// periodParams reads a period from ?year=YYYY (that calendar year) or
// ?from=YYYY-MM-DD&to=YYYY-MM-DD (from inclusive, to exclusive), dates in
// Vietnam time, at most 5 years long. required asks for one of the two
// forms; both at once is refused. Zero times mean no period.
func periodParams(c *gin.Context, required bool, errs *[]contract.FieldError) (from, to time.Time) {
	if y := c.Query("year"); y != "" {
		if c.Query("from") != "" || c.Query("to") != "" {
			*errs = append(*errs, fieldErrorMsg("year", "conflict", "Chọn năm hoặc khoảng ngày (from, to), không chọn cả hai.",
				"Give year or from and to, not both."))
			return
		}
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			*errs = append(*errs, fieldErrorMsg("year", "out_of_range", "Năm phải từ 2000 đến 2100.", "year must be between 2000 and 2100."))
			return
		}
		from = time.Date(n, time.January, 1, 0, 0, 0, 0, domain.Location)
		return from, from.AddDate(1, 0, 0)
	}
	if !required && c.Query("from") == "" && c.Query("to") == "" {
		return
	}
	parseDay := func(name string) time.Time {
		v := c.Query(name)
		if v == "" {
			*errs = append(*errs, fieldError(name, "required"))
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, domain.Location)
		if err != nil {
			*errs = append(*errs, fieldErrorMsg(name, "invalid_date", "Ngày phải theo dạng YYYY-MM-DD.", "Dates are YYYY-MM-DD."))
		}
		return t
	}
	from, to = parseDay("from"), parseDay("to")
	if !from.IsZero() && !to.IsZero() {
		if !from.Before(to) {
			*errs = append(*errs, fieldErrorMsg("to", "out_of_range", "Ngày kết thúc phải sau ngày bắt đầu.", "to must be after from."))
		} else if to.Sub(from) > 5*366*24*time.Hour {
			*errs = append(*errs, fieldErrorMsg("to", "out_of_range", "Kỳ báo cáo tối đa 5 năm.", "A period is at most 5 years."))
		}
	}
	return from, to
}
