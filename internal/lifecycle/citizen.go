package lifecycle

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
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
