package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sampleReport is a year-end report of Huyện Vũ Thư's 2026 plan, with an
// assessment that tries to inject markup.
func sampleReport(status string) *Report {
	vn := time.FixedZone("ICT", 7*60*60)
	asOf := time.Date(2026, 12, 31, 17, 0, 0, 0, vn)
	r := &Report{
		ID:       "bc-2026-vu-thu",
		ScopeKey: "plan/kh-55-2026",
		Kind:     KindPlan,
		Version:  3,
		Status:   status,
		Assessment: "Các cấp đã tổ chức đối thoại cơ bản đúng kế hoạch.\n" +
			"- Hạn chế: 5/30 xã chưa tổ chức <script>alert('x')</script> & \"quá hạn\".",
		ComputedAt: asOf,
		Data: Data{
			Scope: Scope{
				Kind: KindPlan, UnitID: "huyen-vu-thu", UnitName: "Huyện Vũ Thư", UnitLevel: "district",
				PlanID: "kh-55-2026",
				From:   time.Date(2026, 1, 1, 0, 0, 0, 0, vn),
				To:     time.Date(2027, 1, 1, 0, 0, 0, 0, vn),
				Title:  "Báo cáo giám sát năm 2026 — Huyện Vũ Thư",
			},
			DataTime: asOf,
			Dialogues: Dialogues{
				Planned: 33, AdHoc: 2, Held: 30, Rescheduled: 4, Cancelled: 2, Pending: 3,
				ByLevel: []LevelCount{
					{Level: "district", LevelName: LevelName("district"), Planned: 3, Held: 3,
						UnitsTotal: 1, UnitsHeld: 1, Ratio: "1/1 quận, huyện, thị xã"},
					{Level: "commune", LevelName: LevelName("commune"), Planned: 30, Held: 27, Cancelled: 2,
						UnitsTotal: 30, UnitsHeld: 25, Ratio: "25/30 xã, phường, thị trấn"},
				},
				ByKind: []KindCount{{Kind: "periodic", Planned: 28, Held: 25}, {Kind: "thematic", Planned: 5, Held: 3}, {Kind: "adhoc", Held: 2}},
			},
			Participants: Participants{Total: 4860, ByGroup: []GroupCount{
				{Group: "Đại biểu Nhân dân", Count: 3120}, {Group: "Đoàn viên, hội viên", Count: 820},
				{Group: "Cán bộ, đảng viên", Count: 640}, {Group: "Người có uy tín", Count: 280},
			}},
			Survey: Survey{Answers: 1284, ByField: []FieldCount{
				{Field: "Đất đai", Count: 402}, {Field: "Môi trường", Count: 268}, {Field: "Chính sách xã hội", Count: 245},
				{Field: "Giao thông", Count: 231}, {Field: "Khác", Count: 138},
			}},
			Opinions: Opinions{
				Total: 926, FromSurvey: 611, FromFloor: 315, AnsweredOnSpot: 598, FollowedUp: 328,
				ByField: []OpinionField{
					{Field: "Đất đai", Total: 318, AnsweredOnSpot: 171},
					{Field: "Môi trường", Total: 197, AnsweredOnSpot: 118},
					{Field: "Chính sách xã hội", Total: 171, AnsweredOnSpot: 132},
					{Field: "Giao thông", Total: 164, AnsweredOnSpot: 109},
					{Field: "Khác", Total: 76, AnsweredOnSpot: 68},
				},
			},
			Tasks: Tasks{Total: 214, DoneOnTime: 131, DoneLate: 38, Overdue: 17, Open: 24, Cancelled: 4,
				ReturnedResults: 12, AvgDelayWorkingDays: 6.4, MaxDelayWorkingDays: 27},
			Escalations: Escalations{Total: 41, ByLevel: []EscalationLevel{
				{Level: 1, Alerts: 17, Acknowledged: 17, AvgAckSeconds: 5.2 * 3600},
				{Level: 2, Alerts: 14, Acknowledged: 13, AvgAckSeconds: 20 * 3600},
				{Level: 3, Alerts: 8, Acknowledged: 6, AvgAckSeconds: 1.8 * 86400},
				{Level: 4, Alerts: 2, Acknowledged: 1, AvgAckSeconds: 3 * 86400},
			}},
		},
	}
	if status == StatusFinal {
		at := time.Date(2027, 1, 8, 10, 30, 0, 0, vn)
		r.FinalisedAt = &at
		r.FinalisedBy = "mttq-vu-thu"
	}
	return r
}

func TestWriteJSONRoundTrip(t *testing.T) {
	for _, status := range []string{StatusDraft, StatusFinal} {
		t.Run(status, func(t *testing.T) {
			want := sampleReport(status)
			var buf bytes.Buffer
			if err := WriteJSON(&buf, want); err != nil {
				t.Fatal(err)
			}
			var got Report
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			// Compare through JSON again: times decode into another
			// *time.Location than the one they were built with.
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(&got)
			if !bytes.Equal(a, b) {
				t.Errorf("round trip differs:\n%s\n%s", a, b)
			}
			if !got.ComputedAt.Equal(want.ComputedAt) || got.Data.Scope.UnitName != "Huyện Vũ Thư" {
				t.Errorf("got %v %q", got.ComputedAt, got.Data.Scope.UnitName)
			}
		})
	}
}

func TestWritersRejectNil(t *testing.T) {
	var buf bytes.Buffer
	for name, err := range map[string]error{
		"json": WriteJSON(&buf, nil),
		"csv":  WriteCSV(&buf, nil),
		"xlsx": WriteXLSX(&buf, nil),
		"html": WriteHTML(&buf, nil, LangVI),
	} {
		if err == nil {
			t.Errorf("%s: no error for a nil report", name)
		}
	}
}

// readCSV writes r as CSV and parses it back, checking the BOM.
func readCSV(t *testing.T, r *Report) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", raw[:min(3, len(raw))])
	}
	cr := csv.NewReader(bytes.NewReader(raw[3:]))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	return recs
}

// csvTitles are the section titles of the CSV export, in order.
var csvTitles = []string{"Thông tin báo cáo", "Chỉ tiêu chính", "Tình hình tổ chức hội nghị", "Hội nghị theo cấp",
	"Hội nghị theo hình thức", "Thành phần tham dự", "Ý kiến, kiến nghị tại hội nghị", "Ý kiến theo lĩnh vực",
	"Phiếu xin ý kiến trước hội nghị theo lĩnh vực", "Kết quả thực hiện nhiệm vụ", "Tiến độ và chất lượng thực hiện",
	"Cảnh báo quá hạn theo bậc", "Đánh giá của Ủy ban Mặt trận Tổ quốc"}

// isTitle reports whether a CSV record is a section title.
func isTitle(rec []string) bool { return len(rec) == 1 && slices.Contains(csvTitles, rec[0]) }

// csvSection finds the section titled title and returns its header and
// rows.
func csvSection(t *testing.T, recs [][]string, title string) (header []string, rows [][]string) {
	t.Helper()
	for i, rec := range recs {
		if isTitle(rec) && rec[0] == title && i+1 < len(recs) {
			for _, r := range recs[i+2:] {
				if isTitle(r) {
					break
				}
				rows = append(rows, r)
			}
			return recs[i+1], rows
		}
	}
	t.Fatalf("no CSV section %q", title)
	return nil, nil
}

func TestWriteCSV(t *testing.T) {
	recs := readCSV(t, sampleReport(StatusDraft))

	// The metadata block comes first.
	if got := recs[0]; !reflect.DeepEqual(got, []string{"Thông tin báo cáo"}) {
		t.Errorf("first row = %q, want the metadata title", got)
	}
	head := recs[1]
	for _, h := range []string{"Tiêu đề", "Đơn vị", "Kỳ báo cáo", "Thời điểm số liệu", "Phiên bản", "Trạng thái"} {
		if !slices.Contains(head, h) {
			t.Errorf("metadata header %q missing from %q", h, head)
		}
	}
	meta := map[string]string{}
	for i, h := range head {
		meta[h] = recs[2][i]
	}
	for h, want := range map[string]string{
		"Tiêu đề":           "Báo cáo giám sát năm 2026 — Huyện Vũ Thư",
		"Đơn vị":            "Huyện Vũ Thư",
		"Kỳ báo cáo":        "01/01/2026 – 31/12/2026",
		"Thời điểm số liệu": "31/12/2026 17:00",
		"Phiên bản":         "3",
		"Trạng thái":        "Dự thảo",
	} {
		if meta[h] != want {
			t.Errorf("metadata %s = %q, want %q", h, meta[h], want)
		}
	}

	// Every section, in order, with the assessment last.
	var titles []string
	for _, rec := range recs {
		if isTitle(rec) {
			titles = append(titles, rec[0])
		}
	}
	if !slices.Equal(titles, csvTitles) {
		t.Errorf("section titles\n got %q\nwant %q", titles, csvTitles)
	}

	// Opinions by field: Vietnamese headers and the figures.
	header, rows := csvSection(t, recs, "Ý kiến theo lĩnh vực")
	for _, h := range []string{"Lĩnh vực", "Số ý kiến", "Trả lời tại hội nghị"} {
		if !slices.Contains(header, h) {
			t.Errorf("opinions header %q missing from %q", h, header)
		}
	}
	if want := []string{"Đất đai", "318", "171", "147", "53.8"}; !slices.Equal(rows[0], want) {
		t.Errorf("first field row = %q, want %q", rows[0], want)
	}
	if last := rows[len(rows)-1]; last[0] != "Tổng cộng" || last[1] != "926" || last[2] != "598" {
		t.Errorf("total row = %q", last)
	}

	// Dialogues by level: the published ratio.
	_, rows = csvSection(t, recs, "Hội nghị theo cấp")
	if len(rows) != 2 || rows[1][0] != "Cấp xã" || rows[1][len(rows[1])-1] != "25/30 xã, phường, thị trấn" {
		t.Errorf("level rows = %q, want Cấp xã … 25/30 xã, phường, thị trấn", rows)
	}

	// Tasks: the average delay as a plain decimal.
	_, rows = csvSection(t, recs, "Tiến độ và chất lượng thực hiện")
	if rows[1][1] != "6.4" {
		t.Errorf("average delay = %q, want 6.4", rows[1][1])
	}

	// The assessment is last, one paragraph a row, text kept as is and a
	// leading "-" defused for spreadsheets.
	last := recs[len(recs)-1]
	if len(last) != 1 || !strings.Contains(last[0], "<script>alert('x')</script>") || !strings.HasPrefix(last[0], "'- Hạn chế") {
		t.Errorf("last row = %q, want the assessment's last paragraph", last)
	}
	if !strings.HasPrefix(recs[len(recs)-3][0], "Nội dung đánh giá") {
		t.Errorf("assessment header = %q", recs[len(recs)-3])
	}
}

func TestCSVCell(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{1107, "1107"},
		{6.44, "6.4"},
		{2.0, "2"},
		{"Đất đai", "Đất đai"},
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+1", "'+1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"", ""},
	} {
		if got := csvCell(tc.in); got != tc.want {
			t.Errorf("csvCell(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sampleReport(StatusFinal)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer f.Close()

	want := []string{"Tổng quan", "Hội nghị", "Ý kiến", "Phiếu xin ý kiến", "Nhiệm vụ", "Cảnh báo", "Đánh giá"}
	got := f.GetSheetList()
	if !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, name := range got {
		if n := len([]rune(name)); n > 31 || strings.ContainsAny(name, `:\/?*[]`) {
			t.Errorf("sheet name %q is not a valid Excel sheet name", name)
		}
	}

	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatalf("%s!%s: %v", sheet, ref, err)
		}
		return v
	}
	number := func(sheet, ref, want string) {
		t.Helper()
		typ, err := f.GetCellType(sheet, ref)
		if err != nil {
			t.Fatalf("%s!%s: %v", sheet, ref, err)
		}
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s!%s has type %v, want a number", sheet, ref, typ)
		}
		raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("%s!%s: %v", sheet, ref, err)
		}
		if raw != want {
			t.Errorf("%s!%s = %q, want %q", sheet, ref, raw, want)
		}
	}
	bold := func(sheet, ref string) {
		t.Helper()
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatalf("%s!%s: %v", sheet, ref, err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatalf("%s!%s style: %v", sheet, ref, err)
		}
		if st.Font == nil || !st.Font.Bold {
			t.Errorf("%s!%s (%q) is not bold", sheet, ref, cell(sheet, ref))
		}
	}

	// Overview: label | value metadata, then the key figures.
	if v := cell("Tổng quan", "A1"); v != "Thông tin báo cáo" {
		t.Errorf("Tổng quan!A1 = %q", v)
	}
	if l, v := cell("Tổng quan", "A2"), cell("Tổng quan", "B2"); l != "Tiêu đề" || v != "Báo cáo giám sát năm 2026 — Huyện Vũ Thư" {
		t.Errorf("Tổng quan!A2:B2 = %q, %q", l, v)
	}
	bold("Tổng quan", "A2")
	rows, err := f.GetRows("Tổng quan")
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			meta[r[0]] = r[1]
		}
	}
	if meta["Trạng thái"] != "Chính thức" || meta["Phiên bản"] != "3" || meta["Thời điểm hoàn tất"] != "08/01/2027 10:30" {
		t.Errorf("overview metadata = %v", meta)
	}

	// Opinions: bold header row, numbers as numbers.
	for ref, h := range map[string]string{"A6": "Lĩnh vực", "B6": "Số ý kiến", "C6": "Trả lời tại hội nghị"} {
		if v := cell("Ý kiến", ref); v != h {
			t.Errorf("Ý kiến!%s = %q, want %q", ref, v, h)
		}
		bold("Ý kiến", ref)
	}
	if v := cell("Ý kiến", "A7"); v != "Đất đai" {
		t.Errorf("Ý kiến!A7 = %q", v)
	}
	number("Ý kiến", "B7", "318")
	number("Ý kiến", "C7", "171")
	number("Ý kiến", "E7", "53.8")
	number("Ý kiến", "A3", "926")

	// Dialogues by level: the ratio text next to the numbers.
	number("Hội nghị", "B8", "30")
	if v := cell("Hội nghị", "H8"); v != "25/30 xã, phường, thị trấn" {
		t.Errorf("Hội nghị!H8 = %q", v)
	}
	number("Nhiệm vụ", "B3", "131")
	number("Nhiệm vụ", "B13", "6.4")

	// Columns are widened to fit.
	if w, err := f.GetColWidth("Ý kiến", "A"); err != nil || w < 12 {
		t.Errorf("Ý kiến column A width = %v, %v", w, err)
	}
	if v := cell("Đánh giá", "A3"); v != "Các cấp đã tổ chức đối thoại cơ bản đúng kế hoạch." {
		t.Errorf("Đánh giá!A3 = %q", v)
	}
}

// renderHTML renders r in lang.
func renderHTML(t *testing.T, r *Report, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r, lang); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteHTML(t *testing.T) {
	draft := renderHTML(t, sampleReport(StatusDraft), LangVI)
	for _, want := range []string{
		`<html lang="vi">`,
		"@page", "size: A4",
		"ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "HUYỆN VŨ THƯ",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"BÁO CÁO GIÁM SÁT", "Báo cáo giám sát năm 2026 — Huyện Vũ Thư",
		"Số liệu tính đến 17:00 ngày 31/12/2026", "Phiên bản 3",
		"DỰ THẢO",
		`id="chart-opinions"`, `id="chart-tasks"`, `id="chart-levels"`,
		"25/30 xã, phường, thị trấn",
		"4.860", "1.284", // thousands the Vietnamese way
		"64,6%", "6,4", // decimals the Vietnamese way
		"Noto Sans", "DejaVu Sans",
		"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
		"Lĩnh vực", "Số ý kiến", "Trả lời tại hội nghị",
	} {
		if !strings.Contains(draft, want) {
			t.Errorf("vi draft lacks %q", want)
		}
	}
	if n := strings.Count(draft, "<svg"); n < 2 {
		t.Errorf("%d SVG charts, want at least 2", n)
	}
	for _, bad := range []string{"<script", "http://", "https://"} {
		if strings.Contains(draft, bad) {
			t.Errorf("vi draft contains %q", bad)
		}
	}

	final := renderHTML(t, sampleReport(StatusFinal), "")
	if strings.Contains(final, "DỰ THẢO") {
		t.Error("final report is marked DỰ THẢO")
	}
	if !strings.Contains(final, "Vũ Thư, ngày 08 tháng 01 năm 2027") || !strings.Contains(final, "Chính thức") {
		t.Error("final report lacks its date line or status")
	}

	en := renderHTML(t, sampleReport(StatusDraft), "en-US")
	for _, want := range []string{
		`<html lang="en">`, "SUPERVISION REPORT", "SOCIALIST REPUBLIC OF VIET NAM", "DRAFT",
		"Figures as of 17:00 on 31/12/2026", "Opinions by field", "Answered on the spot",
		"4,860", "64.6%",
		"Báo cáo giám sát năm 2026 — Huyện Vũ Thư", "Đất đai", // data stays Vietnamese
		"&lt;script&gt;",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("en draft lacks %q", want)
		}
	}
	for _, bad := range []string{"DỰ THẢO", "BÁO CÁO GIÁM SÁT", "Số liệu tính đến", "Trả lời tại hội nghị", "<script"} {
		if strings.Contains(en, bad) {
			t.Errorf("en draft contains the Vietnamese label %q", bad)
		}
	}
}

func TestWriteHTMLEmptyReport(t *testing.T) {
	// A report with no figures at all still renders, charts included.
	out := renderHTML(t, &Report{Status: StatusDraft}, LangVI)
	if !strings.Contains(out, "Không có số liệu.") || strings.Count(out, "<svg") != 3 {
		t.Errorf("empty report renders without its placeholders:\n%s", out)
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Error("empty report has NaN or Inf in it")
	}
}

func TestLabelSetsMatch(t *testing.T) {
	vi := slices.Sorted(maps.Keys(labelsVI))
	en := slices.Sorted(maps.Keys(labelsEN))
	if !slices.Equal(vi, en) {
		for _, k := range vi {
			if _, ok := labelsEN[k]; !ok {
				t.Errorf("English label %q missing", k)
			}
		}
		for _, k := range en {
			if _, ok := labelsVI[k]; !ok {
				t.Errorf("Vietnamese label %q missing", k)
			}
		}
	}
}

func TestNumberFormat(t *testing.T) {
	vi, en := numberFormatFor(LangVI), numberFormatFor(LangEN)
	for _, tc := range []struct{ got, want string }{
		{vi.Int(0), "0"},
		{vi.Int(999), "999"},
		{vi.Int(1107), "1.107"},
		{vi.Int(2984), "2.984"},
		{vi.Int(1234567), "1.234.567"},
		{vi.Int(-4860), "-4.860"},
		{en.Int(1107), "1,107"},
		{vi.Dec(2.5), "2,5"},
		{vi.Dec(1234.56), "1.234,6"},
		{en.Dec(2.5), "2.5"},
		{vi.Pct(25, 30), "83,3%"},
		{vi.Pct(1, 0), "–"},
		{en.Pct(598, 926), "64.6%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestNiceMax(t *testing.T) {
	for _, tc := range []struct{ m, top, step int }{
		{0, 1, 1}, {3, 3, 1}, {5, 5, 1}, {7, 8, 2}, {30, 30, 10}, {318, 400, 100}, {120, 125, 25}, {1107, 1250, 250},
	} {
		top, step := niceMax(tc.m)
		if top != tc.top || step != tc.step {
			t.Errorf("niceMax(%d) = %d, %d; want %d, %d", tc.m, top, step, tc.top, tc.step)
		}
		if top < tc.m || top/step > 5 {
			t.Errorf("niceMax(%d) = %d, %d does not cover it in five ticks", tc.m, top, step)
		}
	}
}

func TestPlaceAndPeriod(t *testing.T) {
	for unit, want := range map[string]string{
		"Huyện Vũ Thư": "Vũ Thư", "Thị trấn Vũ Thư": "Vũ Thư", "Quận Đống Đa": "Đống Đa",
		"Thành phố Hà Nội": "Hà Nội", "Xã Tân Hòa": "Tân Hòa", "Hà Nội": "Hà Nội",
	} {
		if got := placeName(unit); got != want {
			t.Errorf("placeName(%q) = %q, want %q", unit, got, want)
		}
	}
	from := time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC) // 1 Jan 2026 in Vietnam
	if got, want := fmtPeriod(from, from.AddDate(1, 0, 0)), "01/01/2026 – 31/12/2026"; got != want {
		t.Errorf("fmtPeriod = %q, want %q", got, want)
	}
}
