package lifecycle

import (
	"fmt"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// The expected texts below are the inline wording of workflows/task.go and
// activities (before it moved here), with its format strings verbatim, and
// a few fully written-out literals.

func viT(t time.Time) string { return t.In(domain.Location).Format("15:04 02/01/2006") }
func enT(t time.Time) string { return t.In(domain.Location).Format("2006-01-02 15:04") }

func wordingState() TaskState {
	return TaskState{TaskID: "t1", UnitID: "u1", Title: "Thu gom rác", Monitor: "Đ/c Hoàng",
		Assignee: domain.Assignee{Agency: "UBND phường", Officer: "Nguyễn Văn An", UnitID: "u2"},
		DueAt:    time.Date(2026, 5, 4, 17, 0, 0, 0, domain.Location)}
}

func TestNotices(t *testing.T) {
	st := wordingState()
	newDue := time.Date(2026, 6, 1, 17, 0, 0, 0, domain.Location)
	r := ScheduledReminder{Label: "còn 3 ngày làm việc", LabelEN: "3 working days left"}
	cases := []struct {
		name string
		got  Notice
		want Notice
	}{
		{"assignment", AssignmentNotice(st), Notice{"assignment",
			"Giao nhiệm vụ: " + st.Title, "Task assigned: " + st.Title,
			fmt.Sprintf("Đồng chí được giao nhiệm vụ \"%s\", hạn hoàn thành %s.", st.Title, viT(st.DueAt)),
			fmt.Sprintf("You have been assigned \"%s\", due %s.", st.Title, enT(st.DueAt))}},
		{"assignment literal", AssignmentNotice(st), Notice{"assignment",
			"Giao nhiệm vụ: Thu gom rác", "Task assigned: Thu gom rác",
			"Đồng chí được giao nhiệm vụ \"Thu gom rác\", hạn hoàn thành 17:00 04/05/2026.",
			"You have been assigned \"Thu gom rác\", due 2026-05-04 17:00."}},
		{"reminder", ReminderNotice(st, r), Notice{"reminder",
			fmt.Sprintf("Nhắc việc (%s): %s", r.Label, st.Title), fmt.Sprintf("Reminder (%s): %s", r.LabelEN, st.Title),
			fmt.Sprintf("Nhiệm vụ \"%s\" đến hạn lúc %s (%s). Đề nghị báo cáo kết quả đúng hạn.", st.Title, viT(st.DueAt), r.Label),
			fmt.Sprintf("Task \"%s\" is due %s (%s). Please report the result on time.", st.Title, enT(st.DueAt), r.LabelEN)}},
		{"returned", ReturnedNotice(st, "thiếu ảnh"), Notice{"returned",
			"Kết quả bị trả lại: " + st.Title, "Result returned: " + st.Title,
			fmt.Sprintf("Kết quả nhiệm vụ \"%s\" bị trả lại. Lý do: %s. Hạn vẫn là %s.", st.Title, "thiếu ảnh", viT(st.DueAt)),
			fmt.Sprintf("The result of \"%s\" was returned. Reason: %s. The deadline stays %s.", st.Title, "thiếu ảnh", enT(st.DueAt))}},
		{"extension approved", ExtensionNotice(st, true, newDue), Notice{"extension",
			"Kết quả đề nghị gia hạn: " + st.Title, "Extension decision: " + st.Title,
			fmt.Sprintf("Đề nghị gia hạn nhiệm vụ \"%s\" %s.", st.Title, "được chấp thuận, hạn mới "+viT(newDue)),
			fmt.Sprintf("The extension request for \"%s\" was %s.", st.Title, "approved, new deadline "+enT(newDue))}},
		{"extension approved literal", ExtensionNotice(st, true, newDue), Notice{"extension",
			"Kết quả đề nghị gia hạn: Thu gom rác", "Extension decision: Thu gom rác",
			"Đề nghị gia hạn nhiệm vụ \"Thu gom rác\" được chấp thuận, hạn mới 17:00 01/06/2026.",
			"The extension request for \"Thu gom rác\" was approved, new deadline 2026-06-01 17:00."}},
		{"extension denied", ExtensionNotice(st, false, time.Time{}), Notice{"extension",
			"Kết quả đề nghị gia hạn: " + st.Title, "Extension decision: " + st.Title,
			fmt.Sprintf("Đề nghị gia hạn nhiệm vụ \"%s\" %s.", st.Title, "không được chấp thuận"),
			fmt.Sprintf("The extension request for \"%s\" was %s.", st.Title, "denied")}},
		{"reassigned", ReassignedNotice(st, "Phòng TN-MT"), Notice{"assignment",
			"Giao nhiệm vụ: " + st.Title, "Task assigned: " + st.Title,
			fmt.Sprintf("Đồng chí được giao nhiệm vụ \"%s\" (chuyển từ %s), hạn hoàn thành %s.", st.Title, "Phòng TN-MT", viT(st.DueAt)),
			fmt.Sprintf("You have been assigned \"%s\" (moved from %s), due %s.", st.Title, "Phòng TN-MT", enT(st.DueAt))}},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, c.got, c.want)
		}
	}
}

func TestOverdueAlert(t *testing.T) {
	st := wordingState()
	cases := []struct {
		name     string
		st       TaskState
		late     time.Duration
		who, mon string
		vi, en   string
	}{
		{"officer, days late", st, 3*24*time.Hour + time.Hour, "Nguyễn Văn An (UBND phường)", "Đ/c Hoàng", " 3 ngày", " by 3 days"},
		{"agency, hours late, no monitor", func() TaskState { s := st; s.Assignee.Officer, s.Monitor = "", " "; return s }(),
			90 * time.Minute, "UBND phường", "—", " 1 giờ 30 phút", " by 1 hour 30 minutes"},
		{"at the deadline", st, 0, "Nguyễn Văn An (UBND phường)", "Đ/c Hoàng", "", ""},
	}
	for _, c := range cases {
		got := OverdueAlert(c.st, 2, c.st.DueAt.Add(c.late))
		want := Alert{
			TitleVI: fmt.Sprintf("Nhiệm vụ quá hạn (mức %d): %s", 2, st.Title),
			TitleEN: fmt.Sprintf("Overdue task (level %d): %s", 2, st.Title),
			BodyVI: fmt.Sprintf("Nhiệm vụ \"%s\" giao cho %s, hạn %s, đã quá hạn%s và chưa được nghiệm thu. Người theo dõi: %s.",
				st.Title, c.who, viT(st.DueAt), c.vi, c.mon),
			BodyEN: fmt.Sprintf("Task \"%s\" assigned to %s, due %s, is overdue%s and not accepted yet. Monitor: %s.",
				st.Title, c.who, enT(st.DueAt), c.en, c.mon),
		}
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, want)
		}
	}
	got := OverdueAlert(st, 1, st.DueAt.Add(26*time.Hour)).BodyVI
	if want := "Nhiệm vụ \"Thu gom rác\" giao cho Nguyễn Văn An (UBND phường), hạn 17:00 04/05/2026, đã quá hạn 1 ngày và chưa được nghiệm thu. Người theo dõi: Đ/c Hoàng."; got != want {
		t.Errorf("literal body:\n got %s\nwant %s", got, want)
	}
}

func TestSessionMissedAlert(t *testing.T) {
	when := time.Date(2026, 3, 15, 8, 0, 0, 0, domain.Location)
	due := when.Add(48 * time.Hour)
	got := SessionMissedAlert("Đối thoại quý I", when.UTC(), due.UTC())
	want := Alert{
		TitleVI: "Chưa ghi nhận kết quả hội nghị: Đối thoại quý I",
		TitleEN: "Session not recorded: Đối thoại quý I",
		BodyVI:  "Hội nghị tiếp xúc, đối thoại dự kiến lúc 08:00 15/03/2026 nhưng đến 08:00 17/03/2026 vẫn chưa được ghi nhận kết quả. Đề nghị cập nhật kết quả hội nghị hoặc điều chỉnh lịch.",
		BodyEN:  "The dialogue scheduled for 2026-03-15 08:00 had no session recorded by 2026-03-17 08:00. Please record the session or reschedule it.",
	}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestSurveySummaryNotice(t *testing.T) {
	at := time.Date(2026, 3, 15, 8, 0, 0, 0, domain.Location)
	var fields []FieldCount
	for i := 0; i < 6; i++ {
		fields = append(fields, FieldCount{Field: fmt.Sprintf("f%d", i), Count: 10 - i})
	}
	got := SurveySummaryNotice("Đối thoại", "Trần Văn Bình", at, 45, fields)
	want := Notice{Kind: "notice",
		SubjectVI: "Tổng hợp phiếu xin ý kiến: Đối thoại", SubjectEN: "Pre-meeting survey summary: Đối thoại",
		BodyVI: "Kính gửi đồng chí Trần Văn Bình,\nPhiếu xin ý kiến cho hội nghị ngày 08:00 15/03/2026 đã đóng với 45 ý kiến. Các lĩnh vực nhiều ý kiến nhất:" +
			"\n- f0: 10 ý kiến\n- f1: 9 ý kiến\n- f2: 8 ý kiến\n- f3: 7 ý kiến\n- f4: 6 ý kiến",
		BodyEN: "Dear Trần Văn Bình,\nThe pre-meeting survey for the session on 2026-03-15 08:00 has closed with 45 answers. Top fields:" +
			"\n- f0: 10 opinions\n- f1: 9 opinions\n- f2: 8 opinions\n- f3: 7 opinions\n- f4: 6 opinions",
	}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// Delays read as people write them, never as a Go duration ("2h0m0s").
func TestDelayTextReadsAsWords(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		vi, en string
	}{
		{30 * time.Second, "", ""},
		{time.Minute, " 1 phút", " by 1 minute"},
		{2 * time.Hour, " 2 giờ", " by 2 hours"},
		{61*time.Minute + 20*time.Second, " 1 giờ 1 phút", " by 1 hour 1 minute"},
		{24 * time.Hour, " 1 ngày", " by 1 day"},
		{75 * time.Hour, " 3 ngày", " by 3 days"},
	} {
		vi, en := DelayText(c.d)
		if vi != c.vi || en != c.en {
			t.Errorf("DelayText(%v) = %q, %q; want %q, %q", c.d, vi, en, c.vi, c.en)
		}
	}
}
