package calendar

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func d(y int, m time.Month, day int) Date { return Date{Year: y, Month: m, Day: day} }

func TestLunarNewYear(t *testing.T) {
	tests := []struct {
		year int
		want Date
	}{
		{2024, d(2024, 2, 10)},
		{2025, d(2025, 1, 29)},
		{2026, d(2026, 2, 17)},
		{2027, d(2027, 2, 6)},
		{2028, d(2028, 1, 26)},
		// The Vietnamese Tết 2030 is 02-02: the new moon is at 16:09 UTC on
		// 2030-02-02, i.e. 23:09 in Hanoi but 00:09 on 02-03 in Beijing
		// (the Chinese New Year is 2030-02-03).
		{2030, d(2030, 2, 2)},
		{2007, d(2007, 2, 17)}, // China: 2007-02-18
		// Vietnam had no leap month in 1984 (China: leap 10th month), so Tết
		// Ất Sửu came a month earlier than the Chinese New Year (1985-02-20).
		{1985, d(1985, 1, 21)},
		{1968, d(1968, 1, 29)}, // China: 1968-01-30
		{2020, d(2020, 1, 25)},
		{2023, d(2023, 1, 22)},
		{2000, d(2000, 2, 5)},
		{1900, d(1900, 1, 31)},
		{2100, d(2100, 2, 9)},
	}
	for _, tt := range tests {
		if got := LunarNewYear(tt.year); got != tt.want {
			t.Errorf("LunarNewYear(%d) = %v, want %v", tt.year, got, tt.want)
		}
		got, err := LunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
		if err != nil || got != tt.want {
			t.Errorf("LunarToSolar(1/1/%d) = %v, %v, want %v", tt.year, got, err, tt.want)
		}
		if l := SolarToLunar(tt.want); l != (LunarDate{Year: tt.year, Month: 1, Day: 1}) {
			t.Errorf("SolarToLunar(%v) = %v, want 1/1/%d", tt.want, l, tt.year)
		}
	}
}

func TestHungKingsDay(t *testing.T) {
	tests := []struct {
		year int
		want Date
	}{
		{2023, d(2023, 4, 29)},
		{2024, d(2024, 4, 18)},
		{2025, d(2025, 4, 7)},
		{2026, d(2026, 4, 26)},
		{2027, d(2027, 4, 16)},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(LunarDate{Year: tt.year, Month: 3, Day: 10})
		if err != nil || got != tt.want {
			t.Errorf("Giỗ Tổ %d = %v, %v, want %v", tt.year, got, err, tt.want)
		}
	}
}

func TestLeapMonths(t *testing.T) {
	tests := []struct{ year, leap int }{
		{1984, 0}, {1985, 2}, {2020, 4}, {2023, 2}, {2024, 0}, {2025, 6}, {2026, 0}, {2027, 0}, {2028, 5},
		{2033, 11}, // the "2033 problem": Vietnam's rules give leap month 11
	}
	for _, tt := range tests {
		if got := LeapMonth(tt.year); got != tt.leap {
			t.Errorf("LeapMonth(%d) = %d, want %d", tt.year, got, tt.leap)
		}
	}
	// 1/6 nhuận/2025 and the regular 6th month before it.
	got, err := LunarToSolar(LunarDate{Year: 2025, Month: 6, Day: 1, Leap: true})
	if err != nil || got != d(2025, 7, 25) {
		t.Errorf("1/6 nhuận/2025 = %v, %v, want 2025-07-25", got, err)
	}
	got, err = LunarToSolar(LunarDate{Year: 2025, Month: 6, Day: 1})
	if err != nil || got != d(2025, 6, 25) {
		t.Errorf("1/6/2025 = %v, %v, want 2025-06-25", got, err)
	}
	// Leap month 11 of 2033 belongs to lunar year 2033.
	if l := SolarToLunar(d(2033, 12, 22)); l.Year != 2033 || l.Month != 11 || !l.Leap {
		t.Errorf("SolarToLunar(2033-12-22) = %v, want a day of 11 nhuận/2033", l)
	}
	if n := len(LunarMonths(2033)); n != 13 {
		t.Errorf("len(LunarMonths(2033)) = %d, want 13", n)
	}
	if n := len(LunarMonths(2027)); n != 12 {
		t.Errorf("len(LunarMonths(2027)) = %d, want 12", n)
	}
}

func TestLunarToSolarErrors(t *testing.T) {
	bad := []LunarDate{
		{Year: 2027, Month: 3, Day: 1, Leap: true}, // 2027 has no leap month
		{Year: 2025, Month: 5, Day: 1, Leap: true}, // 2025's leap month is 6
		{Year: 2027, Month: 13, Day: 1},
		{Year: 2027, Month: 0, Day: 1},
		{Year: 2027, Month: 1, Day: 0},
		{Year: 2027, Month: 1, Day: 31},
	}
	// A 29-day month has no day 30.
	for _, m := range LunarMonths(2027) {
		if m.Days == 29 {
			bad = append(bad, LunarDate{Year: 2027, Month: m.Month, Day: 30, Leap: m.Leap})
			break
		}
	}
	for _, l := range bad {
		if got, err := LunarToSolar(l); !errors.Is(err, ErrInvalidLunarDate) {
			t.Errorf("LunarToSolar(%+v) = %v, %v; want ErrInvalidLunarDate", l, got, err)
		}
	}
	if _, err := LunarMonthDays(2027, 4, true); !errors.Is(err, ErrInvalidLunarDate) {
		t.Errorf("LunarMonthDays(2027, 4 nhuận) error = %v, want ErrInvalidLunarDate", err)
	}
}

// TestLunarRoundTrip converts every day of 2000-2050 to the lunar calendar
// and back, and checks that lunar dates advance one day at a time.
func TestLunarRoundTrip(t *testing.T) {
	start, end := d(2000, 1, 1), d(2050, 12, 31)
	prev := SolarToLunar(start.AddDays(-1))
	for day := start; !day.After(end); day = day.AddDays(1) {
		l := SolarToLunar(day)
		back, err := LunarToSolar(l)
		if err != nil || back != day {
			t.Fatalf("%v -> %v -> %v, %v", day, l, back, err)
		}
		if l.Day == 1 {
			n, err := LunarMonthDays(prev.Year, prev.Month, prev.Leap)
			if err != nil || prev.Day != n || (n != 29 && n != 30) {
				t.Fatalf("%v: month %v ended on day %d of %d (%v)", day, prev, prev.Day, n, err)
			}
			if l.Month == 1 && !l.Leap && l.Year != prev.Year+1 {
				t.Fatalf("%v: lunar year did not advance: %v after %v", day, l, prev)
			}
		} else if l != (LunarDate{Year: prev.Year, Month: prev.Month, Day: prev.Day + 1, Leap: prev.Leap}) {
			t.Fatalf("%v: %v does not follow %v", day, l, prev)
		}
		prev = l
	}
	// And every lunar date of those years back to a solar date and again.
	for y := 2000; y <= 2050; y++ {
		months := LunarMonths(y)
		if len(months) != 12 && len(months) != 13 {
			t.Fatalf("lunar year %d has %d months", y, len(months))
		}
		for _, m := range months {
			for dd := 1; dd <= m.Days; dd++ {
				l := LunarDate{Year: y, Month: m.Month, Day: dd, Leap: m.Leap}
				s, err := LunarToSolar(l)
				if err != nil || s != m.Start.AddDays(dd-1) || SolarToLunar(s) != l {
					t.Fatalf("%v -> %v, %v", l, s, err)
				}
			}
		}
	}
}

// tetRegression lists "MM-DD/leap month" of every lunar year 1968-2100 (Tết
// date and leap month, 0 if none). The values agree with the tables Hồ Ngọc
// Đức publishes for the Vietnamese calendar; they pin the computation
// against regressions and against floating-point differences between
// platforms.
var tetRegression = [...]string{
	"01-29/7", "02-16/0", "02-06/0", "01-27/5", "02-15/0", "02-03/0", "01-23/4", "02-11/0", // 1968
	"01-31/8", "02-18/0", "02-07/0", "01-28/6", "02-16/0", "02-05/0", "01-25/4", "02-13/0", // 1976
	"02-02/0", "01-21/2", "02-09/0", "01-29/7", "02-17/0", "02-06/0", "01-27/5", "02-15/0", // 1984
	"02-04/0", "01-23/3", "02-10/0", "01-31/8", "02-19/0", "02-07/0", "01-28/5", "02-16/0", // 1992
	"02-05/0", "01-24/4", "02-12/0", "02-01/0", "01-22/2", "02-09/0", "01-29/7", "02-17/0", // 2000
	"02-07/0", "01-26/5", "02-14/0", "02-03/0", "01-23/4", "02-10/0", "01-31/9", "02-19/0", // 2008
	"02-08/0", "01-28/6", "02-16/0", "02-05/0", "01-25/4", "02-12/0", "02-01/0", "01-22/2", // 2016
	"02-10/0", "01-29/6", "02-17/0", "02-06/0", "01-26/5", "02-13/0", "02-02/0", "01-23/3", // 2024
	"02-11/0", "01-31/11", "02-19/0", "02-08/0", "01-28/6", "02-15/0", "02-04/0", "01-24/5", // 2032
	"02-12/0", "02-01/0", "01-22/2", "02-10/0", "01-30/7", "02-17/0", "02-06/0", "01-26/5", // 2040
	"02-14/0", "02-02/0", "01-23/3", "02-11/0", "02-01/8", "02-18/0", "02-08/0", "01-28/6", // 2048
	"02-15/0", "02-04/0", "01-24/4", "02-12/0", "02-02/0", "01-21/3", "02-09/0", "01-29/7", // 2056
	"02-17/0", "02-05/0", "01-26/5", "02-14/0", "02-03/0", "01-23/4", "02-11/0", "01-31/8", // 2064
	"02-19/0", "02-07/0", "01-27/6", "02-15/0", "02-05/0", "01-24/4", "02-12/0", "02-02/0", // 2072
	"01-22/3", "02-09/0", "01-29/7", "02-17/0", "02-06/0", "01-26/5", "02-14/0", "02-03/0", // 2080
	"01-24/4", "02-10/0", "01-30/8", "02-18/0", "02-07/0", "01-27/6", "02-15/0", "02-05/0", // 2088
	"01-25/4", "02-12/0", "02-01/0", "01-21/2", "02-09/0", // 2096
}

func TestTetRegression(t *testing.T) {
	for i, want := range tetRegression {
		y := 1968 + i
		tet := LunarNewYear(y)
		if got := fmt.Sprintf("%02d-%02d/%d", int(tet.Month), tet.Day, LeapMonth(y)); got != want {
			t.Errorf("%d: Tết/leap = %s, want %s", y, got, want)
		}
	}
	if y := 1968 + len(tetRegression) - 1; y != 2100 {
		t.Fatalf("table ends at %d", y)
	}
}

func TestLunarDateString(t *testing.T) {
	if s := (LunarDate{Year: 2025, Month: 3, Day: 10}).String(); s != "10/3/2025" {
		t.Errorf("String = %q", s)
	}
	if s := (LunarDate{Year: 2023, Month: 2, Day: 15, Leap: true}).String(); s != "15/2 nhuận/2023" {
		t.Errorf("String = %q", s)
	}
}
