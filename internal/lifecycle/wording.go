package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// Notice is the wording of a notice to a person, in Vietnamese and English.
type Notice struct {
	// Kind is "assignment", "reminder", "returned", "extension" or
	// "notice".
	Kind      string
	SubjectVI string
	SubjectEN string
	BodyVI    string
	BodyEN    string
}

// Alert is the wording of an alert, in Vietnamese and English.
type Alert struct {
	TitleVI string
	TitleEN string
	BodyVI  string
	BodyEN  string
}

// viTime and enTime write an instant in the service's time zone.
func viTime(t time.Time) string { return t.In(domain.Location).Format("15:04 02/01/2006") }
func enTime(t time.Time) string { return t.In(domain.Location).Format("2006-01-02 15:04") }

// AssignmentNotice tells the assignee they have been given the task.
func AssignmentNotice(st TaskState) Notice {
	return Notice{Kind: "assignment",
		SubjectVI: "Giao nhiệm vụ: " + st.Title, SubjectEN: "Task assigned: " + st.Title,
		BodyVI: fmt.Sprintf("Đồng chí được giao nhiệm vụ \"%s\", hạn hoàn thành %s.", st.Title, viTime(st.DueAt)),
		BodyEN: fmt.Sprintf("You have been assigned \"%s\", due %s.", st.Title, enTime(st.DueAt)),
	}
}

// ReassignedNotice tells the new assignee (st is the state after the
// change) they have been given a task moved from prevAgency.
func ReassignedNotice(st TaskState, prevAgency string) Notice {
	return Notice{Kind: "assignment",
		SubjectVI: "Giao nhiệm vụ: " + st.Title, SubjectEN: "Task assigned: " + st.Title,
		BodyVI: fmt.Sprintf("Đồng chí được giao nhiệm vụ \"%s\" (chuyển từ %s), hạn hoàn thành %s.", st.Title, prevAgency, viTime(st.DueAt)),
		BodyEN: fmt.Sprintf("You have been assigned \"%s\" (moved from %s), due %s.", st.Title, prevAgency, enTime(st.DueAt)),
	}
}

// ReminderNotice reminds the assignee of the deadline.
func ReminderNotice(st TaskState, r ScheduledReminder) Notice {
	return Notice{Kind: "reminder",
		SubjectVI: fmt.Sprintf("Nhắc việc (%s): %s", r.Label, st.Title),
		SubjectEN: fmt.Sprintf("Reminder (%s): %s", r.LabelEN, st.Title),
		BodyVI:    fmt.Sprintf("Nhiệm vụ \"%s\" đến hạn lúc %s (%s). Đề nghị báo cáo kết quả đúng hạn.", st.Title, viTime(st.DueAt), r.Label),
		BodyEN:    fmt.Sprintf("Task \"%s\" is due %s (%s). Please report the result on time.", st.Title, enTime(st.DueAt), r.LabelEN),
	}
}

// ReturnedNotice tells the assignee their result was sent back.
func ReturnedNotice(st TaskState, reason string) Notice {
	return Notice{Kind: "returned",
		SubjectVI: "Kết quả bị trả lại: " + st.Title, SubjectEN: "Result returned: " + st.Title,
		BodyVI: fmt.Sprintf("Kết quả nhiệm vụ \"%s\" bị trả lại. Lý do: %s. Hạn vẫn là %s.", st.Title, reason, viTime(st.DueAt)),
		BodyEN: fmt.Sprintf("The result of \"%s\" was returned. Reason: %s. The deadline stays %s.", st.Title, reason, enTime(st.DueAt)),
	}
}

// ExtensionNotice tells the assignee how their extension request was
// decided; newDue is the new deadline when approved.
func ExtensionNotice(st TaskState, approved bool, newDue time.Time) Notice {
	decisionVI, decisionEN := "không được chấp thuận", "denied"
	if approved {
		decisionVI, decisionEN = "được chấp thuận, hạn mới "+viTime(newDue), "approved, new deadline "+enTime(newDue)
	}
	return Notice{Kind: "extension",
		SubjectVI: "Kết quả đề nghị gia hạn: " + st.Title, SubjectEN: "Extension decision: " + st.Title,
		BodyVI: fmt.Sprintf("Đề nghị gia hạn nhiệm vụ \"%s\" %s.", st.Title, decisionVI),
		BodyEN: fmt.Sprintf("The extension request for \"%s\" was %s.", st.Title, decisionEN),
	}
}

// OverdueAlert words the alert of ladder level for an overdue task, raised
// at the instant at.
func OverdueAlert(st TaskState, level int, at time.Time) Alert {
	lateVI, lateEN := DelayText(at.Sub(st.DueAt))
	who := AssigneeName(st.Assignee)
	return Alert{
		TitleVI: fmt.Sprintf("Nhiệm vụ quá hạn (mức %d): %s", level, st.Title),
		TitleEN: fmt.Sprintf("Overdue task (level %d): %s", level, st.Title),
		BodyVI: fmt.Sprintf("Nhiệm vụ \"%s\" giao cho %s, hạn %s, đã quá hạn%s và chưa được nghiệm thu. Người theo dõi: %s.",
			st.Title, who, viTime(st.DueAt), lateVI, orDash(st.Monitor)),
		BodyEN: fmt.Sprintf("Task \"%s\" assigned to %s, due %s, is overdue%s and not accepted yet. Monitor: %s.",
			st.Title, who, enTime(st.DueAt), lateEN, orDash(st.Monitor)),
	}
}

// DelayText words a delay for alert bodies, with a leading space (" 3
// ngày", " by 3 days"; hours and minutes under a day, " 1 giờ 30 phút",
// " by 1 hour 30 minutes"; nothing under a minute).
func DelayText(d time.Duration) (vi, en string) {
	if d < time.Minute {
		return "", ""
	}
	if d >= 24*time.Hour {
		days := int(d / (24 * time.Hour))
		return fmt.Sprintf(" %d ngày", days), " by " + plural(days, "day")
	}
	m := int(d.Round(time.Minute) / time.Minute)
	h, m := m/60, m%60
	var vis, ens []string
	if h > 0 {
		vis, ens = append(vis, fmt.Sprintf("%d giờ", h)), append(ens, plural(h, "hour"))
	}
	if m > 0 {
		vis, ens = append(vis, fmt.Sprintf("%d phút", m)), append(ens, plural(m, "minute"))
	}
	return " " + strings.Join(vis, " "), " by " + strings.Join(ens, " ")
}

// plural writes n with an English unit, singular for one.
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// SessionMissedAlert words the alert for a dialogue whose session,
// scheduled at scheduledAt, was not recorded by dueBy.
func SessionMissedAlert(title string, scheduledAt, dueBy time.Time) Alert {
	return Alert{
		TitleVI: fmt.Sprintf("Chưa ghi nhận kết quả hội nghị: %s", title),
		TitleEN: fmt.Sprintf("Session not recorded: %s", title),
		BodyVI: fmt.Sprintf("Hội nghị tiếp xúc, đối thoại dự kiến lúc %s nhưng đến %s vẫn chưa được ghi nhận kết quả. Đề nghị cập nhật kết quả hội nghị hoặc điều chỉnh lịch.",
			viTime(scheduledAt), viTime(dueBy)),
		BodyEN: fmt.Sprintf("The dialogue scheduled for %s had no session recorded by %s. Please record the session or reschedule it.",
			enTime(scheduledAt), enTime(dueBy)),
	}
}

// FieldCount is how many survey answers one field (lĩnh vực) received.
type FieldCount struct {
	Field string
	Count int
}

// surveyTopFields is how many fields the survey summary names.
const surveyTopFields = 5

// SurveySummaryNotice words the notice a host gets when the pre-meeting
// survey of the session at sessionAt closes: total answers and the first
// fields of byField (most answered first).
func SurveySummaryNotice(title, host string, sessionAt time.Time, total int, byField []FieldCount) Notice {
	fieldsVI, fieldsEN := "", ""
	for i, fc := range byField {
		if i < surveyTopFields {
			fieldsVI += fmt.Sprintf("\n- %s: %d ý kiến", fc.Field, fc.Count)
			fieldsEN += fmt.Sprintf("\n- %s: %d opinions", fc.Field, fc.Count)
		}
	}
	return Notice{Kind: "notice",
		SubjectVI: fmt.Sprintf("Tổng hợp phiếu xin ý kiến: %s", title),
		SubjectEN: fmt.Sprintf("Pre-meeting survey summary: %s", title),
		BodyVI: fmt.Sprintf("Kính gửi đồng chí %s,\nPhiếu xin ý kiến cho hội nghị ngày %s đã đóng với %d ý kiến. Các lĩnh vực nhiều ý kiến nhất:%s",
			host, viTime(sessionAt), total, fieldsVI),
		BodyEN: fmt.Sprintf("Dear %s,\nThe pre-meeting survey for the session on %s has closed with %d answers. Top fields:%s",
			host, enTime(sessionAt), total, fieldsEN),
	}
}
