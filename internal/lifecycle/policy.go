package lifecycle

import (
	"fmt"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// Policy limits.
const (
	MaxReminders          = 10  // reminders (working days or offsets) per policy
	MaxReminderWorkingDay = 60  // the earliest reminder, in working days before the deadline
	MaxEscalationSteps    = 10  // rungs of a ladder
	MaxAfterWorkingDays   = 120 // the latest rung, in working days after the deadline
)

// ValidatePolicy checks a plan policy, with field paths under "policy.":
// no negative span (a negative survey_close would end the survey after the
// session), reminders and rungs within their limits, each rung timed one
// way only and alerting known recipients, and a survey window that closes
// after it opens. Errors come in the order of the fields.
func ValidatePolicy(p domain.Policy) []FieldError {
	var errs []FieldError
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"survey_lead", p.SurveyLead}, {"survey_close", p.SurveyClose}, {"session_grace", p.SessionGrace}, {"supervision_within", p.SupervisionWithin}, {"delivery_within", p.DeliveryWithin}} {
		if d.v >= 0 {
			continue
		}
		if d.field == "survey_close" {
			errs = append(errs, fieldErr("policy.survey_close", "survey_after_session"))
		} else {
			errs = append(errs, negative("policy."+d.field))
		}
	}
	errs = append(errs, validateReminders(p)...)
	if len(p.Escalation) > MaxEscalationSteps {
		errs = append(errs, fieldErr("policy.escalation", "too_many"))
	}
	for i, st := range p.Escalation {
		errs = append(errs, validateStep(fmt.Sprintf("policy.escalation[%d]", i), st)...)
	}
	// A negative span is reported above and the default stands in for it.
	def := domain.DefaultPolicy()
	lead, closes := p.SurveyLead, p.SurveyClose
	if lead < 0 {
		lead = def.SurveyLead
	}
	if closes < 0 {
		closes = def.SurveyClose
	}
	if closes >= lead {
		errs = append(errs, fieldErr("policy.survey_close", "survey_window_empty"))
	}
	return errs
}

func negative(field string) FieldError {
	return fieldErrMsg(field, "out_of_range", "Khoảng thời gian không được âm.", "Durations must not be negative.")
}

func validateReminders(p domain.Policy) []FieldError {
	var errs []FieldError
	if len(p.ReminderWorkingDays) > MaxReminders {
		errs = append(errs, fieldErr("policy.reminder_working_days", "too_many"))
	}
	for i, n := range p.ReminderWorkingDays {
		if n < 1 || n > MaxReminderWorkingDay {
			errs = append(errs, fieldErrMsg(fmt.Sprintf("policy.reminder_working_days[%d]", i), "out_of_range",
				fmt.Sprintf("Số ngày làm việc phải từ 1 đến %d.", MaxReminderWorkingDay), fmt.Sprintf("Must be between 1 and %d working days.", MaxReminderWorkingDay)))
		}
	}
	if len(p.ReminderOffsets) > MaxReminders {
		errs = append(errs, fieldErr("policy.reminder_offsets", "too_many"))
	}
	for i, o := range p.ReminderOffsets {
		if o < 0 {
			errs = append(errs, negative(fmt.Sprintf("policy.reminder_offsets[%d]", i)))
		}
	}
	return errs
}

func validateStep(pf string, st domain.EscalationStep) []FieldError {
	var errs []FieldError
	if st.AfterWorkingDays < 0 || st.AfterWorkingDays > MaxAfterWorkingDays {
		errs = append(errs, fieldErr(pf+".after_working_days", "out_of_range"))
	}
	if st.After < 0 {
		errs = append(errs, negative(pf+".after"))
	}
	if st.AfterWorkingDays != 0 && st.After != 0 {
		errs = append(errs, AmbiguousStep(pf+".after"))
	}
	if len(st.Recipients) == 0 {
		errs = append(errs, fieldErr(pf+".recipients", "required"))
	}
	for j, r := range st.Recipients {
		if !ValidRecipient(r) {
			errs = append(errs, fieldErrMsg(fmt.Sprintf("%s.recipients[%d]", pf, j), "invalid_enum",
				"Người nhận phải là "+recipientList("hoặc")+".", "Recipients are "+recipientList("or")+"."))
		}
	}
	return errs
}

// AmbiguousStep is the error of a rung timed both in working days and by
// an exact span (a form or request that gives both).
func AmbiguousStep(field string) FieldError {
	return fieldErrMsg(field, "ambiguous", "Chỉ ghi after_working_days hoặc after, không ghi cả hai.", "Give after_working_days or after, not both.")
}
