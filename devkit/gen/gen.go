// Package gen generates a realistic year of dialogue data — a province-year
// or a country-year — and writes it through the same store functions the
// service uses (CreateUnit, SavePlan, InsertDialogue, RescheduleDialogue,
// SetDialoguePhase, InsertSurveyResponses, SaveSurveySummary, SaveSession,
// SaveTaskState, RaiseAlert, AckAlert, ClosePlan), in the order the
// workflows would: a dialogue's survey answers are inserted while its phase
// is survey_open, the survey is closed with its summary, the session is
// recorded with its opinions, conclusions and tasks in one transaction, and
// each task then moves through the states its workflow would write (in
// progress, extension, result submitted, returned, accepted, cancelled,
// escalated level 1 to 3 with the ladder's alerts, some acknowledged).
//
// Everything is drawn from math/rand/v2 PCG generators seeded from
// Options.Seed (the unit tree from the seed alone, the year from the seed
// and the year, each dialogue, task and alert from the seed and its id), and
// every timestamp comes from Options.Year: dialogues spread over the year
// in Vietnam time and nothing happens at or after Options.AsOf. The clock
// is never read, except for the updated_at columns the store itself sets
// to now().
//
// Every id is derived from the seed (activities.StableID of
// "gen/<seed>/…"; on the country scale the units are the catalogue's, with
// its ids, shared by every seed), and every write is an upsert or guarded by the
// dialogue's phase or the task's version, so generating again with the
// same options into the same database adds nothing, and a run that was
// interrupted can simply be started again: it completes what is missing.
// Generating with a later AsOf continues the same story. Other seeds (or
// other years with the same seed, which share the unit tree) add to what is
// there.
package gen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// Scales of Options.Scale.
const (
	// ScaleSmall is one province with 3 districts of about 10 communes
	// (about 35 dialogues), for tests.
	ScaleSmall = "small"
	// ScaleProvince is one province with 12 districts of about 25 communes:
	// several hundred dialogues.
	ScaleProvince = "province"
	// ScaleCountry is the country on the official map since 1 July 2025
	// (the shipped catalogue): 34 provinces and their 3,321 commune-level
	// units with their official codes, no districts; about 10,000
	// dialogues, 300,000 opinions, 100,000 tasks and 2,000,000 survey
	// answers. Options.Provinces takes the catalogue's first provinces
	// only; the districts and communes per parent do not apply.
	ScaleCountry = "country"
)

// catalogProvinces is how many provinces the catalogue holds.
const catalogProvinces = 34

// DefaultHeldRatio is the share of communes that hold their dialogue.
const DefaultHeldRatio = 0.85

// DefaultWorkers is how many dialogues are written at once.
const DefaultWorkers = 4

type scaleDefaults struct {
	provinces, districts, communes int
	answers, opinions, tasks       int
}

var scales = map[string]scaleDefaults{
	ScaleSmall:    {provinces: 1, districts: 3, communes: 10, answers: 30, opinions: 8, tasks: 4},
	ScaleProvince: {provinces: 1, districts: 12, communes: 25, answers: 200, opinions: 35, tasks: 12},
	ScaleCountry:  {provinces: catalogProvinces, answers: 210, opinions: 35, tasks: 12},
}

// Options say what to generate. Zero values take the defaults of the scale.
type Options struct {
	// Seed decides everything drawn at random.
	Seed int64
	// Year is the plan year (required).
	Year int
	// Scale is ScaleSmall, ScaleProvince or ScaleCountry (default small).
	Scale string
	// Provinces, DistrictsPerProvince and CommunesPerDistrict shape the
	// unit tree (0: from Scale). The last two are means: each parent gets
	// between 80% and 120% of them.
	Provinces, DistrictsPerProvince, CommunesPerDistrict int
	// SurveyAnswersPerDialogue (over dialogues that are not cancelled),
	// OpinionsPerDialogue and TasksPerDialogue (over held dialogues) are
	// means (0: from Scale); a district's dialogue gets more than a
	// commune's, a province's more still.
	SurveyAnswersPerDialogue, OpinionsPerDialogue, TasksPerDialogue int
	// HeldRatio is the share of each district's communes that hold their
	// dialogue (0: DefaultHeldRatio); the others' is cancelled or never
	// recorded.
	HeldRatio float64
	// AsOf is when the data stops (zero: the end of Year, Vietnam time).
	AsOf time.Time
	// Workers is how many dialogues are written at once (0: DefaultWorkers).
	Workers int
	// Progress, if set, is told after every unit, plan and dialogue
	// written. Calls are serialised.
	Progress func(stage string, done, total int)
}

// Progress stages.
const (
	StageUnits      = "units"
	StagePlans      = "plans"
	StageDialogues  = "dialogues"
	StageClosePlans = "close plans"
)

// Summary counts the generated data set: the rows of each table written by
// this run or found already written by an earlier run with the same
// options (Existing says how many dialogues were already there).
type Summary struct {
	Units, Provinces, Districts, Communes int
	Plans, PlansClosed                    int
	// Dialogues = Planned + AdHoc = Held + Cancelled + Pending.
	Dialogues, Planned, AdHoc int
	Held, Cancelled, Pending  int
	// Rescheduled dialogues were moved at least once; Closed ones have
	// finished their follow-up.
	Rescheduled, Closed int
	// SurveysOpened counts dialogues whose survey opened; SurveySummaries
	// those whose survey closed.
	SurveysOpened, SurveyAnswers, SurveySummaries int
	Sessions, Opinions, Conclusions               int
	// Tasks = TasksDoneOnTime + TasksDoneLate + TasksOverdue + TasksOpen +
	// TasksCancelled, as of AsOf (overdue: not settled and past the
	// deadline). TasksReturned had a result sent back at least once;
	// TasksExtended asked for an extension. TaskUpdates counts the state
	// changes written after creation.
	Tasks, TasksDoneOnTime, TasksDoneLate, TasksOverdue, TasksOpen, TasksCancelled int
	TasksReturned, TasksExtended, TaskUpdates                                      int
	// Alerts = EscalationAlerts + SessionMissedAlerts. AlertsByLevel counts
	// escalation alerts by ladder level (index 1 to 3).
	Alerts, EscalationAlerts, SessionMissedAlerts, AlertsAcknowledged int
	AlertsByLevel                                                     [4]int
	// Events counts audit events.
	Events int
	// Existing counts dialogues already in the database when the run began.
	Existing int
	// Elapsed is how long Generate took.
	Elapsed time.Duration
}

func (s *Summary) add(o Summary) {
	s.Units += o.Units
	s.Provinces += o.Provinces
	s.Districts += o.Districts
	s.Communes += o.Communes
	s.Plans += o.Plans
	s.PlansClosed += o.PlansClosed
	s.Dialogues += o.Dialogues
	s.Planned += o.Planned
	s.AdHoc += o.AdHoc
	s.Held += o.Held
	s.Cancelled += o.Cancelled
	s.Pending += o.Pending
	s.Rescheduled += o.Rescheduled
	s.Closed += o.Closed
	s.SurveysOpened += o.SurveysOpened
	s.SurveyAnswers += o.SurveyAnswers
	s.SurveySummaries += o.SurveySummaries
	s.Sessions += o.Sessions
	s.Opinions += o.Opinions
	s.Conclusions += o.Conclusions
	s.Tasks += o.Tasks
	s.TasksDoneOnTime += o.TasksDoneOnTime
	s.TasksDoneLate += o.TasksDoneLate
	s.TasksOverdue += o.TasksOverdue
	s.TasksOpen += o.TasksOpen
	s.TasksCancelled += o.TasksCancelled
	s.TasksReturned += o.TasksReturned
	s.TasksExtended += o.TasksExtended
	s.TaskUpdates += o.TaskUpdates
	s.Alerts += o.Alerts
	s.EscalationAlerts += o.EscalationAlerts
	s.SessionMissedAlerts += o.SessionMissedAlerts
	s.AlertsAcknowledged += o.AlertsAcknowledged
	for i := range s.AlertsByLevel {
		s.AlertsByLevel[i] += o.AlertsByLevel[i]
	}
	s.Events += o.Events
	s.Existing += o.Existing
}

// withDefaults fills the zero options and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Scale == "" {
		o.Scale = ScaleSmall
	}
	sc, ok := scales[o.Scale]
	if !ok {
		return o, fmt.Errorf("generate: unknown scale %q (want %s, %s or %s)", o.Scale, ScaleSmall, ScaleProvince, ScaleCountry)
	}
	if o.Year < 2000 || o.Year > 2099 {
		return o, fmt.Errorf("generate: year %d out of range (2000–2099)", o.Year)
	}
	def := func(v *int, d int, name string) error {
		if *v < 0 {
			return fmt.Errorf("generate: %s must not be negative", name)
		}
		if *v == 0 {
			*v = d
		}
		return nil
	}
	for _, f := range []struct {
		v    *int
		d    int
		name string
	}{
		{&o.Provinces, sc.provinces, "provinces"}, {&o.DistrictsPerProvince, sc.districts, "districts per province"},
		{&o.CommunesPerDistrict, sc.communes, "communes per district"}, {&o.SurveyAnswersPerDialogue, sc.answers, "survey answers per dialogue"},
		{&o.OpinionsPerDialogue, sc.opinions, "opinions per dialogue"}, {&o.TasksPerDialogue, sc.tasks, "tasks per dialogue"},
		{&o.Workers, DefaultWorkers, "workers"},
	} {
		if err := def(f.v, f.d, f.name); err != nil {
			return o, err
		}
	}
	if o.Scale == ScaleCountry && o.Provinces > catalogProvinces {
		return o, fmt.Errorf("generate: the country has %d provinces, not %d", catalogProvinces, o.Provinces)
	}
	if o.HeldRatio == 0 {
		o.HeldRatio = DefaultHeldRatio
	}
	if o.HeldRatio < 0 || o.HeldRatio > 1 {
		return o, fmt.Errorf("generate: held ratio %v not in [0, 1]", o.HeldRatio)
	}
	if o.AsOf.IsZero() {
		o.AsOf = local(o.Year+1, 1, 1, 0, 0)
	}
	return o, nil
}

// generator is one run.
type generator struct {
	st    *store.Store
	o     Options
	cal   *calendar.Calendar
	pol   domain.Policy
	asOf  time.Time
	model *model

	mu       sync.Mutex
	sum      Summary
	progress map[string]int
}

// Generate builds the data set opts describe and writes it to st. It
// returns what the data set holds (see Summary). It stops at the first
// error or when ctx is cancelled; running it again completes the data set.
func Generate(ctx context.Context, st *store.Store, opts Options) (Summary, error) {
	start := time.Now()
	o, err := opts.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		return Summary{}, fmt.Errorf("generate: working-day calendar: %w", err)
	}
	g := &generator{st: st, o: o, cal: cal, pol: domain.DefaultPolicy(), asOf: o.AsOf, progress: map[string]int{}}
	if o.Scale == ScaleCountry {
		if g.model, err = buildCatalogUnits(o); err != nil {
			return Summary{}, err
		}
	} else {
		g.model = buildUnits(o)
	}
	g.model.buildYear(o, cal)

	if err := g.writeUnits(ctx); err != nil {
		return g.sum, err
	}
	if err := g.each(ctx, StagePlans, len(g.model.plans), len(g.model.plans), g.writePlan); err != nil {
		return g.sum, err
	}
	if err := g.each(ctx, StageDialogues, len(g.model.dialogues), len(g.model.dialogues), g.writeDialogue); err != nil {
		return g.sum, err
	}
	if err := g.each(ctx, StageClosePlans, len(g.model.plans), len(g.model.plans), g.closePlan); err != nil {
		return g.sum, err
	}
	g.sum.Elapsed = time.Since(start)
	return g.sum, nil
}

// each runs fn for 0..n-1 on o.Workers goroutines, reporting progress
// against total, and returns the first error.
func (g *generator) each(parent context.Context, stage string, n, total int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for w := 0; w < min(g.o.Workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				g.tick(stage, total)
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	if err := parent.Err(); err != nil {
		return fmt.Errorf("generate %s: %w", stage, err)
	}
	return nil
}

func (g *generator) tick(stage string, total int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.progress[stage]++
	if g.o.Progress != nil {
		g.o.Progress(stage, g.progress[stage], total)
	}
}

func (g *generator) addSum(s Summary) {
	g.mu.Lock()
	g.sum.add(s)
	g.mu.Unlock()
}

// writeUnits creates the unit tree, parents before children.
func (g *generator) writeUnits(ctx context.Context) error {
	m := g.model
	var levels [3][]*unitM
	for _, u := range m.units {
		switch u.Level {
		case domain.LevelProvince:
			levels[0] = append(levels[0], u)
		case domain.LevelDistrict:
			levels[1] = append(levels[1], u)
		default:
			levels[2] = append(levels[2], u)
		}
	}
	created := local(g.o.Year, 1, 1, 0, 0)
	if m.twoLevel {
		if _, err := g.st.EnsureNationalRoot(ctx); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	for _, us := range levels {
		err := g.each(ctx, StageUnits, len(us), len(m.units), func(ctx context.Context, i int) error {
			u := us[i]
			row := &store.Unit{ID: u.ID, ParentID: u.ParentID, Level: u.Level, Kind: u.OfficialKind, Name: u.Name, CreatedAt: created}
			if u.Code != "" {
				code := u.Code
				row.Code = &code
			}
			if err := g.st.CreateUnit(ctx, row); err != nil {
				return fmt.Errorf("generate unit %s: %w", u.Name, err)
			}
			var s Summary
			s.Units++
			switch u.Level {
			case domain.LevelProvince:
				s.Provinces++
			case domain.LevelDistrict:
				s.Districts++
			default:
				s.Communes++
			}
			g.addSum(s)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
