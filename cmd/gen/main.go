// Command gen fills a database with a realistic year of dialogue data — a
// province-year or a country-year — written through the service's own
// store code (see package devkit/gen), for demos, report development and
// benchmarks.
//
// The database named by DATABASE_URL must exist; gen applies the schema
// migrations first (unless -migrate=false). Progress goes to stderr, the
// final counts to stdout. The same flags always give the same data, and
// running gen again with them adds nothing (an interrupted run is completed
// by running it again).
//
// Examples:
//
//	createdb -h 127.0.0.1 -U postgres doithoai_gen
//	export DATABASE_URL='postgres://postgres@127.0.0.1:5432/doithoai_gen?sslmode=disable'
//	go run ./cmd/gen                                  # one province, several hundred dialogues, last year
//	go run ./cmd/gen -scale country -year 2025        # the catalogue's 34 provinces and 3,321 communes, ~9,500 dialogues, ~2M survey answers
//	go run ./cmd/gen -scale small -seed 7 -year 2026 -as-of 2026-07-01
//	go run ./cmd/gen -scale province -districts 8 -communes 30 -held 0.83 -tasks 15
//
// By default the generator's connections run with synchronous_commit=off
// (a crash may lose the last few commits, which a re-run restores); use
// -sync-commit to keep the server's setting.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/doithoai/doithoai/devkit/gen"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// genFlags are the command-line settings that are not gen.Options.
type genFlags struct {
	migrate, syncCommit bool
	cpuProfile          string
}

func run() error {
	o, f, err := parseFlags()
	if err != nil {
		return err
	}
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		return fmt.Errorf("DATABASE_URL is required, e.g. DATABASE_URL='postgres://postgres@127.0.0.1:5432/doithoai_gen?sslmode=disable' (the database must exist: createdb doithoai_gen)")
	}
	if !f.syncCommit {
		if dsn, err = withParam(dsn, "synchronous_commit", "off"); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStore(ctx, dsn, f.migrate)
	if err != nil {
		return err
	}
	defer st.Close()

	if f.cpuProfile != "" {
		prof, err := os.Create(f.cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer prof.Close()
		if err := pprof.StartCPUProfile(prof); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	p := &progress{start: time.Now(), stages: map[string]*stageState{}}
	o.Progress = p.report
	fmt.Fprintf(os.Stderr, "generating scale=%s seed=%d year=%d\n", o.Scale, o.Seed, o.Year)
	sum, err := gen.Generate(ctx, st, o)
	p.flush()
	if err != nil {
		return fmt.Errorf("%w (run the same command again to complete the data set)", err)
	}
	printSummary(os.Stdout, o, sum)
	return nil
}

// parseFlags reads the command line.
func parseFlags() (gen.Options, genFlags, error) {
	var o gen.Options
	var f genFlags
	var asOf string
	flag.StringVar(&o.Scale, "scale", gen.ScaleProvince, "small, province or country")
	flag.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same data")
	flag.IntVar(&o.Year, "year", time.Now().In(domain.Location).Year()-1, "plan year (default: last year)")
	flag.IntVar(&o.Provinces, "provinces", 0, "number of provinces (0: from -scale; country: the catalogue's first N)")
	flag.IntVar(&o.DistrictsPerProvince, "districts", 0, "mean districts per province (0: from -scale; not for country)")
	flag.IntVar(&o.CommunesPerDistrict, "communes", 0, "mean communes per district (0: from -scale; not for country)")
	flag.IntVar(&o.SurveyAnswersPerDialogue, "answers", 0, "mean survey answers per dialogue (0: from -scale)")
	flag.IntVar(&o.OpinionsPerDialogue, "opinions", 0, "mean opinions per held dialogue (0: from -scale)")
	flag.IntVar(&o.TasksPerDialogue, "tasks", 0, "mean tasks per held dialogue (0: from -scale)")
	flag.Float64Var(&o.HeldRatio, "held", gen.DefaultHeldRatio, "share of each district's communes that hold their dialogue")
	flag.StringVar(&asOf, "as-of", "", "stop the data at this date (YYYY-MM-DD, Vietnam time) or RFC 3339 instant (default: end of the year)")
	flag.IntVar(&o.Workers, "workers", gen.DefaultWorkers, "dialogues written at once")
	flag.BoolVar(&f.migrate, "migrate", true, "apply pending database migrations first")
	flag.BoolVar(&f.syncCommit, "sync-commit", false, "keep synchronous_commit as the server sets it (slower)")
	flag.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if flag.NArg() > 0 {
		return o, f, fmt.Errorf("unexpected arguments %q (flags only; see -h)", flag.Args())
	}
	if asOf != "" {
		t, err := parseAsOf(asOf)
		if err != nil {
			return o, f, err
		}
		o.AsOf = t
	}
	return o, f, nil
}

// openStore opens the database at dsn, checks that it answers and, when
// migrate is set, applies pending migrations.
func openStore(ctx context.Context, dsn string, migrate bool) (*store.Store, error) {
	st, err := store.Open(dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Ping(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if migrate {
		applied, err := st.Migrate(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		if len(applied) > 0 {
			fmt.Fprintf(os.Stderr, "migrations applied: %s\n", strings.Join(applied, ", "))
		}
	}
	return st, nil
}

func parseAsOf(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, domain.Location); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("-as-of %q: want YYYY-MM-DD or an RFC 3339 instant", s)
	}
	return t, nil
}

// withParam adds a connection parameter to a postgres:// URL unless it is
// already there.
func withParam(dsn, key, value string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// progress prints one line per stage every two seconds and when a stage
// completes: done/total, percent and rate.
type progress struct {
	mu     sync.Mutex
	start  time.Time
	stages map[string]*stageState
	last   string
}

type stageState struct {
	start       time.Time
	done, total int
	printed     time.Time
}

func (p *progress) report(stage string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	s := p.stages[stage]
	if s == nil {
		s = &stageState{start: now, printed: now}
		p.stages[stage] = s
	}
	s.done, s.total = done, total
	p.last = stage
	if done == total || now.Sub(s.printed) >= 2*time.Second {
		s.printed = now
		p.print(stage, s, now)
	}
}

func (p *progress) print(stage string, s *stageState, now time.Time) {
	el := now.Sub(s.start)
	rate := 0.0
	if el > 0 {
		rate = float64(s.done) / el.Seconds()
	}
	pct := 100.0
	if s.total > 0 {
		pct = 100 * float64(s.done) / float64(s.total)
	}
	fmt.Fprintf(os.Stderr, "%-12s %7d/%-7d %5.1f%%  %8.1f/s  %s (total %s)\n", stage, s.done, s.total, pct, rate,
		el.Round(100*time.Millisecond), now.Sub(p.start).Round(time.Second))
}

// flush prints the last stage's state if it stopped between two lines.
func (p *progress) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.stages[p.last]; s != nil && s.done < s.total {
		p.print(p.last, s, time.Now())
	}
}

func printSummary(f *os.File, o gen.Options, s gen.Summary) {
	w := bufio.NewWriter(f)
	defer w.Flush()
	row := func(name string, n int, note string) { fmt.Fprintf(w, "%-15s %10d  %s\n", name, n, note) }
	fmt.Fprintf(w, "scale %s, seed %d, year %d, generated in %s\n", o.Scale, o.Seed, o.Year, s.Elapsed.Round(100*time.Millisecond))
	row("units", s.Units, fmt.Sprintf("%d provinces, %d districts, %d communes", s.Provinces, s.Districts, s.Communes))
	row("plans", s.Plans, fmt.Sprintf("%d closed", s.PlansClosed))
	row("dialogues", s.Dialogues, fmt.Sprintf("%d planned, %d ad hoc; %d held, %d cancelled, %d pending; %d rescheduled, %d closed",
		s.Planned, s.AdHoc, s.Held, s.Cancelled, s.Pending, s.Rescheduled, s.Closed))
	row("survey answers", s.SurveyAnswers, fmt.Sprintf("%d surveys opened, %d summaries", s.SurveysOpened, s.SurveySummaries))
	row("sessions", s.Sessions, "")
	row("opinions", s.Opinions, "")
	row("conclusions", s.Conclusions, "")
	row("tasks", s.Tasks, fmt.Sprintf("%d done on time, %d done late, %d overdue, %d open, %d cancelled; %d returned, %d asked for an extension",
		s.TasksDoneOnTime, s.TasksDoneLate, s.TasksOverdue, s.TasksOpen, s.TasksCancelled, s.TasksReturned, s.TasksExtended))
	row("task updates", s.TaskUpdates, "state changes after creation")
	row("alerts", s.Alerts, fmt.Sprintf("%d escalation (level 1/2/3: %d/%d/%d), %d session missed; %d acknowledged",
		s.EscalationAlerts, s.AlertsByLevel[1], s.AlertsByLevel[2], s.AlertsByLevel[3], s.SessionMissedAlerts, s.AlertsAcknowledged))
	row("events", s.Events, "audit events")
	row("already there", s.Existing, "dialogues stored by an earlier run")
}
