// Command sample-report writes a realistic supervision report (Huyện Vũ
// Thư, 2026) in every export format — printable HTML in Vietnamese and
// English, CSV, XLSX and JSON — into a folder, to look at the layouts
// without a database. scripts/render-report.sh runs it and renders the HTML
// with headless Chromium.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/doithoai/doithoai/internal/report"
)

// options are the command-line flags.
type options struct {
	Out    string
	Status string
}

func main() {
	var o options
	flag.StringVar(&o.Out, "out", "artifacts/report-sample", "folder to write the files to")
	flag.StringVar(&o.Status, "status", report.StatusDraft, "report status: draft or final")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatalf("sample-report: %v", err)
	}
}

// run writes the sample report in every format into o.Out and prints the
// paths.
func run(o options) error {
	if o.Status != report.StatusDraft && o.Status != report.StatusFinal {
		return fmt.Errorf("status %q: want %q or %q", o.Status, report.StatusDraft, report.StatusFinal)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", o.Out, err)
	}
	r := sample(o.Status)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"report.html", func(w io.Writer) error { return report.WriteHTML(w, r, report.LangVI) }},
		{"report.en.html", func(w io.Writer) error { return report.WriteHTML(w, r, report.LangEN) }},
		{"report.csv", func(w io.Writer) error { return report.WriteCSV(w, r) }},
		{"report.xlsx", func(w io.Writer) error { return report.WriteXLSX(w, r) }},
		{"report.json", func(w io.Writer) error { return report.WriteJSON(w, r) }},
	}
	for _, f := range files {
		path := filepath.Join(o.Out, f.name)
		if err := writeFile(path, f.write); err != nil {
			return err
		}
		fmt.Println(path)
	}
	return nil
}

// writeFile creates path and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// sample is the year-end report of Huyện Vũ Thư's 2026 plan: 3
// district-level dialogues, 25 of 30 communes held theirs, over 900
// opinions on land, environment, transport and social policy.
func sample(status string) *report.Report {
	vn := time.FixedZone("ICT", 7*60*60)
	asOf := time.Date(2026, 12, 31, 17, 0, 0, 0, vn)
	r := &report.Report{
		ID:       "bc-2026-vu-thu-kh55",
		ScopeKey: "plan/kh-55-2026",
		Kind:     report.KindPlan,
		Version:  3,
		Status:   status,
		Assessment: "Năm 2026, cấp ủy, chính quyền các cấp trên địa bàn huyện đã tổ chức hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân cơ bản đúng kế hoạch; " +
			"người đứng đầu trực tiếp chủ trì, lắng nghe và trả lời tại hội nghị 598/926 ý kiến (64,6%).\n" +
			"- Ưu điểm: công tác chuẩn bị chu đáo, phiếu xin ý kiến được tổng hợp và gửi trước cho người chủ trì; nhiều kiến nghị về đất đai, giao thông nông thôn được giải quyết dứt điểm.\n" +
			"- Hạn chế: 5/30 xã chưa tổ chức đối thoại trong năm; 17 nhiệm vụ sau hội nghị đã quá hạn, chủ yếu thuộc lĩnh vực đất đai và môi trường (ô nhiễm tại cụm công nghiệp, thu gom rác thải); một số kết quả bị trả lại do chưa đúng nội dung kết luận.\n" +
			"Đề nghị Ủy ban nhân dân huyện chỉ đạo các cơ quan, đơn vị hoàn thành dứt điểm các nhiệm vụ quá hạn trong quý I/2027 và báo cáo kết quả về Ban Thường trực Ủy ban MTTQ huyện.",
		ComputedAt: asOf,
		Data: report.Data{
			Scope: report.Scope{
				Kind:      report.KindPlan,
				UnitID:    "huyen-vu-thu",
				UnitName:  "Huyện Vũ Thư",
				UnitLevel: "district",
				PlanID:    "kh-55-2026",
				From:      time.Date(2026, 1, 1, 0, 0, 0, 0, vn),
				To:        time.Date(2027, 1, 1, 0, 0, 0, 0, vn),
				Title:     "Báo cáo giám sát năm 2026 — Huyện Vũ Thư",
			},
			DataTime: asOf,
			Dialogues: report.Dialogues{
				Planned: 33, AdHoc: 2, Held: 30, Rescheduled: 4, Cancelled: 2, Pending: 3,
				ByLevel: []report.LevelCount{
					{Level: "district", LevelName: report.LevelName("district"), Planned: 3, Held: 3,
						UnitsTotal: 1, UnitsHeld: 1, Ratio: "1/1 " + report.LevelName("district")},
					{Level: "commune", LevelName: report.LevelName("commune"), Planned: 30, Held: 27, Cancelled: 2,
						UnitsTotal: 30, UnitsHeld: 25, Ratio: "25/30 " + report.LevelName("commune")},
				},
				ByKind: []report.KindCount{
					{Kind: "periodic", Planned: 28, Held: 25},
					{Kind: "thematic", Planned: 5, Held: 3},
					{Kind: "adhoc", Planned: 0, Held: 2},
				},
			},
			Participants: report.Participants{
				Total: 4860,
				ByGroup: []report.GroupCount{
					{Group: "Đại biểu Nhân dân", Count: 3120},
					{Group: "Đoàn viên, hội viên các đoàn thể", Count: 820},
					{Group: "Cán bộ, đảng viên", Count: 640},
					{Group: "Người có uy tín, chức sắc tôn giáo", Count: 280},
				},
			},
			Survey: report.Survey{
				Answers: 1284,
				ByField: []report.FieldCount{
					{Field: "Đất đai", Count: 402},
					{Field: "Môi trường", Count: 268},
					{Field: "Chính sách xã hội", Count: 245},
					{Field: "Giao thông", Count: 231},
					{Field: "Y tế, giáo dục", Count: 86},
					{Field: "Khác", Count: 52},
				},
			},
			Opinions: report.Opinions{
				Total: 926, FromSurvey: 611, FromFloor: 315, AnsweredOnSpot: 598, FollowedUp: 328,
				ByField: []report.OpinionField{
					{Field: "Đất đai", Total: 318, AnsweredOnSpot: 171},
					{Field: "Môi trường", Total: 197, AnsweredOnSpot: 118},
					{Field: "Chính sách xã hội", Total: 171, AnsweredOnSpot: 132},
					{Field: "Giao thông", Total: 164, AnsweredOnSpot: 109},
					{Field: "Y tế, giáo dục", Total: 48, AnsweredOnSpot: 42},
					{Field: "Khác", Total: 28, AnsweredOnSpot: 26},
				},
			},
			Tasks: report.Tasks{
				Total: 214, DoneOnTime: 131, DoneLate: 38, Overdue: 17, Open: 24, Cancelled: 4,
				ReturnedResults: 12, AvgDelayWorkingDays: 6.4, MaxDelayWorkingDays: 27,
			},
			Escalations: report.Escalations{
				Total: 41,
				ByLevel: []report.EscalationLevel{
					{Level: 1, Alerts: 17, Acknowledged: 17, AvgAckSeconds: 5.2 * 3600},
					{Level: 2, Alerts: 14, Acknowledged: 13, AvgAckSeconds: 20 * 3600},
					{Level: 3, Alerts: 8, Acknowledged: 6, AvgAckSeconds: 1.8 * 86400},
					{Level: 4, Alerts: 2, Acknowledged: 1, AvgAckSeconds: 3 * 86400},
				},
			},
		},
	}
	if status == report.StatusFinal {
		at := time.Date(2027, 1, 8, 10, 30, 0, 0, vn)
		r.FinalisedAt = &at
		r.FinalisedBy = "mttq-vu-thu"
	}
	return r
}
