package lifecycle

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ContactConsentVI and ContactConsentEN are the consent line a respondent
// agrees to when leaving a contact (stored with it, shown on the form).
const (
	ContactConsentVI = "Tôi đồng ý để địa chỉ thư điện tử / số điện thoại này được dùng chỉ để báo cho tôi khi ý kiến của tôi có câu trả lời hoặc kết quả giải quyết; liên hệ được xóa sau khi hội nghị kết thúc."
	ContactConsentEN = "I agree that this e-mail address / phone number is used only to tell me when my opinion is answered or resolved; it is deleted after the dialogue closes."
)

// NotSatisfiedAlert words the alert to a unit's MTTQ when a citizen rates
// the answer or result of their opinion "not satisfied": the field, the
// dialogue, the receipt (so the reviewer can look it up) and the comment.
func NotSatisfiedAlert(dialogueTitle, field, receiptCode, comment string) Alert {
	a := Alert{
		TitleVI: fmt.Sprintf("Người dân chưa hài lòng (%s): %s", field, dialogueTitle),
		TitleEN: fmt.Sprintf("A citizen is not satisfied (%s): %s", field, dialogueTitle),
		BodyVI: fmt.Sprintf("Người giữ phiếu %s chưa hài lòng với kết quả giải quyết ý kiến lĩnh vực %s tại cuộc đối thoại \"%s\". Đề nghị Ủy ban MTTQ xem xét, giám sát lại.",
			receiptCode, field, dialogueTitle),
		BodyEN: fmt.Sprintf("The holder of receipt %s is not satisfied with how their opinion on %s from the dialogue \"%s\" was resolved. MTTQ is asked to review it.",
			receiptCode, field, dialogueTitle),
	}
	if c := strings.TrimSpace(comment); c != "" {
		a.BodyVI += " Ý kiến: " + quoteShort(c)
		a.BodyEN += " Comment: " + quoteShort(c)
	}
	return a
}

// BoardRemarkAlert words the alert to the commune's MTTQ when its people's
// inspection board records a supervision remark (kiến nghị) on a task.
func BoardRemarkAlert(taskTitle string, dueAt time.Time, content string) Alert {
	return Alert{
		TitleVI: fmt.Sprintf("Kiến nghị của Ban thanh tra nhân dân: %s", taskTitle),
		TitleEN: fmt.Sprintf("Remark of the people's inspection board: %s", taskTitle),
		BodyVI:  fmt.Sprintf("Ban thanh tra nhân dân kiến nghị về nhiệm vụ \"%s\" (hạn %s): %s", taskTitle, viTime(dueAt), quoteShort(content)),
		BodyEN:  fmt.Sprintf("The people's inspection board remarks on the task \"%s\" (due %s): %s", taskTitle, enTime(dueAt), quoteShort(content)),
	}
}

// quoteShort quotes a citizen's or board's text in an alert, cut to 500
// characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 500 {
		s = string([]rune(s)[:500]) + "…"
	}
	return "\"" + s + "\""
}

// RespondentNotice words the notice a respondent who left a contact gets
// when the answer to their opinion (answered is true) or its accepted
// result is published: subject and body, Vietnamese first then English,
// with the receipt code and, when known, the lookup link. It names no one.
func RespondentNotice(answered bool, dialogueTitle, receiptCode, lookupURL string) (subject, body, sms string) {
	what, whatEN := "kết quả giải quyết", "the result"
	if answered {
		what, whatEN = "câu trả lời", "the answer"
	}
	subject = fmt.Sprintf("Đã có %s cho ý kiến của bạn (mã %s) / %s to your opinion", what, receiptCode, strings.ToUpper(whatEN[:1])+whatEN[1:]+" is published")
	where := "Tra cứu bằng mã phiếu " + receiptCode + "."
	whereEN := "Look it up with receipt " + receiptCode + "."
	if lookupURL != "" {
		where = "Xem tại " + lookupURL
		whereEN = "See " + lookupURL
	}
	body = fmt.Sprintf("Ý kiến của bạn gửi tới hội nghị \"%s\" đã có %s. %s\n\nYour opinion to the dialogue \"%s\" has %s published. %s\n\n"+
		"Bạn nhận thư này vì đã đồng ý để lại liên hệ khi gửi ý kiến; liên hệ sẽ được xóa sau khi hội nghị kết thúc.\n"+
		"You get this because you agreed to leave a contact with your opinion; it is deleted after the dialogue closes.",
		dialogueTitle, what, where, dialogueTitle, whatEN, whereEN)
	sms = fmt.Sprintf("Ý kiến mã %s đã có %s. %s", receiptCode, what, where)
	return subject, body, sms
}
