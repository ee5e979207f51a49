package calendar

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*60*60)

// at returns y-m-d h:mi in Vietnam.
func at(y int, m time.Month, day, h, mi int) time.Time {
	return time.Date(y, m, day, h, mi, 0, 0, ict)
}

func mustNew(t *testing.T, opts Options) *Calendar {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func mustLoad(t *testing.T, path string) *Overrides {
	t.Helper()
	o, err := LoadOverridesFile(path)
	if err != nil {
		t.Fatalf("LoadOverridesFile: %v", err)
	}
	return o
}

func sameInstant(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestHolidays2027 is the default holiday list of 2027, checked by hand:
// Tết (lunar 1/1) is Sat 2027-02-06, the last day of the lunar year is Fri
// 02-05 (29/12, month 12 being short), the block is Fri 02-05 .. Tue 02-09,
// and its Sat and Sun are compensated on Wed 02-10 and Thu 02-11. Giỗ Tổ
// (10/3) is Fri 04-16. 1/5 is a Saturday, compensated on Mon 05-03.
func TestHolidays2027(t *testing.T) {
	c := mustNew(t, Options{})
	type row struct {
		date string
		kind HolidayKind
		name string
	}
	want := []row{
		{"2027-01-01", KindPublicHoliday, "Tết Dương lịch"},
		{"2027-02-05", KindPublicHoliday, "Tết Nguyên đán"},
		{"2027-02-06", KindPublicHoliday, "Tết Nguyên đán"},
		{"2027-02-07", KindPublicHoliday, "Tết Nguyên đán"},
		{"2027-02-08", KindPublicHoliday, "Tết Nguyên đán"},
		{"2027-02-09", KindPublicHoliday, "Tết Nguyên đán"},
		{"2027-02-10", KindCompensatory, "Nghỉ bù Tết Nguyên đán"},
		{"2027-02-11", KindCompensatory, "Nghỉ bù Tết Nguyên đán"},
		{"2027-04-16", KindPublicHoliday, "Giỗ Tổ Hùng Vương"},
		{"2027-04-30", KindPublicHoliday, "Ngày Chiến thắng"},
		{"2027-05-01", KindPublicHoliday, "Ngày Quốc tế Lao động"},
		{"2027-05-03", KindCompensatory, "Nghỉ bù Ngày Quốc tế Lao động"},
		{"2027-09-01", KindPublicHoliday, "Quốc khánh"},
		{"2027-09-02", KindPublicHoliday, "Quốc khánh"},
	}
	var got []row
	for _, h := range c.Holidays(2027) {
		got = append(got, row{h.Date.String(), h.Kind, h.Name})
		if h.NameEN == "" {
			t.Errorf("%v: empty English name", h.Date)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Holidays(2027):\n got  %v\n want %v", got, want)
	}
	if vi, en, ok := c.HolidayName(at(2027, 2, 5, 9, 0)); !ok || vi != "Tết Nguyên đán" || en != "Lunar New Year (Tết)" {
		t.Errorf("HolidayName(2027-02-05) = %q, %q, %v", vi, en, ok)
	}
	if vi, _, ok := c.HolidayName(at(2027, 4, 30, 9, 0)); !ok || vi != "Ngày Chiến thắng" {
		t.Errorf("HolidayName(2027-04-30) = %q, %v", vi, ok)
	}
	if _, _, ok := c.HolidayName(at(2027, 2, 13, 9, 0)); ok {
		t.Error("an ordinary Saturday has no holiday name")
	}
	if _, _, ok := c.HolidayName(at(2027, 2, 12, 9, 0)); ok {
		t.Error("a working day has no holiday name")
	}
}

// TestTet2027Crossing: assigned Wed 2027-02-03 with 5 working days. Working
// days after it: Thu 02-04 (1); Fri 02-05 .. Thu 02-11 are Tết, weekend and
// compensating days; Fri 02-12 (2); Sat/Sun; Mon 02-15 (3); Tue 02-16 (4);
// Wed 02-17 (5).
func TestTet2027Crossing(t *testing.T) {
	c := mustNew(t, Options{})
	from := at(2027, 2, 3, 10, 30)
	sameInstant(t, "+5", c.AddWorkingDays(from, 5), at(2027, 2, 17, 17, 0))
	sameInstant(t, "+1", c.AddWorkingDays(from, 1), at(2027, 2, 4, 17, 0))
	sameInstant(t, "+2", c.AddWorkingDays(from, 2), at(2027, 2, 12, 17, 0))
	if n := c.WorkingDaysBetween(from, at(2027, 2, 17, 17, 0)); n != 5 {
		t.Errorf("WorkingDaysBetween = %d, want 5", n)
	}
	for day := 5; day <= 11; day++ {
		if c.IsWorkingDay(at(2027, 2, day, 12, 0)) {
			t.Errorf("2027-02-%02d should be a day off", day)
		}
	}
	if !c.IsWorkingDay(at(2027, 2, 12, 12, 0)) {
		t.Error("2027-02-12 should be a working day")
	}
}

func TestNationalDayAdjacentDay(t *testing.T) {
	c := mustNew(t, Options{})
	// 2027: 1/9 Wed and 2/9 Thu are off.
	sameInstant(t, "2027-08-31 +1", c.AddWorkingDays(at(2027, 8, 31, 8, 0), 1), at(2027, 9, 3, 17, 0))
	if vi, _, ok := c.HolidayName(at(2027, 9, 1, 8, 0)); !ok || vi != "Quốc khánh" {
		t.Errorf("HolidayName(2027-09-01) = %q, %v", vi, ok)
	}
	// 2029: 1/9 Sat and 2/9 Sun are both compensated: Mon 3/9 and Tue 4/9.
	var got []string
	for _, h := range c.Holidays(2029) {
		if h.Date.Month == time.September {
			got = append(got, h.Date.String()+" "+h.Kind.String())
		}
	}
	want := []string{
		"2029-09-01 public holiday", "2029-09-02 public holiday",
		"2029-09-03 compensatory day off", "2029-09-04 compensatory day off",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("September 2029 = %v, want %v", got, want)
	}
	sameInstant(t, "2029-08-31 +1", c.AddWorkingDays(at(2029, 8, 31, 8, 0), 1), at(2029, 9, 5, 17, 0))
}

func TestApril30May1Block(t *testing.T) {
	c := mustNew(t, Options{})
	// 2026: 30/4 Thu, 1/5 Fri, then the weekend: next working day Mon 05-04.
	sameInstant(t, "2026-04-29 +1", c.AddWorkingDays(at(2026, 4, 29, 14, 0), 1), at(2026, 5, 4, 17, 0))
	sameInstant(t, "2026-04-29 +2", c.AddWorkingDays(at(2026, 4, 29, 14, 0), 2), at(2026, 5, 5, 17, 0))
	if n := c.WorkingDaysBetween(at(2026, 4, 29, 0, 0), at(2026, 5, 4, 0, 0)); n != 1 {
		t.Errorf("WorkingDaysBetween(04-29, 05-04) = %d, want 1", n)
	}
	// 2023: Giỗ Tổ Sat 04-29, 30/4 Sun, 1/5 Mon: compensated Tue 05-02 and
	// Wed 05-03 (the government's actual 2023 arrangement).
	var got []string
	for _, h := range c.Holidays(2023) {
		if h.Date.After(d(2023, 4, 28)) && h.Date.Before(d(2023, 5, 10)) {
			got = append(got, h.Date.String()+" "+h.Name)
		}
	}
	want := []string{
		"2023-04-29 Giỗ Tổ Hùng Vương",
		"2023-04-30 Ngày Chiến thắng",
		"2023-05-01 Ngày Quốc tế Lao động",
		"2023-05-02 Nghỉ bù Giỗ Tổ Hùng Vương",
		"2023-05-03 Nghỉ bù Ngày Chiến thắng",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("2023 block:\n got  %v\n want %v", got, want)
	}
	sameInstant(t, "2023-04-28 +1", c.AddWorkingDays(at(2023, 4, 28, 9, 0), 1), at(2023, 5, 4, 17, 0))
}

func TestWeekendCompensation(t *testing.T) {
	c := mustNew(t, Options{})
	// 2022-01-01 was a Saturday: Mon 2022-01-03 is the compensating day.
	if c.IsWorkingDay(at(2022, 1, 3, 9, 0)) {
		t.Error("2022-01-03 should be a compensating day off")
	}
	if vi, en, ok := c.HolidayName(at(2022, 1, 3, 9, 0)); !ok || vi != "Nghỉ bù Tết Dương lịch" || !strings.Contains(en, "New Year's Day") {
		t.Errorf("HolidayName(2022-01-03) = %q, %q, %v", vi, en, ok)
	}
	sameInstant(t, "2021-12-31 +1", c.AddWorkingDays(at(2021, 12, 31, 9, 0), 1), at(2022, 1, 4, 17, 0))
	// Giỗ Tổ 2026 is Sunday 04-26: compensated Monday 04-27.
	if c.IsWorkingDay(at(2026, 4, 27, 9, 0)) {
		t.Error("2026-04-27 should be a compensating day off")
	}
	sameInstant(t, "2026-04-24 +1", c.AddWorkingDays(at(2026, 4, 24, 9, 0), 1), at(2026, 4, 28, 17, 0))
	// Tết 2028: Tue 01-25 .. Sat 01-29; one weekend day, compensated Mon 01-31.
	var got []string
	for _, h := range c.Holidays(2028) {
		if h.Date.Month == time.January && h.Date.Day > 20 {
			got = append(got, h.Date.String()+" "+h.Kind.String())
		}
	}
	want := []string{
		"2028-01-25 public holiday", "2028-01-26 public holiday", "2028-01-27 public holiday",
		"2028-01-28 public holiday", "2028-01-29 public holiday", "2028-01-31 compensatory day off",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Tết 2028 = %v, want %v", got, want)
	}
}

// TestOverrides uses testdata/overrides-example.json: Thu 2027-02-04 off,
// Sat 2027-02-20 worked in exchange; the 2/9 adjacent day is 3/9, not 1/9.
func TestOverrides(t *testing.T) {
	c := mustNew(t, Options{Overrides: mustLoad(t, "testdata/overrides-example.json")})
	plain := mustNew(t, Options{})
	from := at(2027, 2, 3, 10, 0)

	// Extra day off skipped: the first working day after 02-03 is now 02-12.
	sameInstant(t, "+1", c.AddWorkingDays(from, 1), at(2027, 2, 12, 17, 0))
	sameInstant(t, "plain +1", plain.AddWorkingDays(from, 1), at(2027, 2, 4, 17, 0))
	// Working Saturday counts: 02-12, 15, 16, 17, 18, 19, Sat 20 = 7.
	sameInstant(t, "+7", c.AddWorkingDays(from, 7), at(2027, 2, 20, 17, 0))
	sameInstant(t, "plain +7", plain.AddWorkingDays(from, 7), at(2027, 2, 19, 17, 0))
	if !c.IsWorkingDay(at(2027, 2, 20, 9, 0)) || plain.IsWorkingDay(at(2027, 2, 20, 9, 0)) {
		t.Error("2027-02-20 should be a working day only with the overrides")
	}
	if vi, en, ok := c.HolidayName(at(2027, 2, 4, 9, 0)); !ok || vi != "Nghỉ Tết Nguyên đán (hoán đổi)" || en != "Lunar New Year (swapped day off)" {
		t.Errorf("HolidayName(2027-02-04) = %q, %q, %v", vi, en, ok)
	}
	// 1/9 removed, 3/9 added.
	sameInstant(t, "08-31 +1", c.AddWorkingDays(at(2027, 8, 31, 9, 0), 1), at(2027, 9, 1, 17, 0))
	sameInstant(t, "08-31 +2", c.AddWorkingDays(at(2027, 8, 31, 9, 0), 2), at(2027, 9, 6, 17, 0))

	var got []string
	for _, h := range c.Holidays(2027) {
		if h.Date.Month == time.February && h.Date.Day < 12 || h.Date.Month == time.September {
			got = append(got, h.Date.String()+" "+h.Kind.String())
		}
	}
	want := []string{
		"2027-02-04 day off", "2027-02-05 public holiday", "2027-02-06 public holiday",
		"2027-02-07 public holiday", "2027-02-08 public holiday", "2027-02-09 public holiday",
		"2027-02-10 compensatory day off", "2027-02-11 compensatory day off",
		"2027-09-02 public holiday", "2027-09-03 day off",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Holidays(2027) with overrides:\n got  %v\n want %v", got, want)
	}

	// A working_days entry on a holiday beats the holiday.
	o := &Overrides{WorkingDays: []OverrideEntry{{Date: d(2027, 2, 9)}}, DaysOff: []OverrideEntry{{Date: d(2027, 2, 12)}}}
	c2 := mustNew(t, Options{Overrides: o})
	if !c2.IsWorkingDay(at(2027, 2, 9, 9, 0)) {
		t.Error("working_days 2027-02-09 should be a working day")
	}
	if _, _, ok := c2.HolidayName(at(2027, 2, 9, 9, 0)); ok {
		t.Error("working_days 2027-02-09 should have no holiday name")
	}
	if vi, en, ok := c2.HolidayName(at(2027, 2, 12, 9, 0)); !ok || vi != "Ngày nghỉ bổ sung" || en != "Additional day off" {
		t.Errorf("HolidayName(days_off without name) = %q, %q, %v", vi, en, ok)
	}
}

func TestNewRejectsBadOverrides(t *testing.T) {
	tests := []struct {
		name string
		o    *Overrides
		want string
	}{
		{"remove a non-holiday", &Overrides{RemoveHolidays: []OverrideEntry{{Date: d(2027, 2, 12), Line: 3}}},
			"line 3: remove_holidays[0]: 2027-02-12 is not a holiday"},
		{"invalid date", &Overrides{DaysOff: []OverrideEntry{{Date: Date{2027, 2, 30}}}}, "days_off[0]: date 2027-02-30 does not exist"},
		{"conflict", &Overrides{DaysOff: []OverrideEntry{{Date: d(2027, 3, 1)}}, WorkingDays: []OverrideEntry{{Date: d(2027, 3, 1)}}},
			"working_days[0]: 2027-03-01 is also in days_off[0]"},
	}
	for _, tt := range tests {
		_, err := New(Options{Overrides: tt.o})
		if !errors.Is(err, ErrInvalidOverrides) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New error = %v, want ErrInvalidOverrides containing %q", tt.name, err, tt.want)
		}
	}
}

func TestSubWorkingDaysReminders(t *testing.T) {
	c := mustNew(t, Options{})
	deadline := at(2027, 2, 17, 17, 0)
	for _, tt := range []struct {
		n    int
		want time.Time
	}{
		{0, deadline},
		{1, at(2027, 2, 16, 17, 0)},
		{3, at(2027, 2, 12, 17, 0)},
		{4, at(2027, 2, 4, 17, 0)}, // skips the whole Tết block
		{5, at(2027, 2, 3, 17, 0)},
	} {
		sameInstant(t, "SubWorkingDays", c.SubWorkingDays(deadline, tt.n), tt.want)
	}
	// A deadline on a holiday keeps its clock time; the reminder is on a
	// working day.
	sameInstant(t, "from a holiday", c.SubWorkingDays(at(2027, 2, 8, 9, 30), 1), at(2027, 2, 4, 9, 30))

	// Sweep: reminders always land on working days, n working days before.
	for from := d(2026, 12, 1); from.Before(d(2028, 3, 1)); from = from.AddDays(1) {
		start := from.In(ict).Add(9 * time.Hour)
		deadline := c.AddWorkingDays(start, 10)
		for n := 1; n <= 12; n++ {
			r := c.SubWorkingDays(deadline, n)
			if !c.IsWorkingDay(r) {
				t.Fatalf("reminder %d before %v lands on non-working %v", n, deadline, r)
			}
			if h, m, _ := r.Clock(); h != 17 || m != 0 {
				t.Fatalf("reminder %v: clock time changed", r)
			}
			if got := c.WorkingDaysBetween(r, deadline); got != n {
				t.Fatalf("WorkingDaysBetween(%v, %v) = %d, want %d", r, deadline, got, n)
			}
			if n < 10 {
				sameInstant(t, "Sub(Add(from,10),n)", r, c.AddWorkingDays(start, 10-n))
			}
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := mustNew(t, Options{})
	a, b := at(2027, 2, 3, 10, 0), at(2027, 2, 17, 17, 0)
	if n := c.WorkingDaysBetween(a, b); n != 5 {
		t.Errorf("a->b = %d, want 5", n)
	}
	if n := c.WorkingDaysBetween(b, a); n != -5 {
		t.Errorf("b->a = %d, want -5", n)
	}
	if n := c.WorkingDaysBetween(a, at(2027, 2, 3, 23, 59)); n != 0 {
		t.Errorf("same date = %d, want 0", n)
	}
	// Done two working days late (deadline Wed 02-17, done Fri 02-19 08:00).
	if n := c.WorkingDaysBetween(b, at(2027, 2, 19, 8, 0)); n != 2 {
		t.Errorf("delay = %d, want 2", n)
	}
	// Across the year: 2026-12-31 (Thu) -> 2027-01-04 (Mon): 1/1 off, weekend.
	if n := c.WorkingDaysBetween(at(2026, 12, 31, 9, 0), at(2027, 1, 4, 9, 0)); n != 1 {
		t.Errorf("new year = %d, want 1", n)
	}
	// Inverse of AddWorkingDays.
	for n := 1; n <= 40; n++ {
		if got := c.WorkingDaysBetween(a, c.AddWorkingDays(a, n)); got != n {
			t.Fatalf("WorkingDaysBetween(a, Add(a, %d)) = %d", n, got)
		}
	}
}

func TestAddWorkingDaysEdges(t *testing.T) {
	c := mustNew(t, Options{})
	// n <= 0: close of the same day if working, else of the next working day.
	sameInstant(t, "n=0 working", c.AddWorkingDays(at(2027, 2, 3, 20, 0), 0), at(2027, 2, 3, 17, 0))
	sameInstant(t, "n=0 holiday", c.AddWorkingDays(at(2027, 2, 8, 9, 0), 0), at(2027, 2, 12, 17, 0))
	sameInstant(t, "n=-3 weekend", c.AddWorkingDays(at(2027, 2, 13, 9, 0), -3), at(2027, 2, 15, 17, 0))
	// Assigned on a holiday: counting starts the next day.
	sameInstant(t, "from holiday", c.AddWorkingDays(at(2027, 2, 6, 9, 0), 1), at(2027, 2, 12, 17, 0))
	// The date is taken in Vietnam: 18:00 UTC on 02-03 is 01:00 on 02-04.
	utc := time.Date(2027, 2, 3, 18, 0, 0, 0, time.UTC)
	sameInstant(t, "UTC input", c.AddWorkingDays(utc, 1), at(2027, 2, 12, 17, 0))
	if got := c.AddWorkingDays(utc, 1); got.Location() != c.Location() {
		t.Errorf("result location = %v, want %v", got.Location(), c.Location())
	}
	// Custom close of day.
	c2 := mustNew(t, Options{CloseOfDay: 16*time.Hour + 30*time.Minute, Location: ict})
	sameInstant(t, "16:30", c2.AddWorkingDays(at(2027, 2, 3, 9, 0), 1), at(2027, 2, 4, 16, 30))
	if c2.CloseOfDay() != 16*time.Hour+30*time.Minute || c.CloseOfDay() != DefaultCloseOfDay {
		t.Error("CloseOfDay getter")
	}
}

func TestNewOptions(t *testing.T) {
	for _, cod := range []time.Duration{-time.Hour, 24 * time.Hour, 30 * time.Hour} {
		if _, err := New(Options{CloseOfDay: cod}); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("CloseOfDay %v: error = %v, want ErrInvalidOptions", cod, err)
		}
	}
	// A fixed UTC+7 zone and Asia/Ho_Chi_Minh give the same answers.
	a := mustNew(t, Options{})
	b := mustNew(t, Options{Location: ict})
	from := at(2027, 2, 3, 10, 0)
	for n := 0; n < 30; n++ {
		sameInstant(t, "zones agree", a.AddWorkingDays(from, n), b.AddWorkingDays(from, n))
	}
}

// TestHolidayInvariants checks, for 1968-2100 (inside and outside the
// precomputed years), that every year gives exactly 11 weekdays off (Art.
// 112's 11 days, each weekend holiday compensated once), that the lists are
// sorted without duplicates and deterministic, and that IsWorkingDay agrees
// with Holidays.
func TestHolidayInvariants(t *testing.T) {
	c := mustNew(t, Options{})
	for y := 1968; y <= 2100; y++ {
		hs := c.Holidays(y)
		weekdaysOff := 0
		for i, h := range hs {
			if i > 0 && !hs[i-1].Date.Before(h.Date) {
				t.Fatalf("%d: not sorted/unique at %v", y, h.Date)
			}
			if h.Date.Year != y {
				t.Fatalf("%d: holiday %v in another year", y, h.Date)
			}
			if !isWeekend(h.Date) {
				weekdaysOff++
			}
			if c.IsWorkingDate(h.Date) {
				t.Fatalf("%v (%s) is a working day", h.Date, h.Name)
			}
		}
		if weekdaysOff != 11 {
			t.Errorf("%d: %d weekdays off, want 11: %v", y, weekdaysOff, hs)
		}
		if !reflect.DeepEqual(hs, c.Holidays(y)) {
			t.Fatalf("%d: Holidays not deterministic", y)
		}
		if y%10 == 7 {
			off := map[Date]bool{}
			for _, h := range hs {
				off[h.Date] = true
			}
			for day := d(y, 1, 1); day.Year == y; day = day.AddDays(1) {
				want := !isWeekend(day) && !off[day]
				if got := c.IsWorkingDay(day.In(ict).Add(12 * time.Hour)); got != want {
					t.Fatalf("IsWorkingDay(%v) = %v, want %v", day, got, want)
				}
			}
		}
	}
}

// TestCoincidingHolidays covers 1947, when Giỗ Tổ fell on 30/4: one entry
// with both names, and a compensating day for the second holiday.
func TestCoincidingHolidays(t *testing.T) {
	c := mustNew(t, Options{})
	hs := c.Holidays(1947)
	h, ok := findHoliday(hs, d(1947, 4, 30))
	if !ok || !strings.Contains(h.Name, "Giỗ Tổ Hùng Vương") || !strings.Contains(h.Name, "Ngày Chiến thắng") {
		t.Fatalf("1947-04-30 = %+v, %v", h, ok)
	}
	weekdaysOff := 0
	for _, h := range hs {
		if !isWeekend(h.Date) {
			weekdaysOff++
		}
	}
	if weekdaysOff != 11 {
		t.Errorf("1947: %d weekdays off, want 11: %v", weekdaysOff, hs)
	}
}
