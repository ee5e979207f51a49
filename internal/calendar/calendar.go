package calendar

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// ErrInvalidOptions is returned (wrapped) by New for unusable options.
var ErrInvalidOptions = errors.New("invalid calendar options")

// DefaultCloseOfDay is the default close of the working day (17:00).
const DefaultCloseOfDay = 17 * time.Hour

// Years whose default holidays New precomputes; other years are computed on
// demand (same results, just slower).
const (
	precomputeFrom = 1990
	precomputeTo   = 2100
)

// Options configure a Calendar. The zero value is usable.
type Options struct {
	// Location in which instants are turned into dates and deadlines are
	// expressed. Default: Asia/Ho_Chi_Minh, or a fixed UTC+7 zone named
	// "ICT" if the time zone database is unavailable (identical for all
	// dates since 1975).
	Location *time.Location
	// CloseOfDay is the wall-clock time, as an offset from midnight, at
	// which a working day closes and deadlines fall. Default 17h (17:00);
	// must be in (0, 24h).
	CloseOfDay time.Duration
	// Overrides from the deployment (government decisions); may be nil.
	Overrides *Overrides
}

// Calendar answers working-day questions for Vietnam. It is immutable after
// New, safe for concurrent use, and all its methods are pure and
// deterministic (no clock, no I/O, no goroutines), so they may be called
// from Temporal workflow code.
type Calendar struct {
	loc        *time.Location
	closeOfDay time.Duration

	// off maps every non-weekend non-working date of the precomputed years
	// (defaults + days_off - removals - working_days) to its holiday.
	off map[Date]Holiday
	// working holds the working_days overrides (they beat everything).
	working map[Date]bool
	// removed holds remove_holidays overrides.
	removed map[Date]bool
	// daysOff holds days_off overrides, sorted by date.
	daysOff []OverrideEntry
}

// New builds a Calendar. It validates the overrides (see Overrides.Validate)
// and additionally rejects a remove_holidays entry whose date is not a
// default holiday or compensating day. Errors wrap ErrInvalidOptions or
// ErrInvalidOverrides.
func New(opts Options) (*Calendar, error) {
	c := &Calendar{
		loc:        opts.Location,
		closeOfDay: opts.CloseOfDay,
		working:    map[Date]bool{},
		removed:    map[Date]bool{},
	}
	if c.loc == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			loc = time.FixedZone("ICT", 7*60*60)
		}
		c.loc = loc
	}
	if c.closeOfDay == 0 {
		c.closeOfDay = DefaultCloseOfDay
	}
	if c.closeOfDay < 0 || c.closeOfDay >= 24*time.Hour {
		return nil, fmt.Errorf("calendar: close of day %v not in (0, 24h): %w", opts.CloseOfDay, ErrInvalidOptions)
	}

	if o := opts.Overrides; o != nil {
		if err := o.Validate(); err != nil {
			return nil, err
		}
		for _, e := range o.WorkingDays {
			c.working[e.Date] = true
		}
		for i, e := range o.RemoveHolidays {
			if _, ok := findHoliday(defaultHolidays(e.Date.Year), e.Date); !ok {
				return nil, fmt.Errorf("calendar: overrides: %s: %v is not a holiday or compensating day by default: %w",
					entryRef("remove_holidays", i, e.Line), e.Date, ErrInvalidOverrides)
			}
			c.removed[e.Date] = true
		}
		c.daysOff = append([]OverrideEntry(nil), o.DaysOff...)
		sort.SliceStable(c.daysOff, func(i, j int) bool { return c.daysOff[i].Date.Before(c.daysOff[j].Date) })
	}

	c.off = make(map[Date]Holiday, (precomputeTo-precomputeFrom+1)*14)
	for y := precomputeFrom; y <= precomputeTo; y++ {
		for _, h := range c.computeHolidays(y) {
			c.off[h.Date] = h
		}
	}
	return c, nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// CloseOfDay returns the close-of-day offset from midnight (default 17h).
func (c *Calendar) CloseOfDay() time.Duration { return c.closeOfDay }

// computeHolidays returns the effective holidays of the year: defaults minus
// removed holidays, plus days_off, minus working_days, sorted by date.
func (c *Calendar) computeHolidays(year int) []Holiday {
	var out []Holiday
	seen := map[Date]bool{}
	for _, h := range defaultHolidays(year) {
		if c.removed[h.Date] || c.working[h.Date] {
			continue
		}
		out = append(out, h)
		seen[h.Date] = true
	}
	for _, e := range c.daysOff {
		if e.Date.Year != year || seen[e.Date] || c.working[e.Date] {
			continue
		}
		h := Holiday{Date: e.Date, Name: e.Name, NameEN: e.NameEN, Kind: KindDayOff, Note: e.Note}
		if h.Name == "" {
			h.Name = nameDayOff
		}
		if h.NameEN == "" {
			h.NameEN = nameDayOffEN
		}
		out = append(out, h)
		seen[e.Date] = true
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

func findHoliday(hs []Holiday, d Date) (Holiday, bool) {
	i := sort.Search(len(hs), func(i int) bool { return !hs[i].Date.Before(d) })
	if i < len(hs) && hs[i].Date == d {
		return hs[i], true
	}
	return Holiday{}, false
}

// holiday returns the effective holiday on d, if any.
func (c *Calendar) holiday(d Date) (Holiday, bool) {
	if d.Year >= precomputeFrom && d.Year <= precomputeTo {
		h, ok := c.off[d]
		return h, ok
	}
	return findHoliday(c.computeHolidays(d.Year), d)
}

// isWorkingDate reports whether the civil date d is a working day: a
// working_days override, or a Monday-Friday that is not a holiday,
// compensating day or days_off override.
func (c *Calendar) isWorkingDate(d Date) bool {
	if c.working[d] {
		return true
	}
	if isWeekend(d) {
		return false
	}
	_, off := c.holiday(d)
	return !off
}

// dateIn returns t's civil date in the calendar's location.
func (c *Calendar) dateIn(t time.Time) Date {
	return DateOf(t.In(c.loc))
}

// closeOf returns the close of day d in the calendar's location.
func (c *Calendar) closeOf(d Date) time.Time {
	cod := c.closeOfDay
	return time.Date(d.Year, d.Month, d.Day,
		int(cod/time.Hour), int(cod%time.Hour/time.Minute), int(cod%time.Minute/time.Second), int(cod%time.Second), c.loc)
}

// IsWorkingDay reports whether t's date, in the calendar's location, is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.isWorkingDate(c.dateIn(t))
}

// IsWorkingDate reports whether the civil date d is a working day.
func (c *Calendar) IsWorkingDate(d Date) bool {
	return c.isWorkingDate(d)
}

// HolidayName returns the Vietnamese and English names of the holiday,
// compensating day or extra day off on t's date (in the calendar's
// location). ok is false on working days and on ordinary weekends.
func (c *Calendar) HolidayName(t time.Time) (vi, en string, ok bool) {
	d := c.dateIn(t)
	if c.working[d] {
		return "", "", false
	}
	h, ok := c.holiday(d)
	if !ok {
		return "", "", false
	}
	return h.Name, h.NameEN, true
}

// AddWorkingDays returns the deadline "n working days from from": the close
// of day (CloseOfDay, 17:00 by default, in the calendar's location) of the
// n-th working day strictly after from's date. The time of day of from does
// not matter: anything assigned on Wednesday, at 08:00 or at 23:00, with
// n = 1 is due at 17:00 on the next working day after Wednesday.
//
// For n <= 0 the result is the close of from's own date if that is a working
// day, else the close of the next working day.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	d := c.dateIn(from)
	if n <= 0 {
		for !c.isWorkingDate(d) {
			d = d.AddDays(1)
		}
		return c.closeOf(d)
	}
	for count := 0; count < n; {
		d = d.AddDays(1)
		if c.isWorkingDate(d) {
			count++
		}
	}
	return c.closeOf(d)
}

// SubWorkingDays returns the moment n working days before deadline, for
// reminders: the same wall-clock time as deadline (in the calendar's
// location) on the n-th working day strictly before deadline's date. The
// result is always on a working day for n >= 1, even when the deadline
// itself is not. For n <= 0 it returns deadline unchanged (expressed in the
// calendar's location).
//
// With d := AddWorkingDays(from, m) and 1 <= n < m, SubWorkingDays(d, n)
// equals AddWorkingDays(from, m-n).
func (c *Calendar) SubWorkingDays(deadline time.Time, n int) time.Time {
	t := deadline.In(c.loc)
	if n <= 0 {
		return t
	}
	d := DateOf(t)
	for count := 0; count < n; {
		d = d.AddDays(-1)
		if c.isWorkingDate(d) {
			count++
		}
	}
	return time.Date(d.Year, d.Month, d.Day, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc)
}

// WorkingDaysBetween counts the working days after a's date up to and
// including b's date (dates in the calendar's location). If b's date is
// before a's date the result is minus the count from b to a; it is 0 for
// the same date. Thus WorkingDaysBetween(from, AddWorkingDays(from, n)) == n
// for n >= 1, and WorkingDaysBetween(deadline, doneAt) > 0 is the delay of a
// late task in working days.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	da, db := c.dateIn(a), c.dateIn(b)
	sign := 1
	if db.Before(da) {
		da, db, sign = db, da, -1
	}
	n := 0
	for d := da.AddDays(1); !d.After(db); d = d.AddDays(1) {
		if c.isWorkingDate(d) {
			n++
		}
	}
	return sign * n
}

// Holidays returns the year's non-working days other than ordinary
// weekends, sorted by date: public holidays (including those that fall on a
// weekend), compensating days and days_off overrides, with removed
// holidays and working_days overrides left out. The slice is freshly
// allocated.
func (c *Calendar) Holidays(year int) []Holiday {
	return c.computeHolidays(year)
}
