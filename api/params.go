package api

import (
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/contract"
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
