package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	if jd := d(2000, 1, 1).JulianDay(); jd != 2451545 {
		t.Errorf("JulianDay(2000-01-01) = %d", jd)
	}
	if jd := d(1900, 1, 1).JulianDay(); jd != 2415021 {
		t.Errorf("JulianDay(1900-01-01) = %d", jd)
	}
	for day := d(1899, 12, 1); day.Before(d(1901, 3, 1)); day = day.AddDays(1) {
		if DateFromJulianDay(day.JulianDay()) != day {
			t.Fatalf("JDN round trip failed for %v", day)
		}
		if wd := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC).Weekday(); wd != day.Weekday() {
			t.Fatalf("%v: Weekday = %v, want %v", day, day.Weekday(), wd)
		}
	}
	if got := d(2027, 2, 27).AddDays(2); got != d(2027, 3, 1) {
		t.Errorf("AddDays = %v", got)
	}
	if !d(2027, 1, 31).Before(d(2027, 2, 1)) || d(2027, 2, 1).Compare(d(2027, 2, 1)) != 0 || !d(2028, 1, 1).After(d(2027, 12, 31)) {
		t.Error("Compare/Before/After")
	}
	if !d(2028, 2, 29).IsValid() || d(2027, 2, 29).IsValid() || (Date{}).IsValid() {
		t.Error("IsValid")
	}
}

func TestParseDate(t *testing.T) {
	got, err := ParseDate("2027-02-05")
	if err != nil || got != d(2027, 2, 5) || got.String() != "2027-02-05" {
		t.Fatalf("ParseDate = %v, %v", got, err)
	}
	for _, s := range []string{"", "2027-2-5", "2027-02-30", "05/02/2027", "2027-02-05T00:00:00Z", "20270205", "2027-13-01"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) error = %v, want ErrInvalidDate", s, err)
		}
	}
	var dt Date
	if err := dt.UnmarshalText([]byte("2027-09-02")); err != nil || dt != d(2027, 9, 2) {
		t.Errorf("UnmarshalText = %v, %v", dt, err)
	}
	if b, _ := dt.MarshalText(); string(b) != "2027-09-02" {
		t.Errorf("MarshalText = %s", b)
	}
}
