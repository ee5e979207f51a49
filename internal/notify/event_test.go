package notify_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/store"
)

func TestEventFromAlertJSON(t *testing.T) {
	plan, dlg := "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
	at := time.Date(2026, 11, 26, 1, 2, 3, 0, time.UTC)
	e := notify.EventFromAlert(&store.Alert{
		ID: "a1", Seq: 42, UnitID: "u1", RecipientRole: "mttq", Recipient: "UBMTTQ phường", Kind: "session_missed", Level: 1,
		PlanID: &plan, DialogueID: &dlg, TitleVI: "Chưa ghi nhận", TitleEN: "Not recorded", BodyVI: "Nội dung", BodyEN: "Body", CreatedAt: at,
	})
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "alert", "id": "a1", "seq": 42.0, "unit_id": "u1", "kind": "session_missed", "level": 1.0,
		"recipient_role": "mttq", "recipient": "UBMTTQ phường", "plan_id": plan, "dialogue_id": dlg,
		"title": "Chưa ghi nhận", "title_en": "Not recorded", "body": "Nội dung", "body_en": "Body",
		"created_at": "2026-11-26T01:02:03Z",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, ok := got["task_id"]; ok {
		t.Errorf("task_id present without a task: %s", raw)
	}
}

func TestEventFromNotification(t *testing.T) {
	task := "33333333-3333-3333-3333-333333333333"
	tests := []struct {
		kind, wantType, wantRole string
	}{
		{"reminder", notify.TypeReminder, "officer"},
		{"notice", notify.TypeNotice, ""},
		{"", notify.TypeNotice, ""},
	}
	for _, tt := range tests {
		e := notify.EventFromNotification(&store.Notification{ID: "n1", UnitID: "u1", Kind: tt.kind, TaskID: &task, Recipient: "Phòng TN-MT", SubjectVI: "Nhắc", SubjectEN: "Remind"})
		if e.Type != tt.wantType || e.Kind != tt.wantType || e.RecipientRole != tt.wantRole || e.TaskID != task || e.Title != "Nhắc" || e.Recipient != "Phòng TN-MT" {
			t.Errorf("kind %q: event = %+v", tt.kind, e)
		}
	}
}

func TestMailFor(t *testing.T) {
	tests := []struct {
		typ, wantSubject string
		wantIn           []string
	}{
		{notify.TypeAlert, "[Cảnh báo] Tiêu đề", []string{"[Alert] Title"}},
		{notify.TypeReminder, "[Nhắc việc] Tiêu đề", []string{"[Reminder] Title"}},
		{notify.TypeNotice, "[Thông báo] Tiêu đề", []string{"[Notice] Title"}},
	}
	for _, tt := range tests {
		e := notify.Event{Type: tt.typ, ID: "x-1", Title: "Tiêu\nđề", TitleEN: "Title", Body: "Nội dung tiếng Việt.\n", BodyEN: "English text."}
		subject, body := notify.MailFor(e)
		if subject != tt.wantSubject {
			t.Errorf("%s: subject = %q, want %q", tt.typ, subject, tt.wantSubject)
		}
		vi, en := strings.Index(body, "Nội dung tiếng Việt."), strings.Index(body, "English text.")
		sep := strings.Index(body, "\n----")
		if vi < 0 || en < 0 || sep < 0 || !(vi < sep && sep < en) {
			t.Errorf("%s: body is not Vietnamese, separator, English:\n%s", tt.typ, body)
		}
		for _, s := range append(tt.wantIn, "x-1") {
			if !strings.Contains(body, s) {
				t.Errorf("%s: body lacks %q:\n%s", tt.typ, s, body)
			}
		}
		if !strings.HasSuffix(body, "\n") {
			t.Errorf("%s: body does not end with a line break", tt.typ)
		}
	}
	// No English text: no separator.
	_, body := notify.MailFor(notify.Event{Type: notify.TypeNotice, ID: "x", Title: "Chỉ tiếng Việt", Body: "Nội dung"})
	if strings.Contains(body, "----") {
		t.Errorf("body has a separator without English text:\n%s", body)
	}
}
