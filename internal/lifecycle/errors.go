package lifecycle

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"
)

// FieldError names one field at fault, by its path in the checked value
// ("policy.escalation[1].recipients[0]", "hosts[0].name"), with a stable
// code and a message in Vietnamese and English. It has the fields (and the
// JSON) of the API's field errors.
type FieldError struct {
	Field     string `json:"field"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// messages are the wording of the codes whose message does not depend on
// the field; the API words the same codes the same way (a test checks).
var messages = map[string][2]string{
	"required":             {"Trường này là bắt buộc.", "This field is required."},
	"invalid_enum":         {"Giá trị không nằm trong danh sách cho phép.", "Value is not one of the allowed values."},
	"host_required":        {"Cần ít nhất một người chủ trì.", "At least one host is required."},
	"topic_required":       {"Hội nghị chuyên đề cần có chủ đề.", "A thematic dialogue needs a topic."},
	"survey_after_session": {"Thời gian lấy ý kiến phải kết thúc trước hội nghị.", "The survey window must end before the session."},
	"survey_window_empty":  {"Phiếu xin ý kiến phải đóng sau khi mở (survey_close nhỏ hơn survey_lead).", "The survey must close after it opens (survey_close shorter than survey_lead)."},
	"out_of_range":         {"Giá trị nằm ngoài phạm vi cho phép.", "Value out of range."},
	"too_many":             {"Quá nhiều phần tử.", "Too many items."},
	"in_past":              {"Thời điểm phải ở tương lai.", "Must be in the future."},
	"in_future":            {"Thời điểm không được ở tương lai.", "Must not be in the future."},
	"duplicate":            {"Giá trị bị trùng.", "Duplicate value."},
	"empty":                {"Không được để trống.", "Must not be empty."},
	"same_date":            {"Ngày mới trùng với ngày hiện tại của hội nghị.", "The new date equals the current one."},
}

// GenericMessages returns the Vietnamese and English message of each code
// whose message is the same for every field.
func GenericMessages() map[string][2]string {
	return maps.Clone(messages)
}

func fieldErr(field, code string) FieldError {
	m := messages[code]
	return FieldError{Field: field, Code: code, Message: m[0], MessageEN: m[1]}
}

func fieldErrMsg(field, code, vi, en string) FieldError {
	return FieldError{Field: field, Code: code, Message: vi, MessageEN: en}
}

// Err joins field errors into one error ("field: message; …"), nil when
// there are none; workflow validators return it.
func Err(errs []FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Field + ": " + strings.TrimSuffix(e.MessageEN, ".")
	}
	return errors.New(strings.Join(parts, "; "))
}

// Prefix puts each error's field under prefix ("dialogues[2]" + "kind" →
// "dialogues[2].kind").
func Prefix(prefix string, errs []FieldError) []FieldError {
	if prefix == "" {
		return errs
	}
	for i := range errs {
		errs[i].Field = join(prefix, errs[i].Field)
	}
	return errs
}

func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// Required refuses a blank text: the field's "required" error, none when v
// holds more than white space.
func Required(field, v string) []FieldError {
	if strings.TrimSpace(v) == "" {
		return []FieldError{fieldErr(field, "required")}
	}
	return nil
}

// CheckText refuses a blank required text (Required) and one longer than
// max runes.
func CheckText(errs *[]FieldError, field, v string, required bool, max int) {
	if required {
		if e := Required(field, v); e != nil {
			*errs = append(*errs, e...)
			return
		}
	}
	if utf8.RuneCountInString(v) > max {
		*errs = append(*errs, fieldErrMsg(field, "too_long",
			fmt.Sprintf("Dài tối đa %d ký tự.", max), fmt.Sprintf("At most %d characters.", max)))
	}
}
