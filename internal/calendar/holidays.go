package calendar

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// HolidayKind classifies a day off listed by Calendar.Holidays.
type HolidayKind int

const (
	// KindPublicHoliday is a statutory public holiday (ngày nghỉ lễ, tết) of
	// Labour Code 2019, Art. 112.
	KindPublicHoliday HolidayKind = iota + 1
	// KindCompensatory is a compensating day off (ngày nghỉ bù) given because
	// a public holiday fell on a weekend (or on another holiday).
	KindCompensatory
	// KindDayOff is an extra day off from the deployment's overrides file
	// (e.g. a swapped working day of a government decision).
	KindDayOff
)

// String returns a short English name of the kind.
func (k HolidayKind) String() string {
	switch k {
	case KindPublicHoliday:
		return "public holiday"
	case KindCompensatory:
		return "compensatory day off"
	case KindDayOff:
		return "day off"
	}
	return fmt.Sprintf("HolidayKind(%d)", int(k))
}

// Holiday is one non-working day that is not an ordinary weekend.
type Holiday struct {
	Date   Date
	Name   string // Vietnamese name, e.g. "Tết Nguyên đán"
	NameEN string // English name, e.g. "Lunar New Year (Tết)"
	Kind   HolidayKind
	Note   string // detail, e.g. "mùng 1 Tết (âm lịch 1/1)"; may be empty
}

// Holiday names (Vietnamese, English).
const (
	nameNewYear      = "Tết Dương lịch"
	nameNewYearEN    = "New Year's Day"
	nameTet          = "Tết Nguyên đán"
	nameTetEN        = "Lunar New Year (Tết)"
	nameHungKings    = "Giỗ Tổ Hùng Vương"
	nameHungKingsEN  = "Hung Kings' Commemoration Day"
	nameVictory      = "Ngày Chiến thắng"
	nameVictoryEN    = "Reunification Day"
	nameLabour       = "Ngày Quốc tế Lao động"
	nameLabourEN     = "International Labour Day"
	nameNational     = "Quốc khánh"
	nameNationalEN   = "National Day"
	namePrefixComp   = "Nghỉ bù "
	namePrefixCompEN = "Compensatory day off: "
	nameDayOff       = "Ngày nghỉ bổ sung"
	nameDayOffEN     = "Additional day off"
)

// statutoryHolidays returns the Art. 112 public holidays of the Gregorian
// year, in date order (a date may appear twice if two holidays coincide).
func statutoryHolidays(year int) []Holiday {
	ph := func(d Date, vi, en, note string) Holiday {
		return Holiday{Date: d, Name: vi, NameEN: en, Kind: KindPublicHoliday, Note: note}
	}
	var hs []Holiday
	hs = append(hs, ph(Date{year, time.January, 1}, nameNewYear, nameNewYearEN, ""))

	tet := LunarNewYear(year)
	eve := tet.AddDays(-1)
	hs = append(hs, ph(eve, nameTet, nameTetEN,
		fmt.Sprintf("ngày cuối năm âm lịch (âm lịch %d/12)", SolarToLunar(eve).Day)))
	for i := 0; i < 4; i++ {
		hs = append(hs, ph(tet.AddDays(i), nameTet, nameTetEN, fmt.Sprintf("mùng %d Tết (âm lịch %d/1)", i+1, i+1)))
	}

	hung, err := LunarToSolar(LunarDate{Year: year, Month: 3, Day: 10})
	if err != nil {
		panic("calendar: lunar 10/3 must exist: " + err.Error())
	}
	hs = append(hs,
		ph(hung, nameHungKings, nameHungKingsEN, "âm lịch 10/3"),
		ph(Date{year, time.April, 30}, nameVictory, nameVictoryEN, "Ngày Giải phóng miền Nam, thống nhất đất nước"),
		ph(Date{year, time.May, 1}, nameLabour, nameLabourEN, ""),
		ph(Date{year, time.September, 1}, nameNational, nameNationalEN, "ngày liền kề (trước 2/9)"),
		ph(Date{year, time.September, 2}, nameNational, nameNationalEN, ""),
	)
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// defaultHolidays returns the public holidays of the Gregorian year and
// their compensating days off, sorted by date, one entry per date
// (coinciding holidays are merged, their names joined with ", ").
//
// Compensation: statutory days are taken in date order; each one that falls
// on a Saturday or Sunday, or on a date already taken by another statutory
// holiday, earns one compensating day on the first weekday after it that is
// neither a public holiday nor already a compensating day.
func defaultHolidays(year int) []Holiday {
	stat := statutoryHolidays(year)
	taken := make(map[Date]bool, len(stat)+4)
	for _, h := range stat {
		taken[h.Date] = true
	}

	var out []Holiday
	var comps []Holiday
	for i, h := range stat {
		duplicate := i > 0 && stat[i-1].Date == h.Date
		if duplicate {
			last := &out[len(out)-1]
			if !strings.Contains(last.Name, h.Name) {
				last.Name += ", " + h.Name
				last.NameEN += ", " + h.NameEN
				last.Note = joinNonEmpty(last.Note, h.Note)
			}
		} else {
			out = append(out, h)
		}
		if !duplicate && !isWeekend(h.Date) {
			continue
		}
		d := h.Date.AddDays(1)
		for isWeekend(d) || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		comps = append(comps, Holiday{
			Date:   d,
			Name:   namePrefixComp + h.Name,
			NameEN: namePrefixCompEN + h.NameEN,
			Kind:   KindCompensatory,
			Note:   fmt.Sprintf("bù cho ngày %s (%s)", h.Date, weekdayVI(h.Date.Weekday())),
		})
	}
	out = append(out, comps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

var weekdayNamesVI = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

func weekdayVI(wd time.Weekday) string {
	return weekdayNamesVI[wd]
}
