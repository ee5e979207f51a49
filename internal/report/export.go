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
	if err := x.addSheet(i, s.Name); err != nil {
		return err
	}
	widths := colWidths{}
	row := 1
	for _, t := range s.Tables {
		var err error
		if row, err = x.table(s.Name, row, t, widths); err != nil {
			return err
		}
		row++ // an empty row between tables
	}
	return x.setColWidths(s.Name, widths)
}

// addSheet names the i-th sheet: the workbook's first sheet is renamed, the
// others are added.
func (x *xlsxWriter) addSheet(i int, name string) error {
	if i == 0 {
		return x.f.SetSheetName(x.f.GetSheetName(0), name)
	}
	_, err := x.f.NewSheet(name)
	return err
}

// table writes t from row on: its title, then its fields (a transposed
// table) or its header and data rows. It returns the row after the table.
func (x *xlsxWriter) table(sheet string, row int, t exportTable, widths colWidths) (int, error) {
	if err := x.set(sheet, 1, row, t.Title, x.title); err != nil {
		return row, err
	}
	row++
	var err error
	if t.Transpose {
		row, err = x.fields(sheet, row, t, widths)
	} else {
		row, err = x.grid(sheet, row, t, widths)
	}
	if err != nil {
		return row, err
	}
	if t.Wrap {
		widths[1] = wrapWidth + 5
	}
	return row, nil
}

// fields writes a one-row table transposed, label | value, one field a
// row, from row on. It returns the row after the last field.
func (x *xlsxWriter) fields(sheet string, row int, t exportTable, widths colWidths) (int, error) {
	for j, h := range t.Header {
		var v any = ""
		if len(t.Rows) > 0 && j < len(t.Rows[0]) {
			v = t.Rows[0][j]
		}
		if err := x.set(sheet, 1, row, h, x.label); err != nil {
			return row, err
		}
		if err := x.set(sheet, 2, row, v, x.valueStyle(v, t.Wrap)); err != nil {
			return row, err
		}
		widths.fit(1, h)
		widths.fit(2, v)
		row++
	}
	return row, nil
}

// grid writes a table as a header row and its data rows from row on. It
// returns the row after the last data row.
func (x *xlsxWriter) grid(sheet string, row int, t exportTable, widths colWidths) (int, error) {
	for j, h := range t.Header {
		if err := x.set(sheet, j+1, row, h, x.header); err != nil {
			return row, err
		}
		widths.header(j+1, h)
	}
	row++
	for _, r := range t.Rows {
		if err := x.dataRow(sheet, row, r, t.Wrap, widths); err != nil {
			return row, err
		}
		row++
	}
	return row, nil
}

// dataRow writes one data row. The cells of a wrapped row do not widen
// their columns; the row is made tall enough for its longest cell instead.
func (x *xlsxWriter) dataRow(sheet string, row int, cells []any, wrap bool, widths colWidths) error {
	for j, v := range cells {
		if err := x.set(sheet, j+1, row, v, x.valueStyle(v, wrap)); err != nil {
			return err
		}
		if !wrap {
			widths.fit(j+1, v)
		}
	}
	if !wrap {
		return nil
	}
	return x.f.SetRowHeight(sheet, row, float64(15*wrappedLines(cells)))
}

// wrappedLines is the number of lines the longest of cells takes when
// wrapped at wrapWidth characters.
func wrappedLines(cells []any) int {
	lines := 0
	for _, v := range cells {
		lines = max(lines, utf8.RuneCountInString(csvCell(v))/wrapWidth+1)
	}
	return lines
}

// setColWidths sets the width of every measured column, kept between 10
// and 60 characters.
func (x *xlsxWriter) setColWidths(sheet string, widths colWidths) error {
	for col, w := range widths {
		name, err := excelize.ColumnNumberToName(col)
		if err != nil {
			return err
		}
		if err := x.f.SetColWidth(sheet, name, name, float64(min(max(w, 10), 60))); err != nil {
			return err
		}
	}
	return nil
}

// colWidths are the widths, in characters, that the columns of a sheet
// need, by column number.
type colWidths map[int]int

// fit widens col to hold v.
func (w colWidths) fit(col int, v any) {
	n := utf8.RuneCountInString(csvCell(v)) + 2
	if _, isText := v.(string); !isText {
		n += 2 // room for the thousands separators
	}
	w[col] = max(w[col], n)
}

// header widens col to hold its header h. A header wraps, so it needs only
// about half its length.
func (w colWidths) header(col int, h string) {
	w[col] = max(w[col], min(utf8.RuneCountInString(h)+2, 16))
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
// Vietnamese titles and headers: one sheet per entry of exportSections.
func exportSheets(r *Report) []exportSheet {
	sheets := make([]exportSheet, 0, len(exportSections))
	for _, section := range exportSections {
		sheets = append(sheets, section(r))
	}
	return sheets
}

// exportSections build the sheets of the tabular exports, in order.
var exportSections = []func(*Report) exportSheet{
	overviewSheet,
	dialoguesSheet,
	opinionsSheet,
	surveySheet,
	tasksSheet,
	escalationsSheet,
	assessmentSheet,
}

// overviewSheet is SheetOverview: the report's metadata and the key
// figures.
func overviewSheet(r *Report) exportSheet {
	return exportSheet{Name: SheetOverview, Tables: []exportTable{reportInfoTable(r), keyFiguresTable(r.Data)}}
}

// reportInfoTable is the report's metadata, one field a row in XLSX.
func reportInfoTable(r *Report) exportTable {
	l := labelsVI
	d := r.Data
	finalised := ""
	if r.FinalisedAt != nil {
		finalised = fmtDateTime(*r.FinalisedAt)
	}
	return exportTable{
		Title: "Thông tin báo cáo",
		Header: []string{"Tiêu đề", "Đơn vị", "Cấp đơn vị", "Loại báo cáo", "Kỳ báo cáo",
			"Thời điểm số liệu", "Phiên bản", "Trạng thái", "Thời điểm hoàn tất", "Mã báo cáo"},
		Rows: [][]any{{d.Scope.Title, d.Scope.UnitName, l.level(d.Scope.UnitLevel), l.kind(kindOf(r)),
			fmtPeriod(d.Scope.From, d.Scope.To), fmtDateTime(dataTime(r)), r.Version, l.status(r.Status),
			finalised, r.ID}},
		Transpose: true,
	}
}

// keyFiguresTable is the key figures of every section.
func keyFiguresTable(d Data) exportTable {
	tasksTotal := taskTotal(d.Tasks)
	return exportTable{
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
	}
}

// dialoguesSheet is SheetDialogues: how the dialogues went, by level and by
// kind, and who attended.
func dialoguesSheet(r *Report) exportSheet {
	d := r.Data
	tables := []exportTable{
		{
			Title:  "Tình hình tổ chức hội nghị",
			Header: []string{"Theo kế hoạch", "Đột xuất", "Đã tổ chức", "Dời lịch", "Đã hủy", "Chưa tổ chức"},
			Rows: [][]any{{d.Dialogues.Planned, d.Dialogues.AdHoc, d.Dialogues.Held,
				d.Dialogues.Rescheduled, d.Dialogues.Cancelled, d.Dialogues.Pending}},
		},
		dialoguesByLevelTable(d.Dialogues),
		dialoguesByKindTable(d.Dialogues),
		participantsTable(d.Participants),
	}
	// Which units held none, and a row per unit, where there are several.
	if t := notHeldTable(d.Dialogues); len(t.Rows) > 0 {
		tables = append(tables, t)
	}
	if len(d.Units) > 1 {
		tables = append(tables, unitsTable(d.Units))
	}
	return exportSheet{Name: SheetDialogues, Tables: tables}
}

// dialoguesByLevelTable is the dialogues of each unit level.
func dialoguesByLevelTable(dl Dialogues) exportTable {
	t := exportTable{
		Title:  "Hội nghị theo cấp",
		Header: []string{"Cấp", "Theo kế hoạch", "Đã tổ chức", "Đã hủy", "Số đơn vị", "Số đơn vị đã tổ chức", "Tỷ lệ đơn vị đã tổ chức (%)", "Kết quả"},
	}
	for _, lc := range dl.ByLevel {
		t.Rows = append(t.Rows, []any{labelsVI.level(lc.Level), lc.Planned, lc.Held, lc.Cancelled,
			lc.UnitsTotal, lc.UnitsHeld, percent(lc.UnitsHeld, lc.UnitsTotal), ratio(lc)})
	}
	return t
}

// notHeldTable names the units of each level that held no dialogue.
func notHeldTable(dl Dialogues) exportTable {
	t := exportTable{Title: "Đơn vị chưa tổ chức hội nghị", Header: []string{"Cấp", "Đơn vị"}}
	for _, lc := range dl.ByLevel {
		for _, u := range lc.NotHeld {
			t.Rows = append(t.Rows, []any{labelsVI.level(lc.Level), u.Name})
		}
		if lc.NotHeldMore > 0 {
			t.Rows = append(t.Rows, []any{labelsVI.level(lc.Level), fmt.Sprintf("… và %d đơn vị khác", lc.NotHeldMore)})
		}
	}
	return t
}

// unitsTable is the figures of each unit.
func unitsTable(us []UnitRow) exportTable {
	t := exportTable{Title: "Kết quả theo đơn vị", Header: []string{"Đơn vị", "Cấp", "Theo kế hoạch", "Đột xuất", "Đã tổ chức",
		"Đã hủy", "Chưa tổ chức", "Ý kiến", "Nhiệm vụ", "Đã hoàn thành", "Quá hạn"}}
	for _, u := range us {
		t.Rows = append(t.Rows, []any{u.Name, labelsVI.level(u.Level), u.Planned, u.AdHoc, u.Held, u.Cancelled, u.Pending,
			u.Opinions, u.Tasks, u.TasksDone, u.TasksOverdue})
	}
	return t
}

// dialoguesByKindTable is the dialogues of each kind.
func dialoguesByKindTable(dl Dialogues) exportTable {
	t := exportTable{Title: "Hội nghị theo hình thức", Header: []string{"Hình thức", "Theo kế hoạch", "Đã tổ chức"}}
	for _, k := range dl.ByKind {
		t.Rows = append(t.Rows, []any{labelsVI.dialogueKind(k.Kind), k.Planned, k.Held})
	}
	return t
}

// participantsTable is the attendees of each group, with their total.
func participantsTable(p Participants) exportTable {
	t := exportTable{Title: "Thành phần tham dự", Header: []string{"Thành phần", "Số người"}}
	for _, g := range p.ByGroup {
		t.Rows = append(t.Rows, []any{g.Group, g.Count})
	}
	t.Rows = append(t.Rows, []any{"Tổng cộng", p.Total})
	return t
}

// opinionsSheet is SheetOpinions: the opinions raised at the dialogues, in
// all and by field.
func opinionsSheet(r *Report) exportSheet {
	o := r.Data.Opinions
	return exportSheet{Name: SheetOpinions, Tables: []exportTable{
		{
			Title:  "Ý kiến, kiến nghị tại hội nghị",
			Header: []string{"Tổng số ý kiến", "Từ phiếu xin ý kiến", "Phát biểu tại hội nghị", "Trả lời tại hội nghị", "Chuyển xử lý sau hội nghị"},
			Rows:   [][]any{{o.Total, o.FromSurvey, o.FromFloor, o.AnsweredOnSpot, o.FollowedUp}},
		},
		opinionsByFieldTable(o),
	}}
}

// opinionsByFieldTable is the opinions of each field, with their total.
func opinionsByFieldTable(o Opinions) exportTable {
	t := exportTable{
		Title:  "Ý kiến theo lĩnh vực",
		Header: []string{"Lĩnh vực", "Số ý kiến", "Trả lời tại hội nghị", "Chuyển xử lý sau hội nghị", "Tỷ lệ trả lời tại hội nghị (%)"},
	}
	for _, of := range o.ByField {
		t.Rows = append(t.Rows, []any{of.Field, of.Total, of.AnsweredOnSpot,
			of.Total - of.AnsweredOnSpot, percent(of.AnsweredOnSpot, of.Total)})
	}
	t.Rows = append(t.Rows, []any{"Tổng cộng", o.Total, o.AnsweredOnSpot,
		o.FollowedUp, percent(o.AnsweredOnSpot, o.Total)})
	return t
}

// surveySheet is SheetSurvey: the survey answers before the dialogues, by
// field.
func surveySheet(r *Report) exportSheet {
	s := r.Data.Survey
	t := exportTable{Title: "Phiếu xin ý kiến trước hội nghị theo lĩnh vực", Header: []string{"Lĩnh vực", "Số ý kiến", "Tỷ lệ (%)"}}
	for _, fc := range s.ByField {
		t.Rows = append(t.Rows, []any{fc.Field, fc.Count, percent(fc.Count, s.Answers)})
	}
	t.Rows = append(t.Rows, []any{"Tổng cộng", s.Answers, percent(s.Answers, s.Answers)})
	return exportSheet{Name: SheetSurvey, Tables: []exportTable{t}}
}

// tasksSheet is SheetTasks: the tasks after the dialogues by outcome, and
// how late and how well they were done.
func tasksSheet(r *Report) exportSheet {
	tk := r.Data.Tasks
	return exportSheet{Name: SheetTasks, Tables: []exportTable{
		taskOutcomesTable(tk),
		{
			Title:  "Tiến độ và chất lượng thực hiện",
			Header: []string{"Chỉ tiêu", "Giá trị"},
			Rows: [][]any{
				{"Kết quả bị trả lại (lượt)", tk.ReturnedResults},
				{"Số ngày trễ bình quân (ngày làm việc)", tk.AvgDelayWorkingDays},
				{"Số ngày trễ tối đa (ngày làm việc)", tk.MaxDelayWorkingDays},
			},
		},
	}}
}

// taskOutcomesTable is the tasks of each outcome, with their total.
func taskOutcomesTable(tk Tasks) exportTable {
	total := taskTotal(tk)
	t := exportTable{Title: "Kết quả thực hiện nhiệm vụ", Header: []string{"Kết quả thực hiện", "Số nhiệm vụ", "Tỷ lệ (%)"}}
	for _, o := range taskOutcomes(tk) {
		t.Rows = append(t.Rows, []any{labelsVI.outcome(o.Key), o.Count, percent(o.Count, total)})
	}
	t.Rows = append(t.Rows, []any{"Tổng cộng", total, percent(total, total)})
	return t
}

// escalationsSheet is SheetEscalations: the overdue alerts of each rung,
// with their total.
func escalationsSheet(r *Report) exportSheet {
	e := r.Data.Escalations
	t := exportTable{
		Title:  "Cảnh báo quá hạn theo bậc",
		Header: []string{"Bậc cảnh báo", "Số cảnh báo", "Đã xác nhận", "Chưa xác nhận", "Thời gian xác nhận bình quân (giờ)"},
	}
	acked := 0
	for _, el := range e.ByLevel {
		t.Rows = append(t.Rows, []any{labelsVI.rung(el.Level), el.Alerts, el.Acknowledged,
			el.Alerts - el.Acknowledged, el.AvgAckSeconds / 3600})
		acked += el.Acknowledged
	}
	t.Rows = append(t.Rows, []any{"Tổng cộng", e.Total, acked,
		e.Total - acked, avgAck(e.ByLevel) / 3600})
	return exportSheet{Name: SheetEscalations, Tables: []exportTable{t}}
}

// assessmentSheet is SheetAssessment: MTTQ's assessment, one paragraph a
// row, or a note that there is none.
func assessmentSheet(r *Report) exportSheet {
	t := exportTable{Title: "Đánh giá của Ủy ban Mặt trận Tổ quốc", Header: []string{"Nội dung đánh giá"}, Wrap: true}
	for _, p := range paragraphs(r.Assessment) {
		t.Rows = append(t.Rows, []any{p})
	}
	if len(t.Rows) == 0 {
		t.Rows = [][]any{{labelsVI["no_assessment"]}}
	}
	return exportSheet{Name: SheetAssessment, Tables: []exportTable{t}}
}

// kindOf is the report's kind, from the report or else its scope.
func kindOf(r *Report) string {
	if r.Kind != "" {
		return r.Kind
	}
	return r.Data.Scope.Kind
}
