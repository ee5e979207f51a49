package calendar

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalidLunarDate is returned (wrapped) by LunarToSolar and LunarMonthDays
// when the lunar date or month does not exist (day beyond the month's length,
// or a leap month the year does not have).
var ErrInvalidLunarDate = errors.New("invalid lunar date")

// VietnamLunarTimeZone is the UTC offset, in hours, at which the Vietnamese
// lunar calendar is computed (the Chinese calendar uses UTC+8).
const VietnamLunarTimeZone = 7

const (
	// synodicMonth is the mean length of a lunation in days.
	synodicMonth = 29.530588853
	// newMoonEpoch is the JD of the mean new moon number 0 (1900-01-01).
	newMoonEpoch = 2415021.076998695
	degree       = math.Pi / 180
)

// LunarDate is a date of the Vietnamese lunar calendar (âm lịch). Year is the
// Gregorian number of the year in which the lunar year begins (so lunar
// 1/1/2027 is Tết 2027); Month is 1..12; Leap marks a leap month (tháng
// nhuận), which repeats the number of the month before it.
type LunarDate struct {
	Year  int
	Month int
	Day   int
	Leap  bool
}

// String formats l as day/month/year, e.g. "10/3/2025" or "15/2 nhuận/2023".
func (l LunarDate) String() string {
	if l.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", l.Day, l.Month, l.Year)
	}
	return fmt.Sprintf("%d/%d/%d", l.Day, l.Month, l.Year)
}

// LunarMonth describes one month of a lunar year.
type LunarMonth struct {
	Year  int  // lunar year the month belongs to
	Month int  // 1..12
	Leap  bool // leap month (tháng nhuận)
	Start Date // solar date of day 1 of the month
	Days  int  // 29 (tháng thiếu) or 30 (tháng đủ)
}

// SolarToLunar converts a solar (Gregorian) date to the Vietnamese lunar
// calendar. The conversion is astronomical (see the package documentation)
// and is checked for 1900-2199.
func SolarToLunar(d Date) LunarDate {
	jd := d.JulianDay()
	y := d.Year
	if jd < month11(y) {
		y--
	}
	months := suiMonths(y)
	for i := len(months) - 1; i >= 0; i-- {
		m := months[i]
		if m.start <= jd {
			return LunarDate{Year: m.year, Month: m.month, Day: jd - m.start + 1, Leap: m.leap}
		}
	}
	// Unreachable: months[0] starts on month11(y) <= jd.
	panic("calendar: lunar month not found for " + d.String())
}

// LunarToSolar converts a Vietnamese lunar date to the solar (Gregorian)
// date. It fails, with an error wrapping ErrInvalidLunarDate, if the month is
// not 1..12, the year has no such leap month, or the day is beyond the
// month's 29 or 30 days.
func LunarToSolar(l LunarDate) (Date, error) {
	m, err := findLunarMonth(l.Year, l.Month, l.Leap)
	if err != nil {
		return Date{}, fmt.Errorf("lunar date %v: %w", l, err)
	}
	if l.Day < 1 || l.Day > m.length {
		return Date{}, fmt.Errorf("lunar date %v: day out of range 1..%d: %w", l, m.length, ErrInvalidLunarDate)
	}
	return DateFromJulianDay(m.start + l.Day - 1), nil
}

// LunarMonthDays returns the number of days (29 or 30) of the given month of
// the lunar year.
func LunarMonthDays(year, month int, leap bool) (int, error) {
	m, err := findLunarMonth(year, month, leap)
	if err != nil {
		return 0, fmt.Errorf("lunar month %d%s/%d: %w", month, leapSuffix(leap), year, err)
	}
	return m.length, nil
}

// LunarNewYear returns the solar date of Tết Nguyên đán (lunar 1/1) of the
// given year.
func LunarNewYear(year int) Date {
	m, err := findLunarMonth(year, 1, false)
	if err != nil {
		panic("calendar: month 1 must exist: " + err.Error())
	}
	return DateFromJulianDay(m.start)
}

// LeapMonth returns the number of the month after which the lunar year has a
// leap month (the leap month repeats that number), or 0 if the year has none.
func LeapMonth(year int) int {
	for _, m := range LunarMonths(year) {
		if m.Leap {
			return m.Month
		}
	}
	return 0
}

// LunarMonths returns the 12 or 13 months of the lunar year in order.
func LunarMonths(year int) []LunarMonth {
	var out []LunarMonth
	for _, y := range []int{year - 1, year} {
		for _, m := range suiMonths(y) {
			if m.year == year {
				out = append(out, LunarMonth{
					Year: m.year, Month: m.month, Leap: m.leap,
					Start: DateFromJulianDay(m.start), Days: m.length,
				})
			}
		}
	}
	return out
}

func leapSuffix(leap bool) string {
	if leap {
		return " nhuận"
	}
	return ""
}

// lunarMonth is one month of a sui (see suiMonths), by Julian Day Numbers.
type lunarMonth struct {
	start, length int
	year, month   int
	leap          bool
}

func findLunarMonth(year, month int, leap bool) (lunarMonth, error) {
	if month < 1 || month > 12 {
		return lunarMonth{}, fmt.Errorf("month %d out of range 1..12: %w", month, ErrInvalidLunarDate)
	}
	// Months 11 and 12 of lunar year Y lie in the sui that starts with
	// month 11 of Y; months 1..10 (and leap months among them) lie in the
	// sui that starts with month 11 of Y-1.
	y := year - 1
	if month >= 11 {
		y = year
	}
	for _, m := range suiMonths(y) {
		if m.year == year && m.month == month && m.leap == leap {
			return m, nil
		}
	}
	if leap {
		return lunarMonth{}, fmt.Errorf("lunar year %d has no leap month %d: %w", year, month, ErrInvalidLunarDate)
	}
	return lunarMonth{}, fmt.Errorf("lunar month %d/%d not found: %w", month, year, ErrInvalidLunarDate)
}

// suiMonths returns the lunar months from month 11 of lunar year y (the month
// containing the winter solstice of Gregorian year y) up to, excluding,
// month 11 of lunar year y+1. There are 12 of them, or 13 when the span
// contains a leap month: the first month, after month 11, during which the
// sun does not enter a new 30° sector of longitude (a month without a major
// solar term, trung khí).
func suiMonths(y int) []lunarMonth {
	a11 := month11(y)
	b11 := month11(y + 1)
	k := int(math.Floor((float64(a11)-newMoonEpoch)/synodicMonth + 0.5))
	n := 12
	if b11-a11 > 365 {
		n = 13
	}
	starts := make([]int, n+1)
	for i := 0; i < n; i++ {
		starts[i] = newMoonDay(k + i)
	}
	starts[n] = b11

	leap := -1
	if n == 13 {
		leap = 12 // fallback; a 13-month sui always has a month without a major term
		for i := 1; i < n; i++ {
			if majorTermSector(starts[i]) == majorTermSector(starts[i+1]) {
				leap = i
				break
			}
		}
	}

	months := make([]lunarMonth, n)
	year := y
	for i := 0; i < n; i++ {
		num := 11 + i
		if leap >= 0 && i >= leap {
			num--
		}
		num = (num-1)%12 + 1
		isLeap := i == leap
		if num == 1 && !isLeap {
			year = y + 1
		}
		months[i] = lunarMonth{
			start: starts[i], length: starts[i+1] - starts[i],
			year: year, month: num, leap: isLeap,
		}
	}
	return months
}

// month11 returns the JDN of the first day of lunar month 11 of year y: the
// day of the last new moon on or before the winter solstice of year y.
func month11(y int) int {
	off := float64(Date{Year: y, Month: 12, Day: 31}.JulianDay()) - 2415021
	k := int(math.Floor(off / synodicMonth))
	nm := newMoonDay(k)
	// Sector 9 starts at 270°, the winter solstice: if the sun has already
	// passed it when this lunation starts, month 11 is the previous one.
	if majorTermSector(nm) >= 9 {
		nm = newMoonDay(k - 1)
	}
	return nm
}

// newMoonDay returns the JDN of the local (UTC+7) day containing the k-th new
// moon after the one of 1900-01-01.
func newMoonDay(k int) int {
	return int(math.Floor(newMoon(k) + 0.5 + VietnamLunarTimeZone/24.0))
}

// majorTermSector returns the 30° sector (0..11, 0 = from 0° i.e. the spring
// equinox) in which the sun's apparent longitude lies at local (UTC+7)
// midnight starting day jdn.
func majorTermSector(jdn int) int {
	l := sunLongitude(float64(jdn) - 0.5 - VietnamLunarTimeZone/24.0)
	return int(math.Floor(l / math.Pi * 6))
}

// newMoon returns the Julian Date (UT) of the k-th new moon after the mean
// new moon of 1900-01-01, using the truncated series from J. Meeus,
// "Astronomical Algorithms" (and the earlier "Astronomical Formulae for
// Calculators"), accurate to a few minutes for the centuries around 2000.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900-01-01
	t2 := t * t
	t3 := t2 * t

	jde := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jde += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*degree)

	m := (359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3) * degree   // sun's mean anomaly
	mp := (306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3) * degree // moon's mean anomaly
	f := (21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3) * degree   // moon's argument of latitude

	c := (0.1734-0.000393*t)*math.Sin(m) + 0.0021*math.Sin(2*m)
	c -= 0.4068*math.Sin(mp) - 0.0161*math.Sin(2*mp)
	c -= 0.0004 * math.Sin(3*mp)
	c += 0.0104*math.Sin(2*f) - 0.0051*math.Sin(m+mp)
	c -= 0.0074*math.Sin(m-mp) - 0.0004*math.Sin(2*f+m)
	c -= 0.0004*math.Sin(2*f-m) + 0.0006*math.Sin(2*f+mp)
	c += 0.0010*math.Sin(2*f-mp) + 0.0005*math.Sin(2*mp+m)

	// ΔT (TT - UT) in days.
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jde + c - deltaT
}

// sunLongitude returns the sun's apparent longitude, in radians normalised to
// [0, 2π), at Julian Date jd (low-precision solar theory, Meeus ch. 25).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	m := (357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2) * degree // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                             // mean longitude
	c := (1.914600-0.004817*t-0.000014*t2)*math.Sin(m) +
		(0.019993-0.000101*t)*math.Sin(2*m) + 0.000290*math.Sin(3*m) // equation of centre
	l := (l0 + c) * degree
	l -= 2 * math.Pi * math.Floor(l/(2*math.Pi))
	return l
}
