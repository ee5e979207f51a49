package notify

import (
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// Event types: what an Event announces.
const (
	TypeAlert    = "alert"    // an alert someone must acknowledge
	TypeReminder = "reminder" // a reminder before a task's deadline
	TypeNotice   = "notice"   // any other notice (e.g. a survey summary)
)

// Event is the JSON body of a webhook delivery and the content of an
// e-mail: one alert or one notice, in Vietnamese and English.
type Event struct {
	// Type is alert, reminder or notice.
	Type string `json:"type"`
	// ID is the alert or notice id; it is also the X-Doithoai-Delivery
	// header, so a receiver can drop a repeated delivery.
	ID string `json:"id"`
	// Seq orders alerts and notices as in the live feed.
	Seq    int64  `json:"seq"`
	UnitID string `json:"unit_id"`
	// Kind is the alert kind (e.g. task_overdue) or, for a notice, its
	// type again.
	Kind string `json:"kind"`
	// Level is the escalation level of an alert; 0 for notices.
	Level int `json:"level"`
	// RecipientRole is the role addressed (planner, officer, mttq …).
	RecipientRole string `json:"recipient_role"`
	// Recipient names the person or agency addressed, where there is one.
	Recipient string `json:"recipient"`
	// RecipientKey is, for an alert, the rung's recipient that raised it
	// (assignee, monitor, mttq, parent_mttq, parent_party_committee), or
	// its role for alerts outside the ladder.
	RecipientKey string    `json:"recipient_key,omitempty"`
	DialogueID   string    `json:"dialogue_id,omitempty"`
	TaskID       string    `json:"task_id,omitempty"`
	PlanID       string    `json:"plan_id,omitempty"`
	Title        string    `json:"title"`
	TitleEN      string    `json:"title_en"`
	Body         string    `json:"body"`
	BodyEN       string    `json:"body_en"`
	CreatedAt    time.Time `json:"created_at"`
}

// EventFromAlert builds the event announcing an alert.
func EventFromAlert(a *store.Alert) Event {
	return Event{
		Type: TypeAlert, ID: a.ID, Seq: a.Seq, UnitID: a.UnitID, Kind: a.Kind, Level: a.Level,
		RecipientRole: a.RecipientRole, Recipient: a.Recipient, RecipientKey: a.RecipientKey,
		DialogueID: deref(a.DialogueID), TaskID: deref(a.TaskID), PlanID: deref(a.PlanID),
		Title: a.TitleVI, TitleEN: a.TitleEN, Body: a.BodyVI, BodyEN: a.BodyEN, CreatedAt: a.CreatedAt,
	}
}

// EventFromNotification builds the event announcing a notice. A reminder
// is addressed to the officer role; other notices to their recipient only.
func EventFromNotification(n *store.Notification) Event {
	typ := TypeNotice
	role := ""
	if n.Kind == TypeReminder {
		typ = TypeReminder
		role = domain.RoleOfficer
	}
	return Event{
		Type: typ, ID: n.ID, Seq: n.Seq, UnitID: n.UnitID, Kind: typ,
		RecipientRole: role, Recipient: n.Recipient,
		DialogueID: deref(n.DialogueID), TaskID: deref(n.TaskID),
		Title: n.SubjectVI, TitleEN: n.SubjectEN, Body: n.BodyVI, BodyEN: n.BodyEN, CreatedAt: n.CreatedAt,
	}
}

// labels returns the subject label of an event type in Vietnamese and
// English.
func labels(typ string) (vi, en string) {
	switch typ {
	case TypeAlert:
		return "Cảnh báo", "Alert"
	case TypeReminder:
		return "Nhắc việc", "Reminder"
	default:
		return "Thông báo", "Notice"
	}
}

// MailFor renders an event as an e-mail: the subject is the Vietnamese
// title after a label ("[Cảnh báo] …", "[Nhắc việc] …", "[Thông báo] …");
// the body holds the Vietnamese text, a separator, then the English text,
// and ends with the reference id. Lines end with "\n".
func MailFor(e Event) (subject, body string) {
	vi, en := labels(e.Type)
	title := e.Title
	if title == "" {
		title = e.TitleEN
	}
	subject = "[" + vi + "] " + oneLine(title)

	var b strings.Builder
	section := func(label, title, text string) {
		b.WriteString("[" + label + "] " + oneLine(title) + "\n\n")
		if text = strings.TrimRight(text, "\n"); text != "" {
			b.WriteString(text + "\n\n")
		}
	}
	section(vi, e.Title, e.Body)
	if e.TitleEN != "" || e.BodyEN != "" {
		b.WriteString(strings.Repeat("-", 40) + "\n\n")
		section(en, e.TitleEN, e.BodyEN)
	}
	b.WriteString("Mã tham chiếu / Reference: " + e.ID + "\n")
	return subject, b.String()
}

// oneLine folds line breaks into spaces (subjects and titles are one line).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
