package report

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// errNilReport is returned by the writers when given no report.
var errNilReport = errors.New("nil report")

// Sheet names of the XLSX export, one per section, in order. The CSV export
// writes the same sections in the same order.
const (
	SheetOverview    = "Tổng quan"
	SheetDialogues   = "Hội nghị"
	SheetOpinions    = "Ý kiến"
	SheetSurvey      = "Phiếu xin ý kiến"
	SheetTasks       = "Nhiệm vụ"
	SheetEscalations = "Cảnh báo"
	SheetAssessment  = "Đánh giá"
)

// CSVBOM is the UTF-8 byte order mark WriteCSV starts with, so that Excel
// reads the file as UTF-8.
const CSVBOM = "\uFEFF"

// WriteJSON writes r as indented JSON, the same encoding the API serves.
func WriteJSON(w io.Writer, r *Report) error {
	if r == nil {
		return fmt.Errorf("write report json: %w", errNilReport)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report json: %w", err)
	}
	return nil
}

// WriteCSV writes r as UTF-8 CSV with a byte order mark: the sections one
// after another, each a title row, a header row with Vietnamese column names
// and its data rows, separated by an empty line. The report's metadata
// (Tiêu đề, Đơn vị, Kỳ báo cáo, Thời điểm số liệu, Phiên bản, Trạng thái…)
// comes first and MTTQ's assessment last, one paragraph a row. Numbers are
// written plainly (1107, 6.4) so that they parse back; text cells that a
// spreadsheet would take for a formula (=, +, -, @) are prefixed with "'".
func WriteCSV(w io.Writer, r *Report) error {
	if r == nil {
		return fmt.Errorf("write report csv: %w", errNilReport)
	}
	if _, err := io.WriteString(w, CSVBOM); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	cw := csv.NewWriter(w)
	for i, t := range allTables(exportSheets(r)) {
		if i > 0 {
			cw.Write(nil) // an empty line between sections
		}
		cw.Write([]string{t.Title})
		cw.Write(t.Header)
		for _, row := range t.Rows {
			rec := make([]string, len(row))
			for j, v := range row {
				rec[j] = csvCell(v)
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	return nil
}

// csvCell formats one value for CSV.
func csvCell(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(round1(v), 'f', -1, 64)
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	return fmt.Sprint(v)
}

// WriteXLSX writes r as an Excel workbook with one sheet per section
// (SheetOverview … SheetAssessment): bold Vietnamese headers, column widths
// fitted to the content and figures stored as numbers.
func WriteXLSX(w io.Writer, r *Report) error {
	if r == nil {
		return fmt.Errorf("write report xlsx: %w", errNilReport)
	}
	f := excelize.NewFile()
	defer f.Close()
	x, err := newXLSXWriter(f)
	if err != nil {
		return fmt.Errorf("write report xlsx: %w", err)
	}
	for i, s := range exportSheets(r) {
		if err := x.sheet(i, s); err != nil {
			return fmt.Errorf("write report xlsx: sheet %q: %w", s.Name, err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    r.Data.Scope.Title,
		Subject:  "Báo cáo giám sát",
		Creator:  "doithoai",
		Language: "vi-VN",
	}); err != nil {
		return fmt.Errorf("write report xlsx: properties: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write report xlsx: %w", err)
	}
	return nil
}

// xlsxWriter writes sheets into a workbook with a fixed set of styles.
type xlsxWriter struct {
	f                                                  *excelize.File
	title, header, label, text, wrap, integer, decimal int
}

// newXLSXWriter creates the styles of the workbook.
func newXLSXWriter(f *excelize.File) (*xlsxWriter, error) {
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1},
		{Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1},
		{Type: "bottom", Color: "808080", Style: 1},
	}
	oneDecimal := "#,##0.0"
	x := &xlsxWriter{f: f}
	styles := []struct {
		id    *int
		style *excelize.Style
	}{
		{&x.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}},
		{&x.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
			Border:    border,
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		}},
		{&x.label, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&x.text, &excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&x.wrap, &excelize.Style{Border: border, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&x.integer, &excelize.Style{Border: border, NumFmt: 3}}, // #,##0
		{&x.decimal, &excelize.Style{Border: border, CustomNumFmt: &oneDecimal}},
	}
	for _, st := range styles {
		id, err := f.NewStyle(st.style)
		if err != nil {
			return nil, fmt.Errorf("new style: %w", err)
		}
		*st.id = id
	}
	return x, nil
}

// sheet writes the i-th sheet: its tables one below the other.
func (x *xlsxWriter) sheet(i int, s exportSheet) error {
	if i == 0 {
		if err := x.f.SetSheetName(x.f.GetSheetName(0), s.Name); err != nil {
			return err
		}
	} else if _, err := x.f.NewSheet(s.Name); err != nil {
		return err
	}
	widths := map[int]int{}
	fit := func(col int, v any) {
		n := utf8.RuneCountInString(csvCell(v)) + 2
		if _, isText := v.(string); !isText {
			n += 2 // room for the thousands separators
		}
		widths[col] = max(widths[col], n)
	}
	row := 1
	for _, t := range s.Tables {
		if err := x.set(s.Name, 1, row, t.Title, x.title); err != nil {
			return err
		}
		row++
		if t.Transpose {
			// Label | value, one field a row.
			for j, h := range t.Header {
				var v any = ""
				if len(t.Rows) > 0 && j < len(t.Rows[0]) {
					v = t.Rows[0][j]
				}
				if err := x.set(s.Name, 1, row, h, x.label); err != nil {
					return err
				}
				if err := x.set(s.Name, 2, row, v, x.valueStyle(v, t.Wrap)); err != nil {
					return err
				}
				fit(1, h)
				fit(2, v)
				row++
			}
		} else {
			for j, h := range t.Header {
				if err := x.set(s.Name, j+1, row, h, x.header); err != nil {
					return err
				}
				// A header wraps, so it needs only about half its length.
				widths[j+1] = max(widths[j+1], min(utf8.RuneCountInString(h)+2, 16))
			}
			row++
			for _, r := range t.Rows {
				for j, v := range r {
					if err := x.set(s.Name, j+1, row, v, x.valueStyle(v, t.Wrap)); err != nil {
						return err
					}
					if !t.Wrap {
						fit(j+1, v)
					}
				}
				if t.Wrap {
					lines := 0
					for _, v := range r {
						lines = max(lines, utf8.RuneCountInString(csvCell(v))/wrapWidth+1)
					}
					if err := x.f.SetRowHeight(s.Name, row, float64(15*lines)); err != nil {
						return err
					}
				}
				row++
			}
		}
		if t.Wrap {
			widths[1] = wrapWidth + 5
		}
		row++ // an empty row between tables
	}
	for col, w := range widths {
		name, err := excelize.ColumnNumberToName(col)
		if err != nil {
			return err
		}
		if err := x.f.SetColWidth(s.Name, name, name, float64(min(max(w, 10), 60))); err != nil {
			return err
		}
	}
	return nil
}

// wrapWidth is the width, in characters, of wrapped text columns (the
// assessment).
const wrapWidth = 100

// set writes one cell with a style.
func (x *xlsxWriter) set(sheet string, col, row int, v any, style int) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if err := x.f.SetCellValue(sheet, cell, v); err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, cell, cell, style)
}

// valueStyle is the style of a data cell holding v.
func (x *xlsxWriter) valueStyle(v any, wrap bool) int {
	switch v.(type) {
	case int:
		return x.integer
	case float64:
		return x.decimal
	}
	if wrap {
		return x.wrap
	}
	return x.text
}

// exportSheet is one section of the tabular exports.
type exportSheet struct {
	Name   string
	Tables []exportTable
}

// exportTable is a titled table. Cells are string, int or float64.
type exportTable struct {
	Title  string
	Header []string
	Rows   [][]any
	// Transpose lays the table out as label | value in XLSX (it has one
	// row); CSV keeps it as a header row and a value row.
	Transpose bool
	// Wrap makes the single text column wide and wrapped in XLSX.
	Wrap bool
}

// allTables flattens the sheets into their tables, in order.
func allTables(sheets []exportSheet) []exportTable {
	var out []exportTable
	for _, s := range sheets {
		out = append(out, s.Tables...)
	}
	return out
}

// exportSheets lays r out as the sections of the tabular exports, with
// Vietnamese titles and headers.
func exportSheets(r *Report) []exportSheet {
	l := labelsVI
	d := r.Data
	tasksTotal := taskTotal(d.Tasks)

	finalised := ""
	if r.FinalisedAt != nil {
		finalised = fmtDateTime(*r.FinalisedAt)
	}
	overview := exportSheet{Name: SheetOverview, Tables: []exportTable{
		{
			Title: "Thông tin báo cáo",
			Header: []string{"Tiêu đề", "Đơn vị", "Cấp đơn vị", "Loại báo cáo", "Kỳ báo cáo",
				"Thời điểm số liệu", "Phiên bản", "Trạng thái", "Thời điểm hoàn tất", "Mã báo cáo"},
			Rows: [][]any{{d.Scope.Title, d.Scope.UnitName, l.level(d.Scope.UnitLevel), l.kind(kindOf(r)),
				fmtPeriod(d.Scope.From, d.Scope.To), fmtDateTime(dataTime(r)), r.Version, l.status(r.Status),
				finalised, r.ID}},
			Transpose: true,
		},
		{
			Title:  "Chỉ tiêu chính",
			Header: []string{"Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"},
			Rows: [][]any{
				{"Hội nghị theo kế hoạch", d.Dialogues.Planned, ""},
				{"Hội nghị đột xuất", d.Dialogues.AdHoc, ""},
				{"Hội nghị đã tổ chức", d.Dialogues.Held, ""},
				{"Lượt người tham dự", d.Participants.Total, ""},
				{"Ý kiến qua phiếu xin ý kiến", d.Survey.Answers, ""},
				{"Ý kiến, kiến nghị tại hội nghị", d.Opinions.Total, ""},
				{"Ý kiến trả lời tại hội nghị", d.Opinions.AnsweredOnSpot, percent(d.Opinions.AnsweredOnSpot, d.Opinions.Total)},
				{"Nhiệm vụ sau hội nghị", tasksTotal, ""},
				{"Nhiệm vụ hoàn thành đúng hạn", d.Tasks.DoneOnTime, percent(d.Tasks.DoneOnTime, tasksTotal)},
				{"Nhiệm vụ quá hạn", d.Tasks.Overdue, percent(d.Tasks.Overdue, tasksTotal)},
				{"Cảnh báo quá hạn", d.Escalations.Total, ""},
			},
		},
	}}

	byLevel := exportTable{
		Title:  "Hội nghị theo cấp",
		Header: []string{"Cấp", "Theo kế hoạch", "Đã tổ chức", "Đã hủy", "Số đơn vị", "Số đơn vị đã tổ chức", "Tỷ lệ đơn vị đã tổ chức (%)", "Kết quả"},
	}
	for _, lc := range d.Dialogues.ByLevel {
		byLevel.Rows = append(byLevel.Rows, []any{l.level(lc.Level), lc.Planned, lc.Held, lc.Cancelled,
			lc.UnitsTotal, lc.UnitsHeld, percent(lc.UnitsHeld, lc.UnitsTotal), ratio(lc)})
	}
	byKind := exportTable{Title: "Hội nghị theo hình thức", Header: []string{"Hình thức", "Theo kế hoạch", "Đã tổ chức"}}
	for _, k := range d.Dialogues.ByKind {
		byKind.Rows = append(byKind.Rows, []any{l.dialogueKind(k.Kind), k.Planned, k.Held})
	}
	people := exportTable{Title: "Thành phần tham dự", Header: []string{"Thành phần", "Số người"}}
	for _, g := range d.Participants.ByGroup {
		people.Rows = append(people.Rows, []any{g.Group, g.Count})
	}
	people.Rows = append(people.Rows, []any{"Tổng cộng", d.Participants.Total})
	dialogues := exportSheet{Name: SheetDialogues, Tables: []exportTable{
		{
			Title:  "Tình hình tổ chức hội nghị",
			Header: []string{"Theo kế hoạch", "Đột xuất", "Đã tổ chức", "Dời lịch", "Đã hủy", "Chưa tổ chức"},
			Rows: [][]any{{d.Dialogues.Planned, d.Dialogues.AdHoc, d.Dialogues.Held,
				d.Dialogues.Rescheduled, d.Dialogues.Cancelled, d.Dialogues.Pending}},
		},
		byLevel, byKind, people,
	}}

	byField := exportTable{
		Title:  "Ý kiến theo lĩnh vực",
		Header: []string{"Lĩnh vực", "Số ý kiến", "Trả lời tại hội nghị", "Chuyển xử lý sau hội nghị", "Tỷ lệ trả lời tại hội nghị (%)"},
	}
	for _, o := range d.Opinions.ByField {
		byField.Rows = append(byField.Rows, []any{o.Field, o.Total, o.AnsweredOnSpot,
			o.Total - o.AnsweredOnSpot, percent(o.AnsweredOnSpot, o.Total)})
	}
	byField.Rows = append(byField.Rows, []any{"Tổng cộng", d.Opinions.Total, d.Opinions.AnsweredOnSpot,
		d.Opinions.FollowedUp, percent(d.Opinions.AnsweredOnSpot, d.Opinions.Total)})
	opinions := exportSheet{Name: SheetOpinions, Tables: []exportTable{
		{
			Title:  "Ý kiến, kiến nghị tại hội nghị",
			Header: []string{"Tổng số ý kiến", "Từ phiếu xin ý kiến", "Phát biểu tại hội nghị", "Trả lời tại hội nghị", "Chuyển xử lý sau hội nghị"},
			Rows: [][]any{{d.Opinions.Total, d.Opinions.FromSurvey, d.Opinions.FromFloor,
				d.Opinions.AnsweredOnSpot, d.Opinions.FollowedUp}},
		},
		byField,
	}}

	survey := exportTable{Title: "Phiếu xin ý kiến trước hội nghị theo lĩnh vực", Header: []string{"Lĩnh vực", "Số ý kiến", "Tỷ lệ (%)"}}
	for _, fc := range d.Survey.ByField {
		survey.Rows = append(survey.Rows, []any{fc.Field, fc.Count, percent(fc.Count, d.Survey.Answers)})
	}
	survey.Rows = append(survey.Rows, []any{"Tổng cộng", d.Survey.Answers, percent(d.Survey.Answers, d.Survey.Answers)})

	outcomes := exportTable{Title: "Kết quả thực hiện nhiệm vụ", Header: []string{"Kết quả thực hiện", "Số nhiệm vụ", "Tỷ lệ (%)"}}
	for _, o := range taskOutcomes(d.Tasks) {
		outcomes.Rows = append(outcomes.Rows, []any{l.outcome(o.Key), o.Count, percent(o.Count, tasksTotal)})
	}
	outcomes.Rows = append(outcomes.Rows, []any{"Tổng cộng", tasksTotal, percent(tasksTotal, tasksTotal)})
	tasks := exportSheet{Name: SheetTasks, Tables: []exportTable{
		outcomes,
		{
			Title:  "Tiến độ và chất lượng thực hiện",
			Header: []string{"Chỉ tiêu", "Giá trị"},
			Rows: [][]any{
				{"Kết quả bị trả lại (lượt)", d.Tasks.ReturnedResults},
				{"Số ngày trễ bình quân (ngày làm việc)", d.Tasks.AvgDelayWorkingDays},
				{"Số ngày trễ tối đa (ngày làm việc)", d.Tasks.MaxDelayWorkingDays},
			},
		},
	}}

	alerts := exportTable{
		Title:  "Cảnh báo quá hạn theo bậc",
		Header: []string{"Bậc cảnh báo", "Số cảnh báo", "Đã xác nhận", "Chưa xác nhận", "Thời gian xác nhận bình quân (giờ)"},
	}
	acked := 0
	for _, e := range d.Escalations.ByLevel {
		alerts.Rows = append(alerts.Rows, []any{l.rung(e.Level), e.Alerts, e.Acknowledged,
			e.Alerts - e.Acknowledged, e.AvgAckSeconds / 3600})
		acked += e.Acknowledged
	}
	alerts.Rows = append(alerts.Rows, []any{"Tổng cộng", d.Escalations.Total, acked,
		d.Escalations.Total - acked, avgAck(d.Escalations.ByLevel) / 3600})

	assessment := exportTable{Title: "Đánh giá của Ủy ban Mặt trận Tổ quốc", Header: []string{"Nội dung đánh giá"}, Wrap: true}
	for _, p := range paragraphs(r.Assessment) {
		assessment.Rows = append(assessment.Rows, []any{p})
	}
	if len(assessment.Rows) == 0 {
		assessment.Rows = [][]any{{l["no_assessment"]}}
	}

	return []exportSheet{
		overview,
		dialogues,
		opinions,
		{Name: SheetSurvey, Tables: []exportTable{survey}},
		tasks,
		{Name: SheetEscalations, Tables: []exportTable{alerts}},
		{Name: SheetAssessment, Tables: []exportTable{assessment}},
	}
}

// kindOf is the report's kind, from the report or else its scope.
func kindOf(r *Report) string {
	if r.Kind != "" {
		return r.Kind
	}
	return r.Data.Scope.Kind
}
