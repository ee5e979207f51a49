package calendar

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func TestLoadOverridesExample(t *testing.T) {
	o := mustLoad(t, "testdata/overrides-example.json")
	if !strings.HasPrefix(o.Description, "Ví dụ") {
		t.Errorf("Description = %q", o.Description)
	}
	want := &Overrides{
		Description: o.Description,
		DaysOff: []OverrideEntry{
			{Date: d(2027, 2, 4), Name: "Nghỉ Tết Nguyên đán (hoán đổi)", NameEN: "Lunar New Year (swapped day off)",
				Note: "28 tháng Chạp, hoán đổi với thứ Bảy 20/02/2027", Line: 4},
			{Date: d(2027, 9, 3), Name: "Quốc khánh", NameEN: "National Day", Note: "ngày liền kề sau 2/9, thay cho 1/9", Line: 5},
		},
		WorkingDays:    []OverrideEntry{{Date: d(2027, 2, 20), Note: "thứ Bảy làm bù cho ngày 04/02/2027", Line: 8}},
		RemoveHolidays: []OverrideEntry{{Date: d(2027, 9, 1), Note: "ngày liền kề của Quốc khánh chọn là 3/9", Line: 11}},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("LoadOverridesFile:\n got  %+v\n want %+v", o, want)
	}
}

func TestLoadOverridesShortForms(t *testing.T) {
	o, err := LoadOverrides(strings.NewReader(`{"days_off": ["2027-02-05"], "working_days": ["2027-02-20"], "remove_holidays": ["2027-02-10"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(o.DaysOff) != 1 || o.DaysOff[0].Date != d(2027, 2, 5) || o.WorkingDays[0].Date != d(2027, 2, 20) ||
		o.RemoveHolidays[0].Date != d(2027, 2, 10) || o.DaysOff[0].Line != 1 {
		t.Errorf("got %+v", o)
	}
	// The brief's example is accepted by New too (02-10 is a compensating day).
	c := mustNew(t, Options{Overrides: o})
	if !c.IsWorkingDay(at(2027, 2, 10, 9, 0)) || c.IsWorkingDay(at(2027, 2, 5, 9, 0)) || !c.IsWorkingDay(at(2027, 2, 20, 9, 0)) {
		t.Error("overrides not applied")
	}
	for _, in := range []string{`{}`, " {\n}\n", `{"days_off": []}`} {
		if _, err := LoadOverrides(strings.NewReader(in)); err != nil {
			t.Errorf("LoadOverrides(%q): %v", in, err)
		}
	}
}

func TestLoadOverridesErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty input"},
		{"bad date", "{\n  \"days_off\": [\n    \"2027-02-05\",\n    \"2027-02-30\"\n  ]\n}", `line 4: days_off[1]`},
		{"bad date format", `{"working_days": ["20/02/2027"]}`, `line 1: working_days[0]`},
		{"unknown key", "{\n  \"day_off\": []\n}", `line 2: unknown key "day_off"`},
		{"unknown entry field", "{\"days_off\": [\n {\"dat\": \"2027-02-05\"}\n]}", `line 2: days_off[0]`},
		{"missing date", "{\"days_off\": [\n\n {\"note\": \"x\"}\n]}", `line 3: days_off[0]: missing "date"`},
		{"number entry", "{\"remove_holidays\": [20270205]}", `line 1: remove_holidays[0]: want a "YYYY-MM-DD" string`},
		{"duplicate", "{\"days_off\": [\n\"2027-02-05\",\n\"2027-02-05\"]}", `line 3: days_off[1]: 2027-02-05 already listed at line 2: days_off[0]`},
		{"conflict", "{\"days_off\": [\"2027-02-05\"],\n\"working_days\": [\"2027-02-05\"]}", `line 2: working_days[0]: 2027-02-05 is also in line 1: days_off[0]`},
		{"conflict remove", "{\"days_off\": [\"2027-02-05\"],\n\"remove_holidays\": [\"2027-02-05\"]}", `remove_holidays[0]: 2027-02-05 is also in line 1: days_off[0]`},
		{"syntax", "{\n\"days_off\": [\n\"2027-02-05\",\n]\n}", "line 4"},
		{"truncated", "{\n\"days_off\": [\n\"2027-02-05\"", "line 3: invalid calendar overrides: unexpected end"},
		{"not an object", `["2027-02-05"]`, `top level: expected "{"`},
		{"list not array", `{"days_off": "2027-02-05"}`, `days_off: expected "["`},
		{"trailing data", "{}\n{}", "line 2: "},
		{"description type", "{\n\"description\": 5}", "line 2: description must be a string"},
		{"repeated key", "{\"days_off\": [],\n\"days_off\": []}", `line 2: key "days_off" repeated`},
	}
	for _, tt := range tests {
		_, err := LoadOverrides(strings.NewReader(tt.in))
		if !errors.Is(err, ErrInvalidOverrides) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v\n want ErrInvalidOverrides containing %q", tt.name, err, tt.want)
		}
		if testing.Verbose() {
			t.Logf("%s: %v", tt.name, err)
		}
	}
	_, err := LoadOverrides(strings.NewReader(`{"days_off": ["2027-02-30"]}`))
	if !errors.Is(err, ErrInvalidDate) {
		t.Errorf("bad date error %v should also wrap ErrInvalidDate", err)
	}
}

func TestLoadOverridesFileMissing(t *testing.T) {
	_, err := LoadOverridesFile("testdata/does-not-exist.json")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v, want fs.ErrNotExist", err)
	}
}
