// Package planimport reads a plan's dialogues from a spreadsheet (XLSX or
// CSV), one dialogue a row. Parsing is pure: it reads every row before
// anything is sent and reports each bad cell by row and column, so a page
// can create the plan in one API call, with all its dialogues, only when
// every row is valid. It also writes the blank templates.
package planimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/doithoai/doithoai/internal/domain"
)

// Limits of one import.
const (
	// MaxBytes caps the uploaded file.
	MaxBytes = 2 << 20
	// MaxRows caps the dialogues of one file (the API takes at
	// most 1000 dialogues a plan).
	MaxRows = 1000
)

// Row is one valid row of an imported file: a dialogue.
type Row struct {
	// Row is the row's number in the spreadsheet (the header is row 1 in
	// the template).
	Row           int
	ScheduledAt   time.Time
	Kind          string
	Topic         string
	Title         string
	Place         string
	Hosts         []Host
	InvitedGroups []string
	// Unit is the unit holding the dialogue as written (an official code
	// or a name), "" for the plan's unit; Resolve turns it into UnitID.
	Unit   string
	UnitID string
}

// Host is a host of an imported dialogue.
type Host struct {
	Name, Title string
}

// Problem is one thing wrong with an imported file.
type Problem struct {
	// Row is the spreadsheet row (0 for the file as a whole).
	Row int
	// Column names the column: date, time, kind, topic, title, place,
	// host, host_title, groups ("" for the whole row or file).
	Column string
	// Code says what is wrong; its text is the message imp.err_<code>.
	Code string
	// Value is the offending value (or a limit), put in the message.
	Value string
	// Message, when set, is the text to show as is (errors found by the
	// API, already in the page language).
	Message string
}

// The columns of an import file.
const (
	ColDate      = "date"
	ColTime      = "time"
	ColKind      = "kind"
	ColTopic     = "topic"
	ColTitle     = "title"
	ColPlace     = "place"
	ColHost      = "host"
	ColHostTitle = "host_title"
	ColGroups    = "groups"
	ColUnit      = "unit"
)

// headers are the template's column headers, in order.
var headers = []struct{ Col, Header string }{
	{ColDate, "Ngày (dd/mm/yyyy)"},
	{ColTime, "Giờ (hh:mm)"},
	{ColKind, "Hình thức"},
	{ColTopic, "Chuyên đề"},
	{ColPlace, "Địa điểm"},
	{ColHost, "Người chủ trì"},
	{ColHostTitle, "Chức vụ"},
	{ColGroups, "Thành phần mời"},
	{ColUnit, "Đơn vị (mã hoặc tên)"},
}

// aliases recognise a header (folded: lower case, no diacritics, no
// "(…)" hint) in Vietnamese or English.
var aliases = map[string]string{
	"ngay": ColDate, "date": ColDate, "ngay to chuc": ColDate,
	"gio": ColTime, "time": ColTime, "thoi gian": ColTime,
	"hinh thuc": ColKind, "kind": ColKind, "loai": ColKind, "loai hoi nghi": ColKind, "type": ColKind,
	"chuyen de": ColTopic, "topic": ColTopic, "chu de": ColTopic, "noi dung": ColTopic,
	"ten hoi nghi": ColTitle, "dialogue title": ColTitle,
	"dia diem": ColPlace, "place": ColPlace, "venue": ColPlace,
	"nguoi chu tri": ColHost, "chu tri": ColHost, "host": ColHost, "hosts": ColHost,
	"chuc vu": ColHostTitle, "host title": ColHostTitle, "position": ColHostTitle, "title": ColHostTitle,
	"don vi": ColUnit, "unit": ColUnit, "ma don vi": ColUnit, "don vi to chuc": ColUnit, "dia ban": ColUnit, "unit code": ColUnit,
	"thanh phan moi": ColGroups, "thanh phan": ColGroups, "invited groups": ColGroups, "invited": ColGroups, "groups": ColGroups,
}

// required are the columns a file must have.
var required = []string{ColDate, ColKind, ColHost}

// defaultHour is the time of a dialogue whose row gives none.
const defaultHour = 8

// Parse reads an uploaded XLSX or CSV file (told apart by its
// name and content) into dialogues. It reads every row and returns every
// error; rows are usable only when errs is empty. year, when not 0, is the
// plan year every date must fall in.
func Parse(filename string, data []byte, year int) (rows []Row, errs []Problem) {
	fileErr := func(code, value string) ([]Row, []Problem) {
		return nil, []Problem{{Code: code, Value: value}}
	}
	if len(data) > MaxBytes {
		return fileErr("too_large", "")
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))) == 0 {
		return fileErr("empty", "")
	}
	ext := strings.ToLower(path.Ext(filename))
	isZip := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	isOLE := bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0})
	var recs []record
	date1904 := false
	var err *Problem
	switch {
	case ext == ".xls" || isOLE:
		return fileErr("xls", "")
	case ext == ".xlsx" || ext == ".xlsm" || (ext == "" && isZip):
		if !isZip {
			return fileErr("unreadable", "")
		}
		recs, date1904, err = readXLSX(data)
	case ext == ".csv" || ext == ".txt" || ext == "":
		if isZip {
			return fileErr("wrong_type", "")
		}
		recs, err = readCSV(data)
	default:
		return fileErr("wrong_type", ext)
	}
	if err != nil {
		return nil, []Problem{*err}
	}
	return parseRecords(recs, year, date1904)
}

// record is one non-empty row of a file with its row number.
type record struct {
	row   int
	cells []string
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// tooMany is the error of a file with more data rows than allowed.
var tooMany = &Problem{Code: "too_many_rows", Value: strconv.Itoa(MaxRows)}

func readXLSX(data []byte) ([]record, bool, *Problem) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, false, &Problem{Code: "unreadable"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, false, &Problem{Code: "empty"}
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, false, &Problem{Code: "unreadable"}
	}
	defer it.Close()
	var recs []record
	n := 0
	for it.Next() {
		n++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, false, &Problem{Code: "unreadable"}
		}
		if blank(cells) {
			continue
		}
		recs = append(recs, record{row: n, cells: cells})
		if len(recs) > MaxRows+1 { // the header and the rows
			return nil, false, tooMany
		}
	}
	if it.Error() != nil {
		return nil, false, &Problem{Code: "unreadable"}
	}
	return recs, date1904, nil
}

func readCSV(data []byte) ([]record, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, &Problem{Code: "not_utf8"}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &Problem{Code: "wrong_type"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var recs []record
	n := 0
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		if err != nil {
			row := n
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row = pe.StartLine
			}
			return nil, &Problem{Row: row, Code: "bad_csv"}
		}
		if blank(cells) {
			continue
		}
		recs = append(recs, record{row: n, cells: cells})
		if len(recs) > MaxRows+1 {
			return nil, tooMany
		}
	}
	return recs, nil
}

// separator guesses a CSV file's separator from its first line: a
// semicolon (Excel in Vietnamese and many European locales), a tab, or a
// comma.
func separator(data []byte) rune {
	line := data
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	best, n := ',', bytes.Count(line, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if c := bytes.Count(line, []byte(string(sep))); c > n {
			best, n = sep, c
		}
	}
	return best
}

// fold lowers s, removes its diacritics (đ too) and extra spaces, and
// drops a "(…)" hint, so headers and kinds match however they are typed.
func fold(s string) string {
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == '*' || r == ':':
			continue
		}
		if base, ok := base[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// base maps Vietnamese vowels with marks to their base letter.
var base = func() map[rune]rune {
	m := map[rune]rune{}
	for base, letters := range map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ", 'e': "èéẻẽẹêềếểễệ", 'i': "ìíỉĩị", 'o': "òóỏõọôồốổỗộơờớởỡợ",
		'u': "ùúủũụưừứửữự", 'y': "ỳýỷỹỵ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// kinds map a folded kind to the API's.
var kinds = map[string]string{
	"dinh ky": domain.KindPeriodic, "periodic": domain.KindPeriodic,
	"chuyen de": domain.KindThematic, "thematic": domain.KindThematic,
	"dot xuat": domain.KindAdhoc, "adhoc": domain.KindAdhoc, "ad hoc": domain.KindAdhoc, "ad-hoc": domain.KindAdhoc,
}

var (
	dMY = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$`)
	yMD = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	hM  = regexp.MustCompile(`^(\d{1,2})(?:[:h.](\d{1,2})?)?(?::(\d{1,2}))?(am|pm)?$`)
)

// parseDate reads a date cell: text as dd/mm/yyyy (or yyyy-mm-dd), or an
// Excel date serial; a text date may carry its time after a space, and a
// serial its time as a fraction. minutes is -1 when no time came with it.
func parseDate(raw string, date1904 bool) (y int, m time.Month, d int, minutes int, ok bool) {
	raw = strings.TrimSpace(raw)
	minutes = -1
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		if f < 1 || f > 2958465 {
			return 0, 0, 0, -1, false
		}
		t, err := excelize.ExcelDateToTime(f, date1904)
		if err != nil {
			return 0, 0, 0, -1, false
		}
		if frac := f - math.Floor(f); frac > 0 {
			minutes = int(math.Round(frac*24*60)) % (24 * 60)
		}
		return t.Year(), t.Month(), t.Day(), minutes, true
	}
	if i := strings.IndexAny(raw, " T"); i > 0 {
		hm, ok := parseClock(raw[i+1:])
		if !ok {
			return 0, 0, 0, -1, false
		}
		minutes, raw = hm, raw[:i]
	}
	var yy, mm, dd int
	if p := dMY.FindStringSubmatch(raw); p != nil {
		dd, _ = strconv.Atoi(p[1])
		mm, _ = strconv.Atoi(p[2])
		yy, _ = strconv.Atoi(p[3])
	} else if p := yMD.FindStringSubmatch(raw); p != nil {
		yy, _ = strconv.Atoi(p[1])
		mm, _ = strconv.Atoi(p[2])
		dd, _ = strconv.Atoi(p[3])
	} else {
		return 0, 0, 0, -1, false
	}
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Year() != yy || int(t.Month()) != mm || t.Day() != dd {
		return 0, 0, 0, -1, false
	}
	return yy, time.Month(mm), dd, minutes, true
}

// parseClock reads a time cell into minutes after midnight: "08:00", "8:30",
// "8h30", "8 giờ 30", "14:00:00", "2:00 PM", or an Excel time fraction.
func parseClock(raw string) (int, bool) {
	raw = strings.TrimSpace(raw)
	if f, err := strconv.ParseFloat(raw, 64); err == nil && f >= 0 && f < 1 {
		return int(math.Round(f*24*60)) % (24 * 60), true
	}
	s := strings.ToLower(raw)
	for _, r := range []struct{ from, to string }{{"giờ", "h"}, {"gio", "h"}, {"phút", ""}, {"phut", ""}, {" ", ""}} {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	p := hM.FindStringSubmatch(s)
	if p == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(p[1])
	m := 0
	if p[2] != "" {
		m, _ = strconv.Atoi(p[2])
	}
	switch p[4] {
	case "am":
		if h == 12 {
			h = 0
		} else if h > 12 {
			return 0, false
		}
	case "pm":
		if h < 12 {
			h += 12
		} else if h > 12 {
			return 0, false
		}
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// SplitList splits a cell (or a form field) holding a list ("a; b" or one a line).
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRecords reads the header and every data row.
func parseRecords(recs []record, year int, date1904 bool) ([]Row, []Problem) {
	if len(recs) == 0 {
		return nil, []Problem{{Code: "empty"}}
	}
	cols, errs := readHeader(recs[0])
	if len(errs) > 0 {
		return nil, errs
	}
	data := recs[1:]
	if len(data) == 0 {
		return nil, []Problem{{Code: "no_rows"}}
	}
	if len(data) > MaxRows {
		return nil, []Problem{*tooMany}
	}
	var rows []Row
	for _, rec := range data {
		p := rowParser{rec: rec, cols: cols}
		row := p.parse(year, date1904)
		if len(p.errs) == 0 {
			rows = append(rows, row)
		}
		errs = append(errs, p.errs...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

// readHeader finds each known column in the header row; errs names the
// required columns missing.
func readHeader(header record) (map[string]int, []Problem) {
	cols := map[string]int{}
	for i, h := range header.cells {
		if col, ok := aliases[fold(h)]; ok {
			if _, dup := cols[col]; !dup {
				cols[col] = i
			}
		}
	}
	var errs []Problem
	for _, col := range required {
		if _, ok := cols[col]; !ok {
			errs = append(errs, Problem{Row: header.row, Column: col, Code: "missing_column"})
		}
	}
	return cols, errs
}

// rowParser reads one data row, collecting what is wrong with it.
type rowParser struct {
	rec  record
	cols map[string]int
	errs []Problem
}

func (p *rowParser) cell(col string) string {
	i, ok := p.cols[col]
	if !ok || i >= len(p.rec.cells) {
		return ""
	}
	return strings.TrimSpace(p.rec.cells[i])
}

func (p *rowParser) bad(col, code, value string) {
	p.errs = append(p.errs, Problem{Row: p.rec.row, Column: col, Code: code, Value: value})
}

func (p *rowParser) long(col, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		p.bad(col, "too_long", strconv.Itoa(max))
	}
}

// parse reads the row's cells in column order: date and time, kind and
// topic, texts, hosts, invited groups.
func (p *rowParser) parse(year int, date1904 bool) Row {
	row := Row{Row: p.rec.row, Topic: p.cell(ColTopic), Title: p.cell(ColTitle), Place: p.cell(ColPlace), Unit: p.cell(ColUnit)}
	p.long(ColUnit, row.Unit, 200)
	row.ScheduledAt = p.when(year, date1904)
	switch raw := p.cell(ColKind); {
	case raw == "":
		p.bad(ColKind, "kind_required", "")
	default:
		kind, ok := kinds[fold(raw)]
		if !ok {
			p.bad(ColKind, "bad_kind", raw)
		}
		row.Kind = kind
	}
	if row.Kind == domain.KindThematic && row.Topic == "" {
		p.bad(ColTopic, "topic_required", "")
	}
	p.long(ColTopic, row.Topic, 500)
	p.long(ColTitle, row.Title, 500)
	p.long(ColPlace, row.Place, 500)
	row.Hosts = p.hosts()
	row.InvitedGroups = SplitList(p.cell(ColGroups))
	if len(row.InvitedGroups) > 50 {
		p.bad(ColGroups, "too_many_groups", "50")
	}
	for _, g := range row.InvitedGroups {
		p.long(ColGroups, g, 200)
	}
	return row
}

// when reads the date and time cells (zero when the date is wrong); a row
// without a time is at the default hour.
func (p *rowParser) when(year int, date1904 bool) time.Time {
	minutes := -1
	var y int
	var mo time.Month
	var d int
	dateOK := false
	switch raw := p.cell(ColDate); {
	case raw == "":
		p.bad(ColDate, "date_required", "")
	default:
		var ok bool
		y, mo, d, minutes, ok = parseDate(raw, date1904)
		if !ok {
			p.bad(ColDate, "bad_date", raw)
		} else if year != 0 && y != year {
			p.bad(ColDate, "outside_year", raw)
		} else {
			dateOK = true
		}
	}
	if raw := p.cell(ColTime); raw != "" {
		m, ok := parseClock(raw)
		if !ok {
			p.bad(ColTime, "bad_time", raw)
		} else {
			minutes = m
		}
	}
	if minutes < 0 {
		minutes = defaultHour * 60
	}
	if !dateOK {
		return time.Time{}
	}
	return time.Date(y, mo, d, minutes/60, minutes%60, 0, 0, domain.Location)
}

// hosts pairs the host names with their titles, in the same order.
func (p *rowParser) hosts() []Host {
	names, titles := SplitList(p.cell(ColHost)), SplitList(p.cell(ColHostTitle))
	if len(names) == 0 {
		p.bad(ColHost, "host_required", "")
	} else if len(titles) > len(names) {
		p.bad(ColHostTitle, "titles_mismatch", "")
	}
	var out []Host
	for i, name := range names {
		h := Host{Name: name}
		if i < len(titles) {
			h.Title = titles[i]
		}
		p.long(ColHost, h.Name, 200)
		p.long(ColHostTitle, h.Title, 200)
		out = append(out, h)
	}
	return out
}

// TemplateCSV is the CSV template: UTF-8 with a BOM (so
// spreadsheet programs read the Vietnamese headers right), comma separated.
func TemplateCSV() []byte {
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&b)
	hs := make([]string, len(headers))
	for i, h := range headers {
		hs[i] = h.Header
	}
	_ = w.Write(hs)
	w.Flush()
	return b.Bytes()
}

// TemplateXLSX is the XLSX template: the sheet to fill in
// (date and time columns kept as text so they are not reinterpreted, a
// drop-down of kinds) and a sheet of instructions with an example.
func TemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet, help = "Kế hoạch", "Hướng dẫn"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("name sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, fmt.Errorf("style: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, fmt.Errorf("style: %w", err)
	}
	hs := make([]any, len(headers))
	for i, h := range headers {
		hs[i] = h.Header
	}
	if err := f.SetSheetRow(sheet, "A1", &hs); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := f.SetColStyle(sheet, "A:B", text); err != nil {
		return nil, fmt.Errorf("text columns: %w", err)
	}
	if err := f.SetCellStyle(sheet, "A1", "I1", bold); err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	for col, w := range map[string]float64{"A": 18, "B": 12, "C": 14, "D": 40, "E": 32, "F": 28, "G": 28, "H": 50, "I": 30} {
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return nil, fmt.Errorf("width: %w", err)
		}
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("C2:C%d", MaxRows+1)
	if err := dv.SetDropList([]string{"định kỳ", "chuyên đề", "đột xuất"}); err != nil {
		return nil, fmt.Errorf("kinds: %w", err)
	}
	if err := f.AddDataValidation(sheet, dv); err != nil {
		return nil, fmt.Errorf("kinds: %w", err)
	}
	if _, err := f.NewSheet(help); err != nil {
		return nil, fmt.Errorf("help sheet: %w", err)
	}
	lines := [][]any{
		{"Hướng dẫn nhập kế hoạch / How to fill in the plan"},
		{"Mỗi dòng của trang “Kế hoạch” là một hội nghị; giữ nguyên dòng tiêu đề. / Each row of the “Kế hoạch” sheet is one dialogue; keep the header row."},
		{"Ngày: dd/mm/yyyy, trong năm của kế hoạch. Giờ: hh:mm (trống = 08:00). / Date: dd/mm/yyyy within the plan year. Time: hh:mm (blank = 08:00)."},
		{"Hình thức: định kỳ, chuyên đề hoặc đột xuất (periodic, thematic, adhoc); hội nghị chuyên đề cần cột Chuyên đề. / Kind; a thematic dialogue needs a topic."},
		{"Người chủ trì: bắt buộc; nhiều người cách nhau bởi dấu ; và Chức vụ theo cùng thứ tự. / Host: required; several separated by ; with positions in the same order."},
		{"Thành phần mời: các nhóm cách nhau bởi dấu ; / Invited groups separated by ;"},
		{"Đơn vị: mã đơn vị hành chính (ví dụ 10279) hoặc tên (Xã Tân Phong) của đơn vị trực thuộc tổ chức hội nghị; để trống nếu là đơn vị ban hành kế hoạch. / Unit: the official code or name of the unit below that holds the dialogue; blank for the plan's own unit."},
		{"Tệp tối đa 2 MiB và 1000 dòng. Nếu có lỗi, không hội nghị nào được tạo. / At most 2 MiB and 1000 rows. If any row is wrong, nothing is created."},
		{},
		{"Ví dụ / Example"},
	}
	for i, l := range lines {
		if err := f.SetSheetRow(help, fmt.Sprintf("A%d", i+1), &l); err != nil {
			return nil, fmt.Errorf("help: %w", err)
		}
	}
	example := [][]any{hs,
		{"18/06/2026", "08:00", "định kỳ", "", "Hội trường UBND huyện", "Nguyễn Văn An; Trần Thị Bình", "Bí thư Huyện ủy; Chủ tịch UBND huyện", "Ủy ban MTTQ huyện; Hội Nông dân; Hội Liên hiệp Phụ nữ", ""},
		{"10/09/2026", "14:00", "chuyên đề", "Bồi thường, giải phóng mặt bằng đường vành đai", "Nhà văn hóa xã Tân Phong", "Trần Thị Bình", "Chủ tịch UBND huyện", "Các hộ dân bị ảnh hưởng", ""},
		{"24/09/2026", "08:00", "định kỳ", "", "Hội trường UBND xã Tân Phong", "Lê Văn Cường", "Bí thư Đảng ủy xã", "Nhân dân xã Tân Phong", "Xã Tân Phong"},
	}
	for i, l := range example {
		if err := f.SetSheetRow(help, fmt.Sprintf("A%d", len(lines)+1+i), &l); err != nil {
			return nil, fmt.Errorf("example: %w", err)
		}
	}
	if err := f.SetColWidth(help, "A", "A", 18); err != nil {
		return nil, fmt.Errorf("width: %w", err)
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write template: %w", err)
	}
	return buf.Bytes(), nil
}
