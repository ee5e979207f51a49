package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/report"
)

// ErrInvalidScope means a report scope is incomplete or contradictory (an
// unknown kind, a missing id, an empty period, an unknown level).
var ErrInvalidScope = errors.New("invalid report scope")

// ErrCalendarRange means a report needed the working days of dates that
// calendar_days does not hold: call EnsureCalendar (or FillCalendar for
// the missing years) first.
var ErrCalendarRange = errors.New("dates outside calendar_days")

// ScopeKey is the key under which the snapshots of a report scope are
// stored: "dialogue/<id>", "plan/<id>", or
// "rollup/<unit>/<from yyyy-mm-dd>/<to yyyy-mm-dd>/<level or all>" with the
// dates of From and To in Vietnam time (rollup periods are meant to be whole
// days). It is "" for an unknown kind.
func ScopeKey(s report.Scope) string {
	switch s.Kind {
	case report.KindDialogue:
		return "dialogue/" + s.DialogueID
	case report.KindPlan:
		return "plan/" + s.PlanID
	case report.KindRollup:
		level := s.Level
		if level == "" {
			level = "all"
		}
		key := fmt.Sprintf("rollup/%s/%s/%s/%s", s.UnitID,
			s.From.In(domain.Location).Format(time.DateOnly), s.To.In(domain.Location).Format(time.DateOnly), level)
		if s.Map == report.MapOfTime {
			key += "/" + report.MapOfTime
		}
		return key
	}
	return ""
}

// levelOrder lists the administrative levels top-down, the order of
// Dialogues.ByLevel.
var levelOrder = []string{domain.LevelProvince, domain.LevelDistrict, domain.LevelCommune}

func validLevel(l string) bool {
	for _, x := range levelOrder {
		if l == x {
			return true
		}
	}
	return false
}

// resolvedScope is a scope with everything the report query needs.
type resolvedScope struct {
	scope report.Scope
	// root is the unit whose subtree ByLevel counts units in: the plan's
	// unit for dialogue and plan reports, the scope's unit for roll-ups.
	root *Unit
	// filter selects the dialogues in scope (d: dialogues, u: their unit),
	// with its arguments numbered from ?3.
	filter string
	args   []any
	// planYear and dialogueAt feed the default title.
	planYear   int
	dialogueAt time.Time
}

// resolveScope checks a scope, fills its unit, plan and period from the
// database, and builds the dialogue filter.
func (s *Store) resolveScope(ctx context.Context, sc report.Scope) (*resolvedScope, error) {
	r := &resolvedScope{scope: sc}
	var rootID string
	switch sc.Kind {
	case report.KindDialogue:
		r.scope.Map = report.MapOfTime
		if sc.DialogueID == "" || sc.Level != "" || (sc.Map != "" && sc.Map != report.MapOfTime) {
			return nil, fmt.Errorf("dialogue report needs a dialogue id and no level: %w", ErrInvalidScope)
		}
		var row struct {
			UnitID      string    `bun:"unit_id"`
			PlanID      string    `bun:"plan_id"`
			ScheduledAt time.Time `bun:"scheduled_at"`
			PlanUnitID  string    `bun:"plan_unit_id"`
			Year        int       `bun:"year"`
		}
		err := s.DB.NewSelect().TableExpr("dialogues AS d").Join("JOIN plans AS p ON p.id = d.plan_id").
			ColumnExpr("d.unit_id, d.plan_id, d.scheduled_at, p.unit_id AS plan_unit_id, p.year").
			Where("d.id = ?", sc.DialogueID).Scan(ctx, &row)
		if err != nil {
			return nil, notFound(err, "dialogue "+sc.DialogueID)
		}
		r.scope.UnitID, r.scope.PlanID, rootID = row.UnitID, row.PlanID, row.PlanUnitID
		r.planYear, r.dialogueAt = row.Year, row.ScheduledAt
		if sc.From.IsZero() && sc.To.IsZero() {
			day := row.ScheduledAt.In(domain.Location)
			r.scope.From = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, domain.Location)
			r.scope.To = r.scope.From.AddDate(0, 0, 1)
		}
		r.filter, r.args = "d.id = ?3", []any{sc.DialogueID}
	case report.KindPlan:
		r.scope.Map = report.MapOfTime
		if sc.PlanID == "" || sc.Level != "" || (sc.Map != "" && sc.Map != report.MapOfTime) {
			return nil, fmt.Errorf("plan report needs a plan id and no level: %w", ErrInvalidScope)
		}
		p, err := s.GetPlan(ctx, sc.PlanID)
		if err != nil {
			return nil, err
		}
		r.scope.UnitID, rootID, r.planYear = p.UnitID, p.UnitID, p.Year
		if sc.From.IsZero() && sc.To.IsZero() {
			r.scope.From = time.Date(p.Year, time.January, 1, 0, 0, 0, 0, domain.Location)
			r.scope.To = r.scope.From.AddDate(1, 0, 0)
		}
		r.filter, r.args = "d.plan_id = ?3", []any{sc.PlanID}
	case report.KindRollup:
		if sc.UnitID == "" || sc.From.IsZero() || !sc.From.Before(sc.To) || (sc.Level != "" && !validLevel(sc.Level)) ||
			(sc.Map != "" && sc.Map != report.MapToday && sc.Map != report.MapOfTime) {
			return nil, fmt.Errorf("roll-up needs a unit, From before To, a known level or none, a known map: %w", ErrInvalidScope)
		}
		rootID = sc.UnitID
		if sc.Map == "" {
			r.scope.Map = report.MapToday
		}
	default:
		return nil, fmt.Errorf("report kind %q: %w", sc.Kind, ErrInvalidScope)
	}
	root, err := s.GetUnit(ctx, rootID)
	if err != nil {
		return nil, err
	}
	r.root = root
	unit := root
	if r.scope.UnitID != rootID {
		if unit, err = s.GetUnit(ctx, r.scope.UnitID); err != nil {
			return nil, err
		}
	}
	r.scope.UnitName, r.scope.UnitLevel = unit.Name, unit.Level
	if sc.Kind == report.KindRollup {
		// The subtree is one prefix match on the materialised path
		// (units_path_idx); bun inlines the literal so the index applies.
		r.filter = "u.path LIKE ?1 AND d.scheduled_at >= ?3 AND d.scheduled_at < ?4 AND (?2 = '' OR u.level = ?2)"
		r.args = []any{sc.From, sc.To}
	}
	r.scope.From, r.scope.To = r.scope.From.In(domain.Location), r.scope.To.In(domain.Location)
	if r.scope.Title == "" {
		r.scope.Title = defaultTitle(r)
	}
	return r, nil
}

// unitOf is the unit a dialogue counts under: on today's map the unit its
// unit's records are now under (unit_today), else its own.
func (r *resolvedScope) unitOf() string {
	if r.scope.Map == report.MapToday {
		return "unit_today(d.unit_id)"
	}
	return "d.unit_id"
}

// unitsOfMap is the condition on a unit (columns prefixed with p) to count
// at its level: on today's map, a unit that has not merged; on the map of
// the time, one that had not merged before the period began (placeholder
// number from).
func (r *resolvedScope) unitsOfMap(p string, from int) string {
	if r.scope.Map == report.MapToday {
		return p + "merged_at IS NULL"
	}
	return fmt.Sprintf("(%smerged_at IS NULL OR %smerged_at > ?%d::timestamptz)", p, p, from)
}

func defaultTitle(r *resolvedScope) string {
	sc := r.scope
	switch sc.Kind {
	case report.KindDialogue:
		return fmt.Sprintf("Báo cáo giám sát hội nghị tiếp xúc, đối thoại ngày %s — %s",
			r.dialogueAt.In(domain.Location).Format("02/01/2006"), sc.UnitName)
	case report.KindPlan:
		return fmt.Sprintf("Báo cáo giám sát năm %d — %s", r.planYear, sc.UnitName)
	}
	t := fmt.Sprintf("Báo cáo tổng hợp tiếp xúc, đối thoại từ %s đến %s — %s",
		sc.From.Format("02/01/2006"), sc.To.Add(-time.Nanosecond).Format("02/01/2006"), sc.UnitName)
	if sc.Level != "" {
		t += " (" + report.LevelNameAt(sc.Level, sc.To) + ")"
	}
	return t
}

// reportQuery computes every figure of a report in one statement and
// returns it as one JSON document shaped like report.Data (without scope,
// data time, level names and ratios, which Go adds), plus the number of
// delay dates that calendar_days lacks.
//
// Placeholders: ?0 the data time, ?1 the LIKE pattern of the root unit's
// subtree, ?2 the level filter (the empty string for none; roll-ups only),
// ?3… the dialogue filter's own arguments, then the period's start (its
// placeholder number is %[2]d); %[1]s is the dialogue filter, %[3]s the unit
// a dialogue counts under (its own, or on today's map its unit today), and
// %[4]s and %[5]s the condition on the units of the map (unprefixed and
// on u).
//
// Only the aggregates leave PostgreSQL: the scope's dialogues (sd) and
// their tasks (st) are materialised once and every section aggregates
// over them; the opinions, survey answers and tasks are reached through
// the inlined ids, so a district uses the dialogue_id indexes and a
// province scans and hashes (see the migration 20261126000003 for the
// measurements).
// maxNotHeldSQL is report.MaxNotHeld in the query's text.
var maxNotHeldSQL = strconv.Itoa(report.MaxNotHeld)

var reportQuery = `
WITH ids AS NOT MATERIALIZED (
    -- the scope's dialogue ids, inlined where they filter the big tables so
    -- the planner sees real statistics (a CTE scan is estimated blindly)
    SELECT d.id
    FROM dialogues d
    JOIN units u ON u.id = %[3]s
    WHERE %[1]s
),
sd AS MATERIALIZED (
    SELECT d.id, u.id AS unit_id, u.level, u.name, d.kind, d.phase,
           d.reschedule_count > 0 AS rescheduled,
           s.dialogue_id IS NOT NULL AS held,
           s.attendance
    FROM dialogues d
    JOIN units u ON u.id = %[3]s
    LEFT JOIN sessions s ON s.dialogue_id = d.id
    WHERE %[1]s
),
st AS MATERIALIZED (
    SELECT t.id, t.dialogue_id, t.due_at, t.returned_count,
           CASE WHEN t.status = 'done' AND t.late THEN 'late'
                WHEN t.status = 'done' THEN 'on_time'
                WHEN t.status = 'cancelled' THEN 'cancelled'
                WHEN t.due_at < ?0::timestamptz THEN 'overdue'
                ELSE 'open' END AS outcome,
           -- the end of the delay: the (last) submission of a late result,
           -- or now for a task still overdue
           CASE WHEN t.status = 'done' AND t.late THEN coalesce(t.submitted_at, t.completed_at)
                WHEN t.status NOT IN ('done', 'cancelled') AND t.due_at < ?0::timestamptz THEN ?0::timestamptz
           END AS delay_until
    FROM tasks t
    WHERE t.dialogue_id IN (SELECT id FROM ids)
),
delays AS (
    -- working days after the deadline's date up to and including the
    -- end's date, both in Vietnam time: wd(end) - wd(deadline)
    SELECT greatest(cb.wd_index - ca.wd_index, 0) AS delay,
           ca.day IS NULL OR cb.day IS NULL AS missing
    FROM st
    LEFT JOIN calendar_days ca ON ca.day = (st.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
    LEFT JOIN calendar_days cb ON cb.day = (st.delay_until AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
    WHERE st.delay_until IS NOT NULL
),
lv AS (
    SELECT level, count(*) AS units_total
    FROM units
    WHERE path LIKE ?1 AND (?2 = '' OR level = ?2) AND level <> 'national'
      AND %[4]s
    GROUP BY level
),
nh AS (
    -- the units of each level that held no dialogue in scope, by name
    SELECT u.level, u.id, u.name,
           row_number() OVER (PARTITION BY u.level ORDER BY u.name COLLATE "C", u.id) AS n
    FROM units u
    WHERE u.path LIKE ?1 AND (?2 = '' OR u.level = ?2) AND u.level <> 'national'
      AND %[5]s
      AND NOT EXISTS (SELECT 1 FROM sd WHERE sd.unit_id = u.id AND sd.held)
),
su AS (
    SELECT sd.unit_id, min(sd.name) AS name, min(sd.level) AS level,
           count(*) FILTER (WHERE kind <> 'adhoc') AS planned,
           count(*) FILTER (WHERE kind = 'adhoc') AS adhoc,
           count(*) FILTER (WHERE held) AS held,
           count(*) FILTER (WHERE phase = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE NOT held AND phase <> 'cancelled') AS pending
    FROM sd
    GROUP BY sd.unit_id
),
suo AS (
    SELECT sd.unit_id, count(*) AS opinions
    FROM opinions o JOIN sd ON sd.id = o.dialogue_id
    WHERE o.dialogue_id IN (SELECT id FROM ids)
    GROUP BY sd.unit_id
),
sut AS (
    SELECT sd.unit_id, count(*) AS tasks,
           count(*) FILTER (WHERE st.outcome IN ('on_time', 'late')) AS done,
           count(*) FILTER (WHERE st.outcome = 'overdue') AS overdue
    FROM st JOIN sd ON sd.id = st.dialogue_id
    GROUP BY sd.unit_id
),
sl AS (
    SELECT level,
           count(*) FILTER (WHERE kind <> 'adhoc') AS planned,
           count(*) FILTER (WHERE held) AS held,
           count(*) FILTER (WHERE phase = 'cancelled') AS cancelled,
           count(DISTINCT unit_id) FILTER (WHERE held) AS units_held
    FROM sd
    GROUP BY level
),
sv AS (
    SELECT r.field, count(*) AS n
    FROM survey_responses r
    WHERE r.dialogue_id IN (SELECT id FROM ids)
    GROUP BY r.field
),
op AS (
    -- opinion_outcomes is the one rule for what became of an opinion
    SELECT o.field, o.source, o.answered_on_spot, o.outcome, count(*) AS n
    FROM opinion_outcomes o
    WHERE o.dialogue_id IN (SELECT id FROM ids)
    GROUP BY o.field, o.source, o.answered_on_spot, o.outcome
),
sat AS (
    SELECT r.field, sd.unit_id, min(sd.name) AS name,
           count(*) FILTER (WHERE r.satisfied) AS yes, count(*) FILTER (WHERE NOT r.satisfied) AS no
    FROM ratings r JOIN sd ON sd.id = r.dialogue_id
    GROUP BY r.field, sd.unit_id
),
esc AS (
    SELECT a.level, count(*) AS n,
           count(*) FILTER (WHERE a.status = 'acknowledged') AS acked,
           avg(extract(epoch FROM a.acked_at - a.created_at)) FILTER (WHERE a.status = 'acknowledged') AS avg_ack
    FROM alerts a
    JOIN st ON st.id = a.task_id -- st.id is unique: a join estimates better than IN
    WHERE a.kind = 'task_overdue'
    GROUP BY a.level
)
SELECT json_build_object(
    'dialogues', (SELECT json_build_object(
        'planned', count(*) FILTER (WHERE kind <> 'adhoc'),
        'adhoc', count(*) FILTER (WHERE kind = 'adhoc'),
        'held', count(*) FILTER (WHERE held),
        'rescheduled', count(*) FILTER (WHERE rescheduled),
        'cancelled', count(*) FILTER (WHERE phase = 'cancelled'),
        'pending', count(*) FILTER (WHERE NOT held AND phase <> 'cancelled'),
        'by_level', (SELECT coalesce(json_agg(json_build_object(
                'level', lv.level,
                'planned', coalesce(sl.planned, 0),
                'held', coalesce(sl.held, 0),
                'cancelled', coalesce(sl.cancelled, 0),
                'units_total', lv.units_total,
                'units_held', coalesce(sl.units_held, 0),
                'not_held', (SELECT coalesce(json_agg(json_build_object('unit_id', nh.id, 'name', nh.name) ORDER BY nh.n), '[]')
                             FROM nh WHERE nh.level = lv.level AND nh.n <= ` + maxNotHeldSQL + `),
                'not_held_more', (SELECT count(*) FROM nh WHERE nh.level = lv.level AND nh.n > ` + maxNotHeldSQL + `))
              ORDER BY array_position(ARRAY['province', 'district', 'commune'], lv.level)), '[]')
            FROM lv LEFT JOIN sl ON sl.level = lv.level),
        'by_kind', (SELECT json_agg(k.j ORDER BY k.ord) FROM (
            SELECT kinds.ord, json_build_object('kind', kinds.kind, 'planned', count(sd.id),
                                                'held', count(sd.id) FILTER (WHERE sd.held)) AS j
            FROM (VALUES ('periodic', 1), ('thematic', 2), ('adhoc', 3)) AS kinds (kind, ord)
            LEFT JOIN sd ON sd.kind = kinds.kind
            GROUP BY kinds.kind, kinds.ord) k)
        ) FROM sd),
    'participants', json_build_object(
        'total', (SELECT coalesce(sum((attendance ->> 'total')::bigint), 0) FROM sd WHERE held),
        'by_group', (SELECT coalesce(json_agg(json_build_object('group', g.grp, 'count', g.n)
                                              ORDER BY g.n DESC, g.grp COLLATE "C"), '[]')
            FROM (SELECT e.key AS grp, sum((e.value #>> '{}')::bigint) AS n
                  FROM sd, jsonb_each(CASE WHEN jsonb_typeof(sd.attendance -> 'groups') = 'object'
                                           THEN sd.attendance -> 'groups' ELSE '{}'::jsonb END) AS e
                  WHERE sd.held
                  GROUP BY e.key) g)),
    'survey', json_build_object(
        'answers', (SELECT coalesce(sum(n), 0) FROM sv),
        'by_field', (SELECT coalesce(json_agg(json_build_object('field', field, 'count', n)
                                              ORDER BY n DESC, field COLLATE "C"), '[]') FROM sv)),
    'opinions', (SELECT json_build_object(
        'total', coalesce(sum(n), 0),
        'from_survey', coalesce(sum(n) FILTER (WHERE source = 'survey'), 0),
        'from_floor', coalesce(sum(n) FILTER (WHERE source = 'floor'), 0),
        'answered_on_spot', coalesce(sum(n) FILTER (WHERE answered_on_spot), 0),
        'followed_up', coalesce(sum(n) FILTER (WHERE NOT answered_on_spot), 0),
        'outcomes', json_build_object(
            'answered_on_spot', coalesce(sum(n) FILTER (WHERE outcome = 'answered_on_spot'), 0),
            'led_to_task', coalesce(sum(n) FILTER (WHERE outcome = 'led_to_task'), 0),
            'result_accepted', coalesce(sum(n) FILTER (WHERE outcome = 'result_accepted'), 0),
            'open', coalesce(sum(n) FILTER (WHERE outcome = 'open'), 0)),
        'by_field', (SELECT coalesce(json_agg(json_build_object('field', f.field, 'total', f.total, 'answered_on_spot', f.aos,
                                                                'outcomes', json_build_object('answered_on_spot', f.o_aos, 'led_to_task', f.o_task,
                                                                                              'result_accepted', f.o_acc, 'open', f.o_open))
                                              ORDER BY f.total DESC, f.field COLLATE "C"), '[]')
            FROM (SELECT field, sum(n) AS total, coalesce(sum(n) FILTER (WHERE answered_on_spot), 0) AS aos,
                         coalesce(sum(n) FILTER (WHERE outcome = 'answered_on_spot'), 0) AS o_aos,
                         coalesce(sum(n) FILTER (WHERE outcome = 'led_to_task'), 0) AS o_task,
                         coalesce(sum(n) FILTER (WHERE outcome = 'result_accepted'), 0) AS o_acc,
                         coalesce(sum(n) FILTER (WHERE outcome = 'open'), 0) AS o_open
                  FROM op GROUP BY field) f)
        ) FROM op),
    'satisfaction', (SELECT json_build_object(
        'rated', coalesce(sum(yes + no), 0),
        'satisfied', coalesce(sum(yes), 0),
        'not_satisfied', coalesce(sum(no), 0),
        'by_field', (SELECT coalesce(json_agg(json_build_object('field', f.field, 'rated', f.yes + f.no, 'satisfied', f.yes, 'not_satisfied', f.no)
                                              ORDER BY f.yes + f.no DESC, f.field COLLATE "C"), '[]')
            FROM (SELECT field, sum(yes) AS yes, sum(no) AS no FROM sat GROUP BY field) f),
        'by_unit', (SELECT coalesce(json_agg(json_build_object('unit_id', u.unit_id, 'name', u.name, 'rated', u.yes + u.no,
                                                               'satisfied', u.yes, 'not_satisfied', u.no)
                                             ORDER BY u.name COLLATE "C", u.unit_id), '[]')
            FROM (SELECT unit_id, min(name) AS name, sum(yes) AS yes, sum(no) AS no FROM sat GROUP BY unit_id) u)
        ) FROM sat),
    'remarks', (SELECT count(*) FROM remarks WHERE dialogue_id IN (SELECT id FROM ids)),
    'tasks', (SELECT json_build_object(
        'total', count(*),
        'done_on_time', count(*) FILTER (WHERE outcome = 'on_time'),
        'done_late', count(*) FILTER (WHERE outcome = 'late'),
        'overdue', count(*) FILTER (WHERE outcome = 'overdue'),
        'open', count(*) FILTER (WHERE outcome = 'open'),
        'cancelled', count(*) FILTER (WHERE outcome = 'cancelled'),
        'returned_results', coalesce(sum(returned_count), 0),
        'avg_delay_working_days', (SELECT coalesce(round(avg(delay), 2), 0) FROM delays WHERE NOT missing),
        'max_delay_working_days', (SELECT coalesce(max(delay), 0) FROM delays WHERE NOT missing)
        ) FROM st),
    'escalations', json_build_object(
        'total', (SELECT coalesce(sum(n), 0) FROM esc),
        'by_level', (SELECT coalesce(json_agg(json_build_object('level', level, 'alerts', n, 'acknowledged', acked,
                                                                'avg_ack_seconds', coalesce(round(avg_ack, 2), 0))
                                              ORDER BY level), '[]') FROM esc)),
    'units', (SELECT coalesce(json_agg(json_build_object('unit_id', su.unit_id, 'name', su.name, 'level', su.level,
                                                         'planned', su.planned, 'adhoc', su.adhoc, 'held', su.held,
                                                         'cancelled', su.cancelled, 'pending', su.pending, 'opinions', coalesce(suo.opinions, 0),
                                                         'tasks', coalesce(sut.tasks, 0), 'tasks_done', coalesce(sut.done, 0),
                                                         'tasks_overdue', coalesce(sut.overdue, 0))
                                       ORDER BY array_position(ARRAY['national', 'province', 'district', 'commune'], su.level),
                                                su.name COLLATE "C", su.unit_id), '[]')
              FROM su LEFT JOIN sut ON sut.unit_id = su.unit_id LEFT JOIN suo ON suo.unit_id = su.unit_id)
) AS data,
(SELECT count(*) FROM delays WHERE missing) AS missing_days`

// ComputeReport computes the figures of a report scope at now. Every figure
// is aggregated in PostgreSQL in one statement; only the aggregates come
// back.
//
// Which dialogues count: KindDialogue that dialogue; KindPlan the plan's
// dialogues (ad hoc ones included); KindRollup the dialogues of the units
// in the subtree of UnitID scheduled in [From, To), and, when Level is set,
// only those of units at that level. Level is refused on the other kinds.
// The returned scope has its unit's name and level filled in; a dialogue
// report gets the dialogue's unit and plan and, when no period is given, the
// day of the dialogue; a plan report gets the plan's unit and year; an empty
// Title gets a Vietnamese default.
//
// ByLevel lists, for roll-ups, each level that has units in the subtree of
// UnitID (with Level set, only that level); for dialogue and plan reports,
// the levels of the subtree of the plan's unit that have dialogues in scope. Task delays need calendar_days (EnsureCalendar): a delay
// date the table does not hold fails with ErrCalendarRange. Unknown ids fail
// with ErrNotFound, bad scopes with ErrInvalidScope.
func (s *Store) ComputeReport(ctx context.Context, scope report.Scope, now time.Time) (*report.Data, error) {
	// The database keeps microseconds: the data time must survive a save.
	now = now.Truncate(time.Microsecond)
	r, err := s.resolveScope(ctx, scope)
	if err != nil {
		return nil, fmt.Errorf("compute report: %w", err)
	}
	args := append([]any{now, r.root.Path + "%", r.scope.Level}, r.args...)
	var raw []byte
	var missing int
	// The period's start is the last argument: units merged before it are
	// history, not units of the period's map.
	args = append(args, r.scope.From)
	q := fmt.Sprintf(reportQuery, r.filter, len(args)-1, r.unitOf(), r.unitsOfMap("", len(args)-1), r.unitsOfMap("u.", len(args)-1))
	err = s.DB.RunInTx(ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		// The rows of a report are read from memory, not from spinning
		// disks: with the default random_page_cost (4) the planner hashes
		// all the alerts of the country for a district's report (240 ms
		// instead of 20 ms on the national-scale data set).
		if _, err := tx.ExecContext(ctx, "SET LOCAL random_page_cost = 1.1"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, q, args...).Scan(&raw, &missing)
	})
	if err != nil {
		return nil, fmt.Errorf("compute report %s: %w", ScopeKey(r.scope), err)
	}
	if missing > 0 {
		return nil, fmt.Errorf("compute report %s: %d task delay dates: %w", ScopeKey(r.scope), missing, ErrCalendarRange)
	}
	data := &report.Data{}
	if err := json.Unmarshal(raw, data); err != nil {
		return nil, fmt.Errorf("compute report %s: decode figures: %w", ScopeKey(r.scope), err)
	}
	data.Scope, data.DataTime = r.scope, now
	levels := data.Dialogues.ByLevel[:0]
	for _, lc := range data.Dialogues.ByLevel {
		// A dialogue or plan report speaks of the levels its dialogues are
		// at; "0/30 xã" under a district's own plan would mislead.
		if r.scope.Kind != report.KindRollup && lc.Planned+lc.Held+lc.Cancelled == 0 {
			continue
		}
		lc.LevelName = report.LevelNameAt(lc.Level, r.scope.To)
		lc.Ratio = fmt.Sprintf("%d/%d %s", lc.UnitsHeld, lc.UnitsTotal, lc.LevelName)
		levels = append(levels, lc)
	}
	data.Dialogues.ByLevel = levels
	return data, nil
}

// reportRow is a row of reports.
type reportRow struct {
	bun.BaseModel `bun:"table:reports"`

	ID          string      `bun:"id,pk,type:uuid"`
	ScopeKey    string      `bun:"scope_key"`
	Kind        string      `bun:"kind"`
	Version     int         `bun:"version"`
	Status      string      `bun:"status"`
	Assessment  string      `bun:"assessment"`
	Data        report.Data `bun:"data,type:jsonb"`
	ComputedAt  time.Time   `bun:"computed_at"`
	FinalisedAt *time.Time  `bun:"finalised_at"`
	FinalisedBy string      `bun:"finalised_by"`
	CreatedAt   time.Time   `bun:"created_at"`
	UpdatedAt   time.Time   `bun:"updated_at"`
}

func (r *reportRow) report() *report.Report {
	return &report.Report{
		ID: r.ID, ScopeKey: r.ScopeKey, Kind: r.Kind, Version: r.Version, Status: r.Status,
		Assessment: r.Assessment, Data: r.Data, ComputedAt: r.ComputedAt,
		FinalisedAt: r.FinalisedAt, FinalisedBy: r.FinalisedBy,
	}
}

// lockReportScope serialises the writers of one scope key for the rest of
// the transaction, so the draft's version and the finals never race.
func lockReportScope(ctx context.Context, tx bun.Tx, scopeKey string) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 7202611))", "report/"+scopeKey); err != nil {
		return fmt.Errorf("lock report %s: %w", scopeKey, err)
	}
	return nil
}

// SaveDraft stores data as the draft of scopeKey: there is at most one
// draft per scope, at version (newest final version + 1). An existing draft
// keeps its id, version and assessment and gets the new data and computed_at
// (data.DataTime), so regenerating a draft is idempotent; a new draft (the
// first, or the first after a finalisation) starts with an empty
// assessment.
func (s *Store) SaveDraft(ctx context.Context, scopeKey string, data *report.Data) (*report.Report, error) {
	if scopeKey == "" || data == nil || !strings.HasPrefix(scopeKey, data.Scope.Kind+"/") {
		return nil, fmt.Errorf("save report draft %q: scope key and data kind disagree: %w", scopeKey, ErrInvalidScope)
	}
	computedAt := data.DataTime
	if computedAt.IsZero() {
		computedAt = time.Now()
	}
	body, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("save report draft %s: encode data: %w", scopeKey, err)
	}
	row := new(reportRow)
	err = s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if err := lockReportScope(ctx, tx, scopeKey); err != nil {
			return err
		}
		err := tx.NewRaw(`
			INSERT INTO reports (scope_key, kind, version, status, data, computed_at)
			SELECT ?0, ?1, coalesce(max(version), 0) + 1, 'draft', ?2::jsonb, ?3
			FROM reports WHERE scope_key = ?0 AND status = 'final'
			ON CONFLICT (scope_key) WHERE status = 'draft' DO UPDATE
			SET data = EXCLUDED.data, computed_at = EXCLUDED.computed_at, updated_at = now()
			RETURNING *`, scopeKey, data.Scope.Kind, string(body), computedAt).Scan(ctx, row)
		if err != nil {
			return fmt.Errorf("save report draft %s: %w", scopeKey, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return row.report(), nil
}

// GetReport reads version of scopeKey's report; version 0 is the latest:
// the draft if there is one, else the newest final. It fails with
// ErrNotFound when there is no such report.
func (s *Store) GetReport(ctx context.Context, scopeKey string, version int) (*report.Report, error) {
	row := new(reportRow)
	q := s.DB.NewSelect().Model(row).Where("scope_key = ?", scopeKey)
	if version > 0 {
		q = q.Where("version = ?", version)
	} else {
		// The draft, when there is one, is the highest version.
		q = q.OrderExpr("version DESC").Limit(1)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("get report %s v%d", scopeKey, version))
	}
	return row.report(), nil
}

// ListReportVersions lists the versions of scopeKey's report, oldest first,
// without their data (Data is the zero value); an unknown key gives an
// empty list.
func (s *Store) ListReportVersions(ctx context.Context, scopeKey string) ([]report.Report, error) {
	var rows []reportRow
	err := s.DB.NewSelect().Model(&rows).ExcludeColumn("data").Where("scope_key = ?", scopeKey).OrderExpr("version").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list report versions %s: %w", scopeKey, err)
	}
	out := make([]report.Report, 0, len(rows))
	for i := range rows {
		out = append(out, *rows[i].report())
	}
	return out, nil
}

// SetAssessment writes MTTQ's assessment on the draft of scopeKey, with the
// audit event ev (its entity becomes the report; action
// "report.assessment_set" unless given). Without a draft it fails with
// ErrConflict: a final report cannot change.
func (s *Store) SetAssessment(ctx context.Context, scopeKey, text string, ev Event) (*report.Report, error) {
	row := new(reportRow)
	err := s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if err := lockReportScope(ctx, tx, scopeKey); err != nil {
			return err
		}
		err := tx.NewRaw(`UPDATE reports SET assessment = ?, updated_at = now()
			WHERE scope_key = ? AND status = 'draft' RETURNING *`, text, scopeKey).Scan(ctx, row)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("set assessment of %s: no draft: %w", scopeKey, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("set assessment of %s: %w", scopeKey, err)
		}
		return appendEvent(ctx, tx, reportEvent(ev, row, "report.assessment_set"))
	})
	if err != nil {
		return nil, err
	}
	return row.report(), nil
}

// FinaliseReport turns the draft of scopeKey into a final report, finalised
// by by at at, with the audit event ev (its entity becomes the report;
// action "report.finalised" unless given). From then on the database
// refuses any change to it. Without a draft it fails with ErrConflict.
func (s *Store) FinaliseReport(ctx context.Context, scopeKey, by string, at time.Time, ev Event) (*report.Report, error) {
	row := new(reportRow)
	err := s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if err := lockReportScope(ctx, tx, scopeKey); err != nil {
			return err
		}
		err := tx.NewRaw(`UPDATE reports SET status = 'final', finalised_at = ?, finalised_by = ?, updated_at = now()
			WHERE scope_key = ? AND status = 'draft' RETURNING *`, at, by, scopeKey).Scan(ctx, row)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("finalise report %s: no draft: %w", scopeKey, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("finalise report %s: %w", scopeKey, err)
		}
		return appendEvent(ctx, tx, reportEvent(ev, row, "report.finalised"))
	})
	if err != nil {
		return nil, err
	}
	return row.report(), nil
}

// reportEvent points ev at the report row, with a default action and data.
func reportEvent(ev Event, row *reportRow, action string) Event {
	ev.EntityType, ev.EntityID = "report", row.ID
	if ev.Action == "" {
		ev.Action = action
	}
	if ev.Actor == "" {
		ev.Actor = "system"
	}
	if ev.UnitID == nil && row.Data.Scope.UnitID != "" {
		unit := row.Data.Scope.UnitID
		ev.UnitID = &unit
	}
	if len(ev.Data) == 0 {
		ev.Data = mustJSON(map[string]any{"scope_key": row.ScopeKey, "version": row.Version, "status": row.Status})
	}
	return ev
}
