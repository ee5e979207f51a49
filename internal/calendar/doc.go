// Package calendar is Vietnam's working-day calendar (lịch ngày làm việc):
// public holidays, compensating days off, the government's yearly
// adjustments, and deadline arithmetic in working days (ngày làm việc) for
// follow-up tasks. Everything is pure and deterministic: no clock, no I/O
// after construction, no goroutines, results never depend on map iteration
// order. A *Calendar may therefore be used inside Temporal workflow code.
//
// # Lunar calendar
//
// SolarToLunar and LunarToSolar convert between the Gregorian calendar and
// the Vietnamese lunar calendar (âm lịch). The lunar calendar is computed
// astronomically, following the rules described by Hồ Ngọc Đức:
//
//   - a month begins on the day (in UTC+7, VietnamLunarTimeZone) containing
//     a new moon (Sóc);
//   - month 11 is the month containing the winter solstice (Đông chí);
//   - if there are 13 months between two months 11, the first month after
//     month 11 in which the sun does not enter a new 30° sector of longitude
//     (a month without a major solar term, trung khí) is a leap month
//     (tháng nhuận) and takes the number of the month before it.
//
// New moons and solar longitudes use the low-precision series of J. Meeus.
// Because Vietnam computes at UTC+7 and China at UTC+8, the two calendars
// sometimes differ: Tết 1985 was 1985-01-21 in Vietnam but 1985-02-20 in
// China; Tết 2007 was 2007-02-17 (China 02-18); Tết 2030 is 2030-02-02
// (China 02-03). The same UTC+7 rules are applied to every year. Before 1968
// Vietnam's official lunar calendar was mostly computed for UTC+8, so for
// those years the results are the modern astronomical calendar, not the
// historical one. For 1968-2100 the months agree with Hồ Ngọc Đức's
// published tables except three month boundaries whose new moon falls within
// two minutes of local midnight (2054-05, 2072-12, 2077-11). None of the
// three moves Tết or Giỗ Tổ.
//
// The float computations are deterministic on a given platform. A different
// CPU architecture could in principle round a last bit differently (fused
// multiply-add). That matters only for a new moon or solar term within
// nanoseconds of midnight. The package tests pin the Tết dates and leap
// months of 1968-2100 on every platform they run on.
//
// # Public holidays (Labour Code 2019, Art. 112)
//
//   - 1/1: Tết Dương lịch (New Year's Day).
//   - Tết Nguyên đán (Lunar New Year), 5 days: the last day of the lunar
//     year (30, or 29 when month 12 is short) and lunar 1/1 to 4/1. The
//     government picks the exact 5 days each year; use overrides when its
//     decision differs from this default.
//   - 10/3 lunar: Giỗ Tổ Hùng Vương (Hung Kings' Commemoration Day).
//   - 30/4: Ngày Chiến thắng (Ngày Giải phóng miền Nam, thống nhất đất nước;
//     Reunification Day).
//   - 1/5: Ngày Quốc tế Lao động (International Labour Day).
//   - 2/9: Quốc khánh (National Day), plus one adjacent day. The law allows
//     1/9 or 3/9; the default is 1/9, the day before. A deployment whose
//     decision gives 3/9 removes 2027-09-01 and adds 2027-09-03 as a day off
//     in its overrides (see testdata/overrides-example.json).
//
// Compensating days off (nghỉ bù, Art. 112(3)). The statutory days of a year
// are taken in date order. Each one that falls on a Saturday or Sunday earns
// one compensating day: the first Monday-Friday after it that is neither a
// statutory holiday nor an already assigned compensating day. For Tết this
// means that after the 5-day block, one weekday is added per Tết day that
// fell on a weekend, so that 5 weekdays are off in total. Example: Tết 2027
// runs Fri 02-05 to Tue 02-09, and Sat 02-06 and Sun 02-07 are compensated by
// Wed 02-10 and Thu 02-11. Adjacent holidays chain naturally: in 2023 Giỗ Tổ
// (Sat 04-29), 30/4 (Sun) and 1/5 (Mon) give compensating days on Tue 05-02
// and Wed 05-03. If two statutory holidays fall on the same date (Giỗ Tổ on
// 30/4, as in 1947), the date is listed once with both names and the second
// holiday also earns a compensating day.
//
// Weekly rest days are Saturday and Sunday. Every other day is a working day
// unless it is a holiday, a compensating day or a days_off override.
//
// # Overrides file
//
// The government's yearly decisions (swapped days, extra days off, working
// Saturdays, a different choice of Tết days) are given to New as *Overrides,
// usually loaded with LoadOverridesFile from a JSON file:
//
//	{
//	  "description": "Quyết định nghỉ lễ, Tết năm 2027",
//	  "days_off":        ["2027-02-04", {"date": "2027-09-03", "name": "Quốc khánh", "name_en": "National Day", "note": "ngày liền kề sau 2/9"}],
//	  "working_days":    [{"date": "2027-02-20", "note": "làm bù cho ngày 04/02"}],
//	  "remove_holidays": ["2027-09-01"]
//	}
//
// Every key is optional; unknown keys are errors. An entry is either a
// "YYYY-MM-DD" string or an object with "date" (required) and optional
// "name", "name_en" (Vietnamese and English names shown for a days_off date)
// and "note" (free text such as the number of the decision).
//
//   - days_off: extra non-working days (nghỉ hoán đổi, nghỉ thêm). A date
//     that is already a holiday keeps its holiday name.
//   - working_days: dates that are working days whatever the defaults say,
//     typically a Saturday worked in exchange for a day off (làm bù). They
//     win over everything else, and a holiday on such a date is dropped.
//   - remove_holidays: default holidays or compensating days that do not
//     apply. The date becomes an ordinary day (working if Monday-Friday).
//     New rejects a date that is not a default holiday or compensating day.
//     Removing a holiday does not move its compensating day. Add or remove
//     compensating days explicitly when the decision does.
//
// A date may not be listed twice in a list, nor be in both days_off and
// working_days, nor in both days_off and remove_holidays. Errors name the
// line and entry (e.g. "line 7: days_off[2]: ...") and wrap
// ErrInvalidOverrides.
//
// # Deadlines
//
// Dates are taken in the Calendar's location (Asia/Ho_Chi_Minh by default).
// AddWorkingDays(from, n) is the close of day (17:00 by default) of the n-th
// working day after from's date. Counting starts on the next day whatever the
// time of day of from. SubWorkingDays steps back over working days for
// reminders. WorkingDaysBetween counts working days in (a, b] and is the
// inverse of AddWorkingDays.
package calendar
