package lifecycle

import (
	"fmt"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// The rules of a command's own fields, checked by the API at its edge and
// again by the workflow's Update validator on its live state: the same
// rule, so the same field, code and words whichever refuses.

// InPlanYear refuses a dialogue date outside the plan year year (code
// outside_plan_year).
func InPlanYear(field string, at time.Time, year int) []FieldError {
	y := at.In(domain.Location).Year()
	if y == year {
		return nil
	}
	return []FieldError{fieldErrMsg(field, "outside_plan_year",
		fmt.Sprintf("Ngày hội nghị thuộc năm %d, ngoài năm %d của kế hoạch.", y, year),
		fmt.Sprintf("The dialogue date is in %d, outside the plan year %d.", y, year))}
}

// InFuture refuses a time that is not after now (code in_past).
func InFuture(field string, at, now time.Time) []FieldError {
	if at.After(now) {
		return nil
	}
	return []FieldError{fieldErr(field, "in_past")}
}

// NotEmpty refuses an empty list of n items (code empty).
func NotEmpty(field string, n int) []FieldError {
	if n > 0 {
		return nil
	}
	return []FieldError{fieldErr(field, "empty")}
}

// ValidateReschedule checks a dialogue's new date at: given, in the plan
// year, in the future, and not the date it has (field scheduled_at).
func ValidateReschedule(at, current time.Time, year int, now time.Time) []FieldError {
	const field = "scheduled_at"
	if at.IsZero() {
		return []FieldError{fieldErr(field, "required")}
	}
	if e := InPlanYear(field, at, year); e != nil {
		return e
	}
	if e := InFuture(field, at, now); e != nil {
		return e
	}
	if at.Equal(current) {
		return []FieldError{fieldErr(field, "same_date")}
	}
	return nil
}

// ValidateReview checks a review's decision (accept or return) and that a
// returned result says why.
func ValidateReview(decision, reason string) []FieldError {
	switch decision {
	case "accept":
		return nil
	case "return":
		return Required("reason", reason)
	case "":
		return []FieldError{fieldErr("decision", "required")}
	}
	return []FieldError{fieldErrMsg("decision", "invalid_enum",
		"Quyết định phải là accept (nghiệm thu) hoặc return (trả lại).", "decision must be accept or return.")}
}

// LaterDeadline checks a deadline asked for in place of current: in the
// future (in_past) and later than current (not_later).
func LaterDeadline(field string, due, current, now time.Time) []FieldError {
	if e := InFuture(field, due, now); e != nil {
		return e
	}
	if !due.After(current) {
		return []FieldError{fieldErrMsg(field, "not_later",
			"Hạn mới phải sau hạn hiện tại.", "The new deadline must be later than the current one.")}
	}
	return nil
}

// ValidateReassign checks a task's new assignee: an agency named, and not
// the assignee it has.
func ValidateReassign(current, next domain.Assignee) []FieldError {
	if e := Required("assignee.agency", next.Agency); e != nil {
		return e
	}
	if next == current {
		return []FieldError{fieldErrMsg("assignee", "same_assignee",
			"Nhiệm vụ đã được giao cho cơ quan, người này.", "The task is already assigned to them.")}
	}
	return nil
}

// KnownConclusion refuses a task of a conclusion the session record does
// not hold (code unknown_conclusion).
func KnownConclusion(field string, known bool) []FieldError {
	if known {
		return nil
	}
	return []FieldError{fieldErrMsg(field, "unknown_conclusion",
		"Kết luận không có trong biên bản hội nghị.", "The conclusion is not in the dialogue's session record.")}
}
