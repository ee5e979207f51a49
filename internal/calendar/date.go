package calendar

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidDate is returned (wrapped) when a text date is not a valid
// calendar date in the YYYY-MM-DD form.
var ErrInvalidDate = errors.New("invalid date")

// unixEpochJDN is the Julian Day Number of 1970-01-01.
const unixEpochJDN = 2440588

// Date is a civil (solar, proleptic Gregorian) calendar date with no time of
// day and no time zone. The zero value is not a valid date. Date is
// comparable and may be used as a map key.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalising out-of-range months and days
// the way time.Date does (for example 2027-02-30 becomes 2027-03-02).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location. Convert t with
// t.In(loc) first to get the date in another location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a strict YYYY-MM-DD date (four-digit year, two-digit month
// and day). Errors wrap ErrInvalidDate.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%q: want YYYY-MM-DD: %w", s, ErrInvalidDate)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q: %w: %w", s, ErrInvalidDate, err)
	}
	return DateOf(t), nil
}

// IsValid reports whether d names an existing calendar day.
func (d Date) IsValid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 &&
		NewDate(d.Year, d.Month, d.Day) == d
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.Year >= 0 && d.Year <= 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return fmt.Sprintf("%d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD).
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler (strict YYYY-MM-DD).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddDays returns the date n days after d (before d if n is negative).
func (d Date) AddDays(n int) Date {
	return NewDate(d.Year, d.Month, d.Day+n)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Weekday((d.JulianDay()%7 + 8) % 7)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// JulianDay returns the Julian Day Number of d (the integer JD of its noon),
// e.g. 2451545 for 2000-01-01.
func (d Date) JulianDay() int {
	// Noon UTC is an exact multiple of a day plus 12h from the Unix epoch,
	// so the division is exact even before 1970.
	u := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Unix()
	return int((u-43200)/86400) + unixEpochJDN
}

// DateFromJulianDay returns the date whose Julian Day Number is jdn.
func DateFromJulianDay(jdn int) Date {
	return DateOf(time.Unix(int64(jdn-unixEpochJDN)*86400+43200, 0).UTC())
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
