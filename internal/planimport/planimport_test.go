package planimport_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/planimport"
)

// sheet builds a workbook whose first sheet holds rows; a time.Time
// cell is written as a real Excel date.
func sheet(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var header = []any{"Ngày (dd/mm/yyyy)", "Giờ (hh:mm)", "Hình thức", "Chuyên đề", "Địa điểm", "Người chủ trì", "Chức vụ", "Thành phần mời"}

func TestParsePlanImport(t *testing.T) {
	good := sheet(t, [][]any{
		header,
		{"18/06/2027", "08:00", "định kỳ", "", "Hội trường UBND huyện", "Nguyễn Văn An; Trần Thị Bình", "Bí thư Huyện ủy; Chủ tịch UBND huyện", "Hội Nông dân; Hội Phụ nữ"},
		{},
		{time.Date(2027, 9, 10, 0, 0, 0, 0, time.UTC), 14.0 / 24, "Chuyên đề", "Giải phóng mặt bằng", "Nhà văn hóa xã", "Trần Thị Bình", "", ""},
		{"2027-11-02", "", "thematic", "Môi trường", "", "Lê Văn Cường", "", ""},
	})
	rows, errs := planimport.Parse("ke-hoach.xlsx", good, 2027)
	if len(errs) > 0 || len(rows) != 3 {
		t.Fatalf("good xlsx: rows %d, errors %+v", len(rows), errs)
	}
	want := time.Date(2027, 6, 18, 8, 0, 0, 0, domain.Location)
	if r := rows[0]; !r.ScheduledAt.Equal(want) || r.Kind != domain.KindPeriodic || len(r.Hosts) != 2 || r.Hosts[1].Title != "Chủ tịch UBND huyện" || len(r.InvitedGroups) != 2 || r.Row != 2 {
		t.Errorf("row 2: %+v", r)
	}
	if r := rows[1]; !r.ScheduledAt.Equal(time.Date(2027, 9, 10, 14, 0, 0, 0, domain.Location)) || r.Kind != domain.KindThematic || r.Row != 4 {
		t.Errorf("row 4 (Excel date and time cells, blank row 3 skipped): %+v", r)
	}
	if r := rows[2]; !r.ScheduledAt.Equal(time.Date(2027, 11, 2, 8, 0, 0, 0, domain.Location)) || r.Topic != "Môi trường" {
		t.Errorf("row 5 (ISO date, default time): %+v", r)
	}

	csvComma := "\xEF\xBB\xBFNgày (dd/mm/yyyy),Giờ (hh:mm),Hình thức,Chuyên đề,Địa điểm,Người chủ trì,Chức vụ,Thành phần mời\n" +
		"18/06/2027,8h30,periodic,,\"Hội trường, tầng 2\",Nguyễn Văn An,Bí thư,Hội Nông dân;Đoàn Thanh niên\n"
	rows, errs = planimport.Parse("plan.csv", []byte(csvComma), 2027)
	if len(errs) > 0 || len(rows) != 1 || rows[0].Place != "Hội trường, tầng 2" || rows[0].ScheduledAt.In(domain.Location).Minute() != 30 || len(rows[0].InvitedGroups) != 2 {
		t.Errorf("csv with BOM and commas: %+v %+v", rows, errs)
	}
	csvSemi := "ngay;gio;hinh thuc;chuyen de;dia diem;nguoi chu tri;chuc vu;thanh phan moi\r\n" +
		"01/03/2027;14:00;Đột xuất;;UBND xã;Phạm Văn Dũng;;\r\n;;;;;;;\r\n"
	rows, errs = planimport.Parse("plan.csv", []byte(csvSemi), 2027)
	if len(errs) > 0 || len(rows) != 1 || rows[0].Kind != domain.KindAdhoc || rows[0].ScheduledAt.In(domain.Location).Hour() != 14 {
		t.Errorf("csv with semicolons, no BOM, headers without diacritics: %+v %+v", rows, errs)
	}

	type want1 struct {
		row       int
		col, code string
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       []want1
	}{
		{"bad rows", "k.xlsx", sheet(t, [][]any{header,
			{"31/02/2027", "08:00", "định kỳ", "", "", "An", "", ""},
			{"01/02/2027", "25:00", "hội thảo", "", "", "An", "", ""},
			{"01/02/2027", "", "chuyên đề", "", "", "", "", ""},
			{"01/02/2026", "", "định kỳ", "", "", "An", "", ""},
		}), []want1{{2, "date", "bad_date"}, {3, "time", "bad_time"}, {3, "kind", "bad_kind"}, {4, "topic", "topic_required"}, {4, "host", "host_required"}, {5, "date", "outside_year"}}},
		{"empty", "k.csv", []byte(""), []want1{{0, "", "empty"}}},
		{"only a BOM", "k.csv", []byte("\xEF\xBB\xBF\n"), []want1{{0, "", "empty"}}},
		{"header only", "k.xlsx", sheet(t, [][]any{header}), []want1{{0, "", "no_rows"}}},
		{"missing column", "k.csv", []byte("Ngày,Giờ,Địa điểm\n01/02/2027,08:00,x\n"), []want1{{1, "kind", "missing_column"}, {1, "host", "missing_column"}}},
		{"too many rows", "k.csv", []byte("Ngày,Hình thức,Người chủ trì\n" + strings.Repeat("01/02/2027,định kỳ,An\n", planimport.MaxRows+1)), []want1{{0, "", "too_many_rows"}}},
		{"too large", "k.csv", bytes.Repeat([]byte("a"), planimport.MaxBytes+1), []want1{{0, "", "too_large"}}},
		{"wrong type", "k.pdf", []byte("%PDF-1.4"), []want1{{0, "", "wrong_type"}}},
		{"old excel", "k.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []want1{{0, "", "xls"}}},
		{"not a workbook", "k.xlsx", []byte("Ngày,Hình thức\n"), []want1{{0, "", "unreadable"}}},
		{"not utf-8", "k.csv", []byte("Ng\xe0y,H\xecnh th\xfac\n"), []want1{{0, "", "not_utf8"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := planimport.Parse(tc.file, tc.data, 2027)
			if rows != nil {
				t.Errorf("rows returned with errors: %+v", rows)
			}
			if len(errs) != len(tc.want) {
				t.Fatalf("errors %+v, want %+v", errs, tc.want)
			}
			for i, w := range tc.want {
				if e := errs[i]; e.Row != w.row || e.Column != w.col || e.Code != w.code {
					t.Errorf("error %d: %+v, want %+v", i, e, w)
				}
			}
		})
	}
}

// The downloadable templates carry the Vietnamese headers, and a template
// read back is a file with no rows yet.
func TestPlanImportTemplates(t *testing.T) {
	b, err := planimport.TemplateXLSX()
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := planimport.Parse("mau.xlsx", b, 2027); len(errs) != 1 || errs[0].Code != "no_rows" {
		t.Errorf("xlsx template read back: %+v", errs)
	}
	c := planimport.TemplateCSV()
	if !bytes.HasPrefix(c, []byte("\xEF\xBB\xBFNgày (dd/mm/yyyy),Giờ (hh:mm),Hình thức,Chuyên đề,Địa điểm,Người chủ trì,Chức vụ,Thành phần mời")) {
		t.Errorf("csv template: %q", c)
	}
	if _, errs := planimport.Parse("mau.csv", c, 2027); len(errs) != 1 || errs[0].Code != "no_rows" {
		t.Errorf("csv template read back: %+v", errs)
	}
}
