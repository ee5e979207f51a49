package web

// Importing a plan's dialogues from a spreadsheet (XLSX or CSV): the
// parsing is pure (ParsePlanImport), reads every row before anything is
// sent, and reports each bad cell by row and column; the plan is created
// in one API call with all its dialogues only when every row is valid, so
// nothing is ever half-imported.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/domain"
)

// Limits of one import.
const (
	// PlanImportMaxBytes caps the uploaded file.
	PlanImportMaxBytes = 2 << 20
	// PlanImportMaxRows caps the dialogues of one file (the API takes at
	// most 1000 dialogues a plan).
	PlanImportMaxRows = 1000
)

// PlanImportRow is one valid row of an imported file: a dialogue.
type PlanImportRow struct {
	// Row is the row's number in the spreadsheet (the header is row 1 in
	// the template).
	Row           int
	ScheduledAt   time.Time
	Kind          string
	Topic         string
	Title         string
	Place         string
	Hosts         []PlanImportHost
	InvitedGroups []string
}

// PlanImportHost is a host of an imported dialogue.
type PlanImportHost struct {
	Name, Title string
}

// PlanImportError is one thing wrong with an imported file.
type PlanImportError struct {
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
	impColDate      = "date"
	impColTime      = "time"
	impColKind      = "kind"
	impColTopic     = "topic"
	impColTitle     = "title"
	impColPlace     = "place"
	impColHost      = "host"
	impColHostTitle = "host_title"
	impColGroups    = "groups"
)

// impHeaders are the template's column headers, in order.
var impHeaders = []struct{ Col, Header string }{
	{impColDate, "Ngày (dd/mm/yyyy)"},
	{impColTime, "Giờ (hh:mm)"},
	{impColKind, "Hình thức"},
	{impColTopic, "Chuyên đề"},
	{impColPlace, "Địa điểm"},
	{impColHost, "Người chủ trì"},
	{impColHostTitle, "Chức vụ"},
	{impColGroups, "Thành phần mời"},
}

// impAliases recognise a header (folded: lower case, no diacritics, no
// "(…)" hint) in Vietnamese or English.
var impAliases = map[string]string{
	"ngay": impColDate, "date": impColDate, "ngay to chuc": impColDate,
	"gio": impColTime, "time": impColTime, "thoi gian": impColTime,
	"hinh thuc": impColKind, "kind": impColKind, "loai": impColKind, "loai hoi nghi": impColKind, "type": impColKind,
	"chuyen de": impColTopic, "topic": impColTopic, "chu de": impColTopic, "noi dung": impColTopic,
	"ten hoi nghi": impColTitle, "dialogue title": impColTitle,
	"dia diem": impColPlace, "place": impColPlace, "venue": impColPlace,
	"nguoi chu tri": impColHost, "chu tri": impColHost, "host": impColHost, "hosts": impColHost,
	"chuc vu": impColHostTitle, "host title": impColHostTitle, "position": impColHostTitle, "title": impColHostTitle,
	"thanh phan moi": impColGroups, "thanh phan": impColGroups, "invited groups": impColGroups, "invited": impColGroups, "groups": impColGroups,
}

// impRequired are the columns a file must have.
var impRequired = []string{impColDate, impColKind, impColHost}

// impDefaultHour is the time of a dialogue whose row gives none.
const impDefaultHour = 8

// ParsePlanImport reads an uploaded XLSX or CSV file (told apart by its
// name and content) into dialogues. It reads every row and returns every
// error; rows are usable only when errs is empty. year, when not 0, is the
// plan year every date must fall in.
func ParsePlanImport(filename string, data []byte, year int) (rows []PlanImportRow, errs []PlanImportError) {
	fileErr := func(code, value string) ([]PlanImportRow, []PlanImportError) {
		return nil, []PlanImportError{{Code: code, Value: value}}
	}
	if len(data) > PlanImportMaxBytes {
		return fileErr("too_large", "")
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))) == 0 {
		return fileErr("empty", "")
	}
	ext := strings.ToLower(path.Ext(filename))
	isZip := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	isOLE := bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0})
	var recs []impRecord
	date1904 := false
	var err *PlanImportError
	switch {
	case ext == ".xls" || isOLE:
		return fileErr("xls", "")
	case ext == ".xlsx" || ext == ".xlsm" || (ext == "" && isZip):
		if !isZip {
			return fileErr("unreadable", "")
		}
		recs, date1904, err = impReadXLSX(data)
	case ext == ".csv" || ext == ".txt" || ext == "":
		if isZip {
			return fileErr("wrong_type", "")
		}
		recs, err = impReadCSV(data)
	default:
		return fileErr("wrong_type", ext)
	}
	if err != nil {
		return nil, []PlanImportError{*err}
	}
	return impParseRecords(recs, year, date1904)
}

// impRecord is one non-empty row of a file with its row number.
type impRecord struct {
	row   int
	cells []string
}

func impBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// impTooMany is the error of a file with more data rows than allowed.
var impTooMany = &PlanImportError{Code: "too_many_rows", Value: strconv.Itoa(PlanImportMaxRows)}

func impReadXLSX(data []byte) ([]impRecord, bool, *PlanImportError) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, false, &PlanImportError{Code: "unreadable"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, false, &PlanImportError{Code: "empty"}
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, false, &PlanImportError{Code: "unreadable"}
	}
	defer it.Close()
	var recs []impRecord
	n := 0
	for it.Next() {
		n++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, false, &PlanImportError{Code: "unreadable"}
		}
		if impBlank(cells) {
			continue
		}
		recs = append(recs, impRecord{row: n, cells: cells})
		if len(recs) > PlanImportMaxRows+1 { // the header and the rows
			return nil, false, impTooMany
		}
	}
	if it.Error() != nil {
		return nil, false, &PlanImportError{Code: "unreadable"}
	}
	return recs, date1904, nil
}

func impReadCSV(data []byte) ([]impRecord, *PlanImportError) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, &PlanImportError{Code: "not_utf8"}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &PlanImportError{Code: "wrong_type"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = impSeparator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var recs []impRecord
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
			return nil, &PlanImportError{Row: row, Code: "bad_csv"}
		}
		if impBlank(cells) {
			continue
		}
		recs = append(recs, impRecord{row: n, cells: cells})
		if len(recs) > PlanImportMaxRows+1 {
			return nil, impTooMany
		}
	}
	return recs, nil
}

// impSeparator guesses a CSV file's separator from its first line: a
// semicolon (Excel in Vietnamese and many European locales), a tab, or a
// comma.
func impSeparator(data []byte) rune {
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

// impFold lowers s, removes its diacritics (đ too) and extra spaces, and
// drops a "(…)" hint, so headers and kinds match however they are typed.
func impFold(s string) string {
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
		if base, ok := impBase[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// impBase maps Vietnamese vowels with marks to their base letter.
var impBase = func() map[rune]rune {
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

// impKinds map a folded kind to the API's.
var impKinds = map[string]string{
	"dinh ky": domain.KindPeriodic, "periodic": domain.KindPeriodic,
	"chuyen de": domain.KindThematic, "thematic": domain.KindThematic,
	"dot xuat": domain.KindAdhoc, "adhoc": domain.KindAdhoc, "ad hoc": domain.KindAdhoc, "ad-hoc": domain.KindAdhoc,
}

var (
	impDMY = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$`)
	impYMD = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	impHM  = regexp.MustCompile(`^(\d{1,2})(?:[:h.](\d{1,2})?)?(?::(\d{1,2}))?(am|pm)?$`)
)

// impDate reads a date cell: text as dd/mm/yyyy (or yyyy-mm-dd), or an
// Excel date serial; a text date may carry its time after a space, and a
// serial its time as a fraction. minutes is -1 when no time came with it.
func impDate(raw string, date1904 bool) (y int, m time.Month, d int, minutes int, ok bool) {
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
		hm, ok := impTime(raw[i+1:])
		if !ok {
			return 0, 0, 0, -1, false
		}
		minutes, raw = hm, raw[:i]
	}
	var yy, mm, dd int
	if p := impDMY.FindStringSubmatch(raw); p != nil {
		dd, _ = strconv.Atoi(p[1])
		mm, _ = strconv.Atoi(p[2])
		yy, _ = strconv.Atoi(p[3])
	} else if p := impYMD.FindStringSubmatch(raw); p != nil {
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

// impTime reads a time cell into minutes after midnight: "08:00", "8:30",
// "8h30", "8 giờ 30", "14:00:00", "2:00 PM", or an Excel time fraction.
func impTime(raw string) (int, bool) {
	raw = strings.TrimSpace(raw)
	if f, err := strconv.ParseFloat(raw, 64); err == nil && f >= 0 && f < 1 {
		return int(math.Round(f*24*60)) % (24 * 60), true
	}
	s := strings.ToLower(raw)
	for _, r := range []struct{ from, to string }{{"giờ", "h"}, {"gio", "h"}, {"phút", ""}, {"phut", ""}, {" ", ""}} {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	p := impHM.FindStringSubmatch(s)
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

// impSplit splits a cell holding a list ("a; b" or one a line).
func impSplit(s string) []string { return plnSplit(s) }

// impParseRecords reads the header and every data row.
func impParseRecords(recs []impRecord, year int, date1904 bool) ([]PlanImportRow, []PlanImportError) {
	if len(recs) == 0 {
		return nil, []PlanImportError{{Code: "empty"}}
	}
	header := recs[0]
	cols := map[string]int{}
	for i, h := range header.cells {
		if col, ok := impAliases[impFold(h)]; ok {
			if _, dup := cols[col]; !dup {
				cols[col] = i
			}
		}
	}
	var errs []PlanImportError
	for _, col := range impRequired {
		if _, ok := cols[col]; !ok {
			errs = append(errs, PlanImportError{Row: header.row, Column: col, Code: "missing_column"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	data := recs[1:]
	if len(data) == 0 {
		return nil, []PlanImportError{{Code: "no_rows"}}
	}
	if len(data) > PlanImportMaxRows {
		return nil, []PlanImportError{*impTooMany}
	}
	var rows []PlanImportRow
	for _, rec := range data {
		cell := func(col string) string {
			i, ok := cols[col]
			if !ok || i >= len(rec.cells) {
				return ""
			}
			return strings.TrimSpace(rec.cells[i])
		}
		bad := func(col, code, value string) {
			errs = append(errs, PlanImportError{Row: rec.row, Column: col, Code: code, Value: value})
		}
		long := func(col, v string, max int) {
			if utf8.RuneCountInString(v) > max {
				bad(col, "too_long", strconv.Itoa(max))
			}
		}
		n := len(errs)
		row := PlanImportRow{Row: rec.row, Topic: cell(impColTopic), Title: cell(impColTitle), Place: cell(impColPlace)}
		// Date and time.
		minutes := -1
		var y int
		var mo time.Month
		var d int
		dateOK := false
		switch raw := cell(impColDate); {
		case raw == "":
			bad(impColDate, "date_required", "")
		default:
			var ok bool
			y, mo, d, minutes, ok = impDate(raw, date1904)
			if !ok {
				bad(impColDate, "bad_date", raw)
			} else if year != 0 && y != year {
				bad(impColDate, "outside_year", raw)
			} else {
				dateOK = true
			}
		}
		if raw := cell(impColTime); raw != "" {
			m, ok := impTime(raw)
			if !ok {
				bad(impColTime, "bad_time", raw)
			} else {
				minutes = m
			}
		}
		if minutes < 0 {
			minutes = impDefaultHour * 60
		}
		if dateOK {
			row.ScheduledAt = time.Date(y, mo, d, minutes/60, minutes%60, 0, 0, domain.Location)
		}
		// Kind and topic.
		switch raw := cell(impColKind); {
		case raw == "":
			bad(impColKind, "kind_required", "")
		default:
			kind, ok := impKinds[impFold(raw)]
			if !ok {
				bad(impColKind, "bad_kind", raw)
			}
			row.Kind = kind
		}
		if row.Kind == domain.KindThematic && row.Topic == "" {
			bad(impColTopic, "topic_required", "")
		}
		long(impColTopic, row.Topic, 500)
		long(impColTitle, row.Title, 500)
		long(impColPlace, row.Place, 500)
		// Hosts with their titles, in the same order.
		names, titles := impSplit(cell(impColHost)), impSplit(cell(impColHostTitle))
		if len(names) == 0 {
			bad(impColHost, "host_required", "")
		} else if len(titles) > len(names) {
			bad(impColHostTitle, "titles_mismatch", "")
		}
		for i, name := range names {
			h := PlanImportHost{Name: name}
			if i < len(titles) {
				h.Title = titles[i]
			}
			long(impColHost, h.Name, 200)
			long(impColHostTitle, h.Title, 200)
			row.Hosts = append(row.Hosts, h)
		}
		row.InvitedGroups = impSplit(cell(impColGroups))
		if len(row.InvitedGroups) > 50 {
			bad(impColGroups, "too_many_groups", "50")
		}
		for _, g := range row.InvitedGroups {
			long(impColGroups, g, 200)
		}
		if len(errs) == n {
			rows = append(rows, row)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

// PlanImportTemplateCSV is the CSV template: UTF-8 with a BOM (so
// spreadsheet programs read the Vietnamese headers right), comma separated.
func PlanImportTemplateCSV() []byte {
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&b)
	hs := make([]string, len(impHeaders))
	for i, h := range impHeaders {
		hs[i] = h.Header
	}
	_ = w.Write(hs)
	w.Flush()
	return b.Bytes()
}

// PlanImportTemplateXLSX is the XLSX template: the sheet to fill in
// (date and time columns kept as text so they are not reinterpreted, a
// drop-down of kinds) and a sheet of instructions with an example.
func PlanImportTemplateXLSX() ([]byte, error) {
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
	hs := make([]any, len(impHeaders))
	for i, h := range impHeaders {
		hs[i] = h.Header
	}
	if err := f.SetSheetRow(sheet, "A1", &hs); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := f.SetColStyle(sheet, "A:B", text); err != nil {
		return nil, fmt.Errorf("text columns: %w", err)
	}
	if err := f.SetCellStyle(sheet, "A1", "H1", bold); err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	for col, w := range map[string]float64{"A": 18, "B": 12, "C": 14, "D": 40, "E": 32, "F": 28, "G": 28, "H": 50} {
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return nil, fmt.Errorf("width: %w", err)
		}
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("C2:C%d", PlanImportMaxRows+1)
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
		{"18/06/2026", "08:00", "định kỳ", "", "Hội trường UBND huyện", "Nguyễn Văn An; Trần Thị Bình", "Bí thư Huyện ủy; Chủ tịch UBND huyện", "Ủy ban MTTQ huyện; Hội Nông dân; Hội Liên hiệp Phụ nữ"},
		{"10/09/2026", "14:00", "chuyên đề", "Bồi thường, giải phóng mặt bằng đường vành đai", "Nhà văn hóa xã Tân Phong", "Trần Thị Bình", "Chủ tịch UBND huyện", "Các hộ dân bị ảnh hưởng"},
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

// ---------- the pages ----------

// impMaxRequest caps an upload request (the file and the form's fields);
// a larger one is refused before it is read.
const impMaxRequest = PlanImportMaxBytes + 64<<10

type impData struct {
	plnFields
	Units    []plnOpt
	Problems []impProblem
	// Existing is the plan that already has this reference number.
	Existing string
}

// impProblem is an import error as the page shows it.
type impProblem struct {
	Row             int
	Column, Message string
}

func (s *Server) impPage(c *gin.Context, v *view) {
	def := url.Values{"unit_id": {v.User.UnitID}, "year": {strconv.Itoa(time.Now().In(domain.Location).Year())}}
	s.impRender(c, v, http.StatusOK, def, nil, "")
}

func (s *Server) impRender(c *gin.Context, v *view, status int, form url.Values, problems []PlanImportError, existing string) {
	v.Title, v.Path = "imp.title", "/plans/import"
	units, _, e := s.plnUnits(c, v, v.User.UnitID)
	if e != nil {
		s.failed(c, v, e)
		return
	}
	d := impData{Units: units, Existing: existing}
	for _, p := range problems {
		d.Problems = append(d.Problems, impProblem{Row: p.Row, Column: impColumnName(v, p.Column), Message: impMessage(v, p)})
	}
	v.Form = form
	v.Data = d
	s.render(c, status, "plan_import", v)
}

// impColumnName is a column's header in the page language.
func impColumnName(v *view, col string) string {
	if col == "" {
		return ""
	}
	return v.T("imp.col_" + col)
}

// impMessage is an import error's text in the page language.
func impMessage(v *view, p PlanImportError) string {
	if p.Message != "" {
		return p.Message
	}
	msg := v.T("imp.err_" + p.Code)
	if strings.Contains(msg, "%") {
		msg = v.T("imp.err_"+p.Code, p.Value)
	}
	return msg
}

// impSizeGuard refuses an upload too large to read, with the import's
// own message rather than a failed form.
func (s *Server) impSizeGuard(c *gin.Context) {
	if c.Request.ContentLength > impMaxRequest {
		s.renderError(c, http.StatusRequestEntityTooLarge, "imp.err_too_large")
	}
}

// impColumnOf maps a dialogue's API field to the import column.
func impColumnOf(sub string) string {
	switch {
	case sub == "scheduled_at":
		return impColDate
	case sub == "kind", sub == "topic", sub == "title", sub == "place":
		return sub
	case sub == "hosts", strings.HasPrefix(sub, "hosts[") && strings.HasSuffix(sub, ".name"):
		return impColHost
	case strings.HasPrefix(sub, "hosts["):
		return impColHostTitle
	case strings.HasPrefix(sub, "invited_groups"):
		return impColGroups
	}
	return ""
}

func (s *Server) impPost(c *gin.Context, v *view) {
	form := c.Request.PostForm
	kept := plnFormValues(nil, form)
	errs := map[string]string{}
	req := plnHeader(v, form, errs)
	var escOf []int
	req.Policy, escOf = plnReadPolicy(v, form, errs)
	for _, f := range []string{"unit_id", "year", "reference_no", "issuing_body"} {
		if strings.TrimSpace(form.Get(f)) == "" {
			errs[f] = v.T("imp.err_required")
		}
	}
	year := 0
	if _, bad := errs["year"]; !bad && req.Year >= 2000 && req.Year <= 2100 {
		year = req.Year
	}
	var rows []PlanImportRow
	var problems []PlanImportError
	fh, err := c.FormFile("file")
	switch {
	case err != nil:
		errs["file"] = v.T("imp.err_no_file")
	case fh.Size > PlanImportMaxBytes:
		errs["file"] = v.T("imp.err_too_large")
	default:
		data, err := impReadUpload(fh)
		if err != nil {
			errs["file"] = v.T("imp.err_unreadable")
			break
		}
		var perrs []PlanImportError
		rows, perrs = ParsePlanImport(fh.Filename, data, year)
		for _, p := range perrs {
			if p.Row == 0 {
				errs["file"] = strings.TrimSpace(errs["file"] + " " + impMessage(v, p))
			} else {
				problems = append(problems, p)
			}
		}
	}
	if len(errs) > 0 || len(problems) > 0 {
		v.Errors, v.FormError = errs, v.T("imp.nothing_created")
		s.impRender(c, v, http.StatusUnprocessableEntity, kept, problems, "")
		return
	}
	for _, r := range rows {
		d := plnDialogueReq{ScheduledAt: r.ScheduledAt.Format(time.RFC3339), Kind: r.Kind, Topic: r.Topic, Title: r.Title, Place: r.Place, InvitedGroups: r.InvitedGroups}
		for _, h := range r.Hosts {
			d.Hosts = append(d.Hosts, plnHost{Name: h.Name, Title: h.Title})
		}
		req.Dialogues = append(req.Dialogues, d)
	}
	var out plnPlan
	if e := s.call(c, v, http.MethodPost, "/api/v1/plans", req, &out); e != nil {
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			s.failed(c, v, e)
			return
		}
		var extra []string
		v.Errors = map[string]string{}
		for _, f := range e.Fields {
			msg := f.Message
			if v.Lang == "en" && f.MessageEN != "" {
				msg = f.MessageEN
			}
			if list, i, sub, ok := plnIndex(f.Field); ok && list == "dialogues" && i < len(rows) {
				problems = append(problems, PlanImportError{Row: rows[i].Row, Column: impColumnOf(sub), Code: "api", Message: msg})
				continue
			}
			name := plnPolicyField(f.Field, escOf)
			switch f.Field {
			case "unit_id", "year", "reference_no", "issuing_body", "title":
				name = f.Field
			}
			switch {
			case name != "":
				if _, ok := v.Errors[name]; !ok {
					v.Errors[name] = msg
				}
			default:
				extra = append(extra, f.Field+": "+msg)
			}
		}
		existing := ""
		if id, ok := e.Details["plan_id"].(string); ok {
			existing = id
		}
		v.FormError = plnFormError(v, e, extra)
		if len(e.Fields) > 0 {
			v.FormError = v.T("imp.nothing_created")
			if len(extra) > 0 {
				v.FormError += " " + strings.Join(extra, "; ")
			}
		}
		status := e.Status
		if status == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity
		}
		s.impRender(c, v, status, kept, problems, existing)
		return
	}
	done(c, "/plans/"+out.ID, "plan_imported")
}

// impReadUpload reads an uploaded file, at most the size cap.
func impReadUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, PlanImportMaxBytes+1))
}

func (s *Server) impTemplateXLSX(c *gin.Context, v *view) {
	b, err := PlanImportTemplateXLSX()
	if err != nil {
		s.Logger.Error("import template", zap.Error(err))
		s.renderError(c, http.StatusInternalServerError, "err.internal")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="mau-ke-hoach.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}

func (s *Server) impTemplateCSV(c *gin.Context, v *view) {
	c.Header("Content-Disposition", `attachment; filename="mau-ke-hoach.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", PlanImportTemplateCSV())
}

func init() {
	addMessages(map[string][2]string{
		"imp.title":               {"Nhập kế hoạch từ bảng tính", "Import a plan from a spreadsheet"},
		"imp.intro":               {"Tải tệp mẫu, điền mỗi hội nghị một dòng, rồi tải lên cùng thông tin kế hoạch. Mọi dòng được kiểm tra trước; nếu có lỗi, không có gì được tạo.", "Download the template, fill in one dialogue a row, then upload it with the plan's details. Every row is checked first; if any is wrong, nothing is created."},
		"imp.template_xlsx":       {"Tải tệp mẫu Excel (.xlsx)", "Download the Excel template (.xlsx)"},
		"imp.template_csv":        {"Tải tệp mẫu CSV", "Download the CSV template"},
		"imp.columns":             {"Các cột của tệp", "The file's columns"},
		"imp.col_header":          {"Cột", "Column"},
		"imp.col_what":            {"Nội dung", "What goes in it"},
		"imp.col_required":        {"Bắt buộc", "Required"},
		"imp.yes":                 {"Có", "Yes"},
		"imp.no":                  {"Không", "No"},
		"imp.what_date":           {"Ngày tổ chức, dạng dd/mm/yyyy, trong năm của kế hoạch", "The day, as dd/mm/yyyy, within the plan year"},
		"imp.what_time":           {"Giờ bắt đầu, dạng hh:mm (để trống là 08:00)", "Start time, as hh:mm (blank means 08:00)"},
		"imp.what_kind":           {"định kỳ, chuyên đề hoặc đột xuất (hoặc periodic, thematic, adhoc)", "định kỳ (periodic), chuyên đề (thematic) or đột xuất (adhoc)"},
		"imp.what_topic":          {"Chủ đề; bắt buộc với hội nghị chuyên đề", "The topic; required for a thematic dialogue"},
		"imp.what_place":          {"Địa điểm tổ chức", "Where it is held"},
		"imp.what_host":           {"Họ tên người chủ trì; nhiều người cách nhau bởi dấu ;", "The host's name; several separated by ;"},
		"imp.what_host_title":     {"Chức vụ, theo thứ tự người chủ trì", "Their positions, in the same order"},
		"imp.what_groups":         {"Các thành phần được mời, cách nhau bởi dấu ;", "Invited groups, separated by ;"},
		"imp.limits":              {"Tệp .xlsx hoặc .csv (UTF-8, có hoặc không có BOM, phân cách bằng dấu phẩy hoặc chấm phẩy), tối đa 2 MiB và 1000 dòng.", "An .xlsx or .csv file (UTF-8, with or without a BOM, comma or semicolon separated), at most 2 MiB and 1000 rows."},
		"imp.file":                {"Tệp bảng tính (.xlsx hoặc .csv)", "Spreadsheet file (.xlsx or .csv)"},
		"imp.submit":              {"Kiểm tra và nhập", "Check and import"},
		"imp.problems":            {"Lỗi trong tệp (%d)", "Problems in the file (%d)"},
		"imp.col_row":             {"Dòng", "Row"},
		"imp.col_column":          {"Cột", "Column"},
		"imp.col_error":           {"Lỗi", "Problem"},
		"imp.nothing_created":     {"Chưa có gì được tạo: hãy sửa các lỗi dưới đây rồi tải tệp lên lại.", "Nothing has been created: fix the problems below and upload the file again."},
		"imp.existing":            {"Xem kế hoạch đã có", "Open the existing plan"},
		"imp.reupload":            {"Hãy chọn lại tệp sau khi sửa (trình duyệt không giữ tệp đã chọn).", "Choose the file again after fixing it (browsers do not keep a chosen file)."},
		"imp.col_date":            {"Ngày", "Date"},
		"imp.col_time":            {"Giờ", "Time"},
		"imp.col_kind":            {"Hình thức", "Kind"},
		"imp.col_topic":           {"Chuyên đề", "Topic"},
		"imp.col_title":           {"Tên hội nghị", "Dialogue title"},
		"imp.col_place":           {"Địa điểm", "Place"},
		"imp.col_host":            {"Người chủ trì", "Host"},
		"imp.col_host_title":      {"Chức vụ", "Position"},
		"imp.col_groups":          {"Thành phần mời", "Invited groups"},
		"imp.err_required":        {"Trường này là bắt buộc.", "This field is required."},
		"imp.err_no_file":         {"Hãy chọn tệp bảng tính để tải lên.", "Choose a spreadsheet file to upload."},
		"imp.err_too_large":       {"Tệp quá lớn: tối đa 2 MiB.", "The file is too large: at most 2 MiB."},
		"imp.err_empty":           {"Tệp trống.", "The file is empty."},
		"imp.err_no_rows":         {"Tệp chỉ có dòng tiêu đề, chưa có hội nghị nào.", "The file has only the header row and no dialogues."},
		"imp.err_wrong_type":      {"Chỉ nhận tệp .xlsx hoặc .csv.", "Only .xlsx or .csv files are accepted."},
		"imp.err_xls":             {"Tệp Excel 97–2003 (.xls) không được hỗ trợ: hãy lưu thành .xlsx.", "Excel 97–2003 (.xls) files are not supported: save it as .xlsx."},
		"imp.err_unreadable":      {"Không đọc được tệp; hãy kiểm tra đó là tệp .xlsx hợp lệ.", "The file cannot be read; check that it is a valid .xlsx file."},
		"imp.err_not_utf8":        {"Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành “CSV UTF-8”).", "The CSV file must be UTF-8 (in Excel: Save as “CSV UTF-8”)."},
		"imp.err_bad_csv":         {"Tệp CSV không đúng định dạng.", "The CSV file is malformed."},
		"imp.err_too_many_rows":   {"Tệp có quá nhiều dòng: tối đa %s hội nghị mỗi lần nhập.", "Too many rows: at most %s dialogues an import."},
		"imp.err_missing_column":  {"Thiếu cột này trong dòng tiêu đề.", "This column is missing from the header row."},
		"imp.err_date_required":   {"Thiếu ngày tổ chức.", "The date is missing."},
		"imp.err_bad_date":        {"Ngày “%s” không hợp lệ (cần dd/mm/yyyy).", "“%s” is not a valid date (dd/mm/yyyy)."},
		"imp.err_outside_year":    {"Ngày %s nằm ngoài năm của kế hoạch.", "%s is outside the plan year."},
		"imp.err_bad_time":        {"Giờ “%s” không hợp lệ (cần hh:mm).", "“%s” is not a valid time (hh:mm)."},
		"imp.err_kind_required":   {"Thiếu hình thức hội nghị.", "The kind is missing."},
		"imp.err_bad_kind":        {"Hình thức “%s” không hợp lệ: dùng định kỳ, chuyên đề hoặc đột xuất.", "“%s” is not a kind: use định kỳ (periodic), chuyên đề (thematic) or đột xuất (adhoc)."},
		"imp.err_topic_required":  {"Hội nghị chuyên đề cần có chuyên đề.", "A thematic dialogue needs a topic."},
		"imp.err_host_required":   {"Cần ít nhất một người chủ trì.", "At least one host is required."},
		"imp.err_titles_mismatch": {"Có nhiều chức vụ hơn số người chủ trì.", "More positions than hosts."},
		"imp.err_too_long":        {"Nội dung quá dài: tối đa %s ký tự.", "Too long: at most %s characters."},
		"imp.err_too_many_groups": {"Tối đa %s thành phần mời.", "At most %s invited groups."},
	})
}
