package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/doithoai/doithoai/internal/calendar"
)

// The years EnsureCalendar keeps in calendar_days at least.
const (
	calendarFromYear = 2000
	calendarToYear   = 2102
)

// calendarLockID serialises calendar fills across processes (a transaction
// advisory lock), so two services starting at once do not interleave.
const calendarLockID = 72_026_1127

// FillCalendar writes calendar_days for every date of the years fromYear to
// toYear (inclusive) from cal: whether the date is a working day, and
// wd_index, the number of working days from the table's first date up to
// and including it (recomputed for the whole table with one window
// function after the upsert). If the table already holds dates outside that
// range, the gap between them and the range is filled too, so the table is
// always a contiguous run of dates and wd(b) − wd(a) is the number of
// working days after a up to and including b. It is idempotent: running it
// again with the same calendar changes no row.
func (s *Store) FillCalendar(ctx context.Context, cal *calendar.Calendar, fromYear, toYear int) error {
	if cal == nil || fromYear > toYear {
		return fmt.Errorf("fill calendar: need a calendar and fromYear <= toYear (got %d–%d)", fromYear, toYear)
	}
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", calendarLockID); err != nil {
			return fmt.Errorf("fill calendar: take lock: %w", err)
		}
		first := calendar.NewDate(fromYear, time.January, 1)
		last := calendar.NewDate(toYear, time.December, 31)
		var lo, hi sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT min(day)::text, max(day)::text FROM calendar_days").Scan(&lo, &hi); err != nil {
			return fmt.Errorf("fill calendar: read range: %w", err)
		}
		if lo.Valid && hi.Valid {
			dlo, err := calendar.ParseDate(lo.String)
			if err != nil {
				return fmt.Errorf("fill calendar: %w", err)
			}
			dhi, err := calendar.ParseDate(hi.String)
			if err != nil {
				return fmt.Errorf("fill calendar: %w", err)
			}
			if dlo.Before(first) {
				first = dlo
			}
			if dhi.After(last) {
				last = dhi
			}
		}
		var days []string
		var working []bool
		for d := first; !d.After(last); d = d.AddDays(1) {
			days = append(days, d.String())
			working = append(working, cal.IsWorkingDate(d))
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO calendar_days (day, working, wd_index)
			SELECT d, w, 0 FROM unnest(?::date[], ?::boolean[]) AS x (d, w)
			ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working
			WHERE calendar_days.working IS DISTINCT FROM EXCLUDED.working`,
			pgdialect.Array(days), pgdialect.Array(working))
		if err != nil {
			return fmt.Errorf("fill calendar: upsert days: %w", err)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE calendar_days c SET wd_index = x.wd
			FROM (SELECT day, (sum(working::int) OVER (ORDER BY day))::int AS wd FROM calendar_days) x
			WHERE c.day = x.day AND c.wd_index IS DISTINCT FROM x.wd`)
		if err != nil {
			return fmt.Errorf("fill calendar: number working days: %w", err)
		}
		return nil
	})
}

// EnsureCalendar makes calendar_days cover at least 2000–2102 (plan years are 2000–2100; deadlines may run a year past them) and agree
// with cal: it fills the table when it is empty, shorter than that range,
// not contiguous, or when any date's working flag differs from cal (a new
// holiday file). When everything agrees it only runs one small read (the
// weekend/holiday exceptions of the table), so it is cheap to call at every
// start of the API, the worker and the tests.
func (s *Store) EnsureCalendar(ctx context.Context, cal *calendar.Calendar) error {
	if cal == nil {
		return errors.New("ensure calendar: no calendar")
	}
	var lo, hi sql.NullString
	var n int
	var exceptions []string
	// Exceptions are the dates whose working flag is not the plain
	// Monday–Friday rule: holidays on weekdays and working weekends.
	err := s.DB.QueryRowContext(ctx, `
		SELECT min(day)::text, max(day)::text, count(*),
		       coalesce(array_agg(day::text ORDER BY day) FILTER (WHERE working <> (extract(isodow FROM day) < 6)), '{}')
		FROM calendar_days`).Scan(&lo, &hi, &n, pgdialect.Array(&exceptions))
	if err != nil {
		return fmt.Errorf("ensure calendar: read: %w", err)
	}
	first := calendar.NewDate(calendarFromYear, time.January, 1)
	last := calendar.NewDate(calendarToYear, time.December, 31)
	if !lo.Valid || !hi.Valid {
		return s.FillCalendar(ctx, cal, calendarFromYear, calendarToYear)
	}
	dlo, err1 := calendar.ParseDate(lo.String)
	dhi, err2 := calendar.ParseDate(hi.String)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("ensure calendar: range %s–%s: %w %w", lo.String, hi.String, err1, err2)
	}
	fromYear, toYear := min(dlo.Year, calendarFromYear), max(dhi.Year, calendarToYear)
	if dlo.After(first) || dhi.Before(last) || n != dhi.JulianDay()-dlo.JulianDay()+1 {
		return s.FillCalendar(ctx, cal, fromYear, toYear)
	}
	var want []string
	for d := dlo; !d.After(dhi); d = d.AddDays(1) {
		wd := d.Weekday()
		plain := wd != time.Saturday && wd != time.Sunday
		if cal.IsWorkingDate(d) != plain {
			want = append(want, d.String())
		}
	}
	if !slices.Equal(want, exceptions) {
		return s.FillCalendar(ctx, cal, fromYear, toYear)
	}
	return nil
}

// Prepare readies the database for a process: it applies pending
// migrations when migrate is set, then makes sure calendar_days holds the
// working days of cal. It returns the migrations it applied.
func (s *Store) Prepare(ctx context.Context, migrate bool, cal *calendar.Calendar) ([]string, error) {
	var applied []string
	if migrate {
		var err error
		if applied, err = s.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.EnsureCalendar(ctx, cal); err != nil {
		return applied, err
	}
	return applied, nil
}
