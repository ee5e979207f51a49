package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// Stable error codes.
const (
	CodeValidation          = "validation_failed"
	CodeMalformedJSON       = "malformed_json"
	CodeBodyTooLarge        = "body_too_large"
	CodeUnsupportedMedia    = "unsupported_media_type"
	CodeNotFound            = "not_found"
	CodeConflict            = "state_conflict"
	CodePlanExists          = "plan_exists"
	CodeUnitExists          = "unit_exists"
	CodeSurveyClosed        = "survey_closed"
	CodeIdempotencyMismatch = "idempotency_key_reused"
	CodeIdempotencyPending  = "idempotency_request_in_progress"
	CodeTemporalDown        = "temporal_unavailable"
	CodeDatabaseDown        = "database_unavailable"
	CodeInternal            = "internal_error"
	CodeRouteNotFound       = "route_not_found"
	CodeMethodNotAllowed    = "method_not_allowed"
)

func newError(status int, code, vi, en string) *contract.Error {
	return &contract.Error{Status: status, Code: code, Message: vi, MessageEN: en}
}

func validationError(fields ...contract.FieldError) *contract.Error {
	e := newError(http.StatusUnprocessableEntity, CodeValidation, "Dữ liệu gửi lên không hợp lệ.", "The request data is invalid.")
	e.Fields = fields
	return e
}

func notFoundError(whatVI, whatEN string) *contract.Error {
	return newError(http.StatusNotFound, CodeNotFound, "Không tìm thấy "+whatVI+".", whatEN+" not found.")
}

// Field error codes and their messages.
var fieldMessages = map[string][2]string{
	"required":             {"Trường này là bắt buộc.", "This field is required."},
	"invalid_type":         {"Kiểu dữ liệu không đúng.", "Wrong data type."},
	"unknown_field":        {"Trường không được hỗ trợ.", "Unknown field."},
	"invalid_enum":         {"Giá trị không nằm trong danh sách cho phép.", "Value is not one of the allowed values."},
	"invalid_datetime":     {"Thời điểm phải theo định dạng RFC 3339, ví dụ 2026-03-15T08:00:00+07:00.", "Must be an RFC 3339 date-time, e.g. 2026-03-15T08:00:00+07:00."},
	"invalid_duration":     {"Khoảng thời gian phải theo ISO 8601, ví dụ P14D hoặc PT5S.", "Must be an ISO 8601 duration such as P14D or PT5S."},
	"unknown_unit":         {"Đơn vị không tồn tại.", "Unknown unit."},
	"outside_plan_year":    {"Ngày hội nghị nằm ngoài năm của kế hoạch.", "The dialogue date is outside the plan year."},
	"host_required":        {"Cần ít nhất một người chủ trì.", "At least one host is required."},
	"topic_required":       {"Hội nghị chuyên đề cần có chủ đề.", "A thematic dialogue needs a topic."},
	"survey_after_session": {"Thời gian lấy ý kiến phải kết thúc trước hội nghị.", "The survey window must end before the session."},
	"survey_window_empty":  {"Phiếu xin ý kiến phải đóng sau khi mở (survey_close nhỏ hơn survey_lead).", "The survey must close after it opens (survey_close shorter than survey_lead)."},
	"out_of_range":         {"Giá trị nằm ngoài phạm vi cho phép.", "Value out of range."},
	"too_long":             {"Nội dung quá dài.", "Too long."},
	"too_many":             {"Quá nhiều phần tử.", "Too many items."},
	"invalid_id":           {"Mã định danh không hợp lệ (cần UUID).", "Invalid identifier (a UUID is expected)."},
	"invalid_parent_level": {"Cấp của đơn vị cha không phù hợp.", "The parent's level does not fit."},
	"parent_required":      {"Đơn vị cấp huyện, xã cần đơn vị cha.", "District and commune units need a parent."},
	"parent_not_allowed":   {"Đơn vị cấp tỉnh, thành phố không có đơn vị cha.", "A province or city has no parent."},
	"in_past":              {"Thời điểm phải ở tương lai.", "Must be in the future."},
	"in_future":            {"Thời điểm không được ở tương lai.", "Must not be in the future."},
	"same_date":            {"Ngày mới trùng với ngày hiện tại của hội nghị.", "The new date equals the current one."},
	"empty":                {"Không được để trống.", "Must not be empty."},
	"invalid_value":        {"Giá trị không hợp lệ.", "Invalid value."},
	"duplicate":            {"Giá trị bị trùng.", "Duplicate value."},
	"invalid_boolean":      {"Giá trị phải là true hoặc false.", "Must be true or false."},
	"invalid_integer":      {"Giá trị phải là số nguyên.", "Must be an integer."},
	"invalid_characters":   {"Giá trị chứa ký tự điều khiển hoặc không phải UTF-8.", "The value holds control characters or is not UTF-8."},
}

func fieldError(field, code string) contract.FieldError {
	m, ok := fieldMessages[code]
	if !ok {
		m = fieldMessages["invalid_value"]
	}
	return contract.FieldError{Field: field, Code: code, Message: m[0], MessageEN: m[1]}
}

// tooManyError says a list is longer than max (code too_many); whatVI and
// whatEN name its items.
func tooManyError(field string, max int, whatVI, whatEN string) contract.FieldError {
	return fieldErrorMsg(field, "too_many", fmt.Sprintf("Tối đa %d %s.", max, whatVI), fmt.Sprintf("At most %d %s.", max, whatEN))
}

func fieldErrorMsg(field, code, vi, en string) contract.FieldError {
	return contract.FieldError{Field: field, Code: code, Message: vi, MessageEN: en}
}

// abort writes err as the JSON error response and stops the chain.
func abort(c *gin.Context, err error) {
	apiErr := toAPIError(c, err)
	apiErr.RequestID = requestID(c)
	if apiErr.Status >= 500 {
		logger(c).Error("request failed", zap.String("code", apiErr.Code), zap.Error(err))
	} else {
		logger(c).Info("request refused", zap.String("code", apiErr.Code), zap.String("reason", err.Error()))
	}
	c.AbortWithStatusJSON(apiErr.Status, apiErr)
}

// toAPIError maps any error to its response: our own errors as they are,
// store and Temporal errors to their statuses, the rest to 500.
func toAPIError(c *gin.Context, err error) *contract.Error {
	var apiErr *contract.Error
	if errors.As(err, &apiErr) {
		cp := *apiErr
		return &cp
	}
	var refusal *lifecycle.Refusal
	if errors.As(err, &refusal) {
		return refusalError(*refusal)
	}
	var closed *store.SurveyClosedError
	if errors.As(err, &closed) {
		return surveyClosedError(closed)
	}
	if errors.Is(err, store.ErrNotFound) {
		return notFoundError("dữ liệu", "Record")
	}
	if errors.Is(err, store.ErrConflict) {
		return newError(http.StatusConflict, CodeConflict, "Dữ liệu xung đột với dữ liệu đã có.", "The data conflicts with existing data.")
	}
	if appErr := commandError(err); appErr != nil {
		return appErr
	}
	var invalid *serviceerror.InvalidArgument
	if errors.As(err, &invalid) {
		// The server's own words stay in the log (abort logs err); the body
		// says only what the client can act on.
		if isPayloadTooLarge(invalid.Message) {
			return commandTooLargeError()
		}
		// Anything else Temporal refuses is a request we built wrong: a 500.
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return newError(http.StatusConflict, CodeConflict, "Quy trình đã kết thúc hoặc không tồn tại.", "The workflow has finished or does not exist.")
	}
	if isTemporalUnavailable(err) {
		return newError(http.StatusServiceUnavailable, CodeTemporalDown, "Máy chủ quy trình (Temporal) tạm thời không phản hồi, vui lòng thử lại.", "The workflow engine (Temporal) is unavailable; please retry.")
	}
	if isDatabaseUnavailable(err) {
		return newError(http.StatusServiceUnavailable, CodeDatabaseDown, "Cơ sở dữ liệu tạm thời không phản hồi, vui lòng thử lại.", "The database is unavailable; please retry.")
	}
	return newError(http.StatusInternalServerError, CodeInternal, "Lỗi hệ thống, đã được ghi lại.", "Internal error; it has been logged.")
}

// commandError maps the refusal of a workflow command. The failure of an
// Update reaches the client as a chain of causes: a handler that wraps an
// activity's error (fmt.Errorf("save …: %w", err)) arrives as an outer
// ApplicationError of type "wrapError" whose cause is the ActivityError,
// whose cause is the activity's ApplicationError. The first ApplicationError
// of type invalid or conflict anywhere along the chain decides (the
// activities' non-retryable "conflict" is workflows.ErrTypeConflict). A
// validator refuses by a lifecycle rule, and the answer is in the rule's
// words: a conflict carrying a Refusal (workflows.RefusalError) is 409
// state_conflict with details.reason, an invalid command carrying field
// errors (workflows.InvalidFieldsError) is 422 validation_failed with them,
// as when the API checks the same rule at its edge. Any other invalid or
// conflict has internal English words (an input no client sends): the
// client gets the generic ones, the log the cause. nil means there is none.
func commandError(err error) *contract.Error {
	for e := err; e != nil; {
		var appErr *temporal.ApplicationError
		if !errors.As(e, &appErr) {
			return nil
		}
		switch appErr.Type() {
		case workflows.ErrTypeInvalid:
			if errs, ok := workflows.FieldErrorsOf(appErr); ok {
				return ruleFieldsError(errs)
			}
			return validationError()
		case workflows.ErrTypeConflict:
			if r, ok := workflows.RefusalOf(appErr); ok {
				return refusalError(r)
			}
			if appErr.Unwrap() != nil {
				return newError(http.StatusConflict, CodeConflict, "Dữ liệu xung đột với dữ liệu đã có.", "The data conflicts with existing data.")
			}
			return newError(http.StatusConflict, CodeConflict, "Không thực hiện được ở trạng thái hiện tại.", "Not allowed in the current state.")
		}
		e = appErr.Unwrap()
	}
	return nil
}

// ruleFieldsError answers a command whose fields a lifecycle rule refuses:
// 422 validation_failed with the rule's field errors.
func ruleFieldsError(errs []lifecycle.FieldError) *contract.Error {
	return validationError(contractFields(errs)...)
}

// contractFields are lifecycle field errors as the API's.
func contractFields(errs []lifecycle.FieldError) []contract.FieldError {
	out := make([]contract.FieldError, len(errs))
	for i, e := range errs {
		out[i] = contract.FieldError(e)
	}
	return out
}

// refusalError answers a command a lifecycle rule refuses: 409
// state_conflict in the rule's words, its reason in details.reason. The
// API's own check and a workflow validator answer alike through it.
func refusalError(r lifecycle.Refusal) *contract.Error {
	e := newError(http.StatusConflict, CodeConflict, r.Message, r.MessageEN)
	e.Details = map[string]any{"reason": r.Reason}
	return e
}

// isPayloadTooLarge reports whether a Temporal InvalidArgument refuses a
// request for its size ("Blob data size exceeds limit.").
func isPayloadTooLarge(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "size") && (strings.Contains(m, "exceed") || strings.Contains(m, "limit") || strings.Contains(m, "too large"))
}

// commandTooLargeError answers a command too large to hand to Temporal in
// one request.
func commandTooLargeError() *contract.Error {
	return newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
		"Lệnh quá lớn để xử lý trong một yêu cầu; hãy chia thành nhiều yêu cầu nhỏ hơn (ví dụ giao thêm nhiệm vụ bằng POST /api/v1/dialogues/{id}/tasks).",
		"The command is too large for one request; split it into smaller requests (e.g. add further tasks with POST /api/v1/dialogues/{id}/tasks).")
}

func isTemporalUnavailable(err error) bool {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	var busy *serviceerror.ResourceExhausted
	return errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.As(err, &canceled) || errors.As(err, &busy) ||
		errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "connection refused") && strings.Contains(err.Error(), "rpc")
}

func isDatabaseUnavailable(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &netErr) || errors.As(err, &opErr) || strings.Contains(err.Error(), "connection refused") ||
		strings.Contains(err.Error(), "the database system is") || strings.Contains(err.Error(), "sql: database is closed")
}
