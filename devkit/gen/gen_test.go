package gen_test

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/gen"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

func small(seed int64) gen.Options {
	return gen.Options{Seed: seed, Year: 2025, Scale: gen.ScaleSmall}
}

func generate(t *testing.T, st *store.Store, o gen.Options) gen.Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := gen.Generate(ctx, st, o)
	if err != nil {
		t.Fatalf("generate %+v: %v", o, err)
	}
	return sum
}

func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

var tables = []string{"units", "plans", "dialogues", "survey_responses", "survey_summaries", "sessions", "opinions",
	"conclusions", "tasks", "alerts", "events"}

func tableCounts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range tables {
		out[tb] = count(t, st, "SELECT count(*) FROM "+tb)
	}
	return out
}

// fingerprint digests the generated rows (leaving out what the database
// numbers or stamps itself: event ids, feed sequence numbers, updated_at).
func fingerprint(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	queries := map[string]string{
		"units":     "SELECT md5(string_agg(concat_ws('|', id, parent_id, level, name), ',' ORDER BY id)) FROM units",
		"plans":     "SELECT md5(string_agg(concat_ws('|', id, unit_id, reference_no, issuing_body, status, created_at, closed_at), ',' ORDER BY id)) FROM plans",
		"dialogues": "SELECT md5(string_agg(concat_ws('|', id, seq, kind, topic, title, scheduled_at, place, hosts, invited_groups, phase, reschedule_count, cancel_reason, session_recorded_at, closed_at), ',' ORDER BY id)) FROM dialogues",
		"survey":    "SELECT md5(string_agg(concat_ws('|', id, dialogue_id, field, content, respondent_name, respondent_group, submitted_at), ',' ORDER BY id)) FROM survey_responses",
		"summaries": "SELECT md5(string_agg(concat_ws('|', dialogue_id, total, by_field, main_issues, computed_at), ',' ORDER BY dialogue_id)) FROM survey_summaries",
		"sessions":  "SELECT md5(string_agg(concat_ws('|', dialogue_id, held_at, chair, attendance, recorded_at), ',' ORDER BY dialogue_id)) FROM sessions",
		"opinions":  "SELECT md5(string_agg(concat_ws('|', id, field, content, source, answered_on_spot, answer), ',' ORDER BY id)) FROM opinions",
		"tasks":     "SELECT md5(string_agg(concat_ws('|', id, conclusion_id, assignee_unit_id, title, assignee_agency, assignee_officer, monitor, status, overdue, escalation_level, due_at, original_due_at, extension, result, late, returned_count, completed_at, version), ',' ORDER BY id)) FROM tasks",
		"alerts":    "SELECT md5(string_agg(concat_ws('|', id, unit_id, recipient_role, level, task_id, body_vi, status, created_at, acked_at, acked_by), ',' ORDER BY id)) FROM alerts",
		"events":    "SELECT md5(string_agg(concat_ws('|', dedup_key, at, actor, action, entity_id, data), ',' ORDER BY entity_id, at, action, dedup_key)) FROM events",
	}
	out := map[string]string{}
	for name, q := range queries {
		var s *string
		if err := st.DB.QueryRowContext(context.Background(), q).Scan(&s); err != nil {
			t.Fatalf("fingerprint %s: %v", name, err)
		}
		if s != nil {
			out[name] = *s
		}
	}
	return out
}

func TestGenerateSmall(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	sum := generate(t, st, small(1))
	t.Logf("small, seed 1: %+v", sum)

	// The year has a bit of everything.
	for name, n := range map[string]int{
		"held": sum.Held, "cancelled": sum.Cancelled, "ad hoc": sum.AdHoc, "rescheduled": sum.Rescheduled,
		"survey answers": sum.SurveyAnswers, "opinions": sum.Opinions, "tasks done on time": sum.TasksDoneOnTime,
		"tasks done late": sum.TasksDoneLate, "tasks overdue": sum.TasksOverdue, "tasks cancelled": sum.TasksCancelled,
		"tasks returned": sum.TasksReturned, "extensions": sum.TasksExtended, "level 1 alerts": sum.AlertsByLevel[1],
		"level 2 alerts": sum.AlertsByLevel[2], "level 3 alerts": sum.AlertsByLevel[3], "acknowledged": sum.AlertsAcknowledged,
		"session missed alerts": sum.SessionMissedAlerts, "closed plans": sum.PlansClosed,
	} {
		if n == 0 {
			t.Errorf("no %s generated", name)
		}
	}
	if sum.Dialogues != sum.Planned+sum.AdHoc || sum.Dialogues != sum.Held+sum.Cancelled+sum.Pending {
		t.Errorf("dialogue counts do not add up: %+v", sum)
	}
	if got := sum.TasksDoneOnTime + sum.TasksDoneLate + sum.TasksOverdue + sum.TasksOpen + sum.TasksCancelled; got != sum.Tasks {
		t.Errorf("task outcomes add up to %d, want %d", got, sum.Tasks)
	}

	// The summary counts what the tables hold.
	want := map[string]int{
		"units": sum.Units, "plans": sum.Plans, "dialogues": sum.Dialogues, "survey_responses": sum.SurveyAnswers,
		"survey_summaries": sum.SurveySummaries, "sessions": sum.Sessions, "opinions": sum.Opinions,
		"conclusions": sum.Conclusions, "tasks": sum.Tasks, "alerts": sum.Alerts, "events": sum.Events,
	}
	counts := tableCounts(t, st)
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("table counts %v, summary says %v", counts, want)
	}
	for q, n := range map[string]int{
		"SELECT count(*) FROM units WHERE level = 'commune'":                                   sum.Communes,
		"SELECT count(*) FROM plans WHERE status = 'closed'":                                   sum.PlansClosed,
		"SELECT count(*) FROM dialogues WHERE kind = 'adhoc'":                                  sum.AdHoc,
		"SELECT count(*) FROM dialogues WHERE phase = 'cancelled'":                             sum.Cancelled,
		"SELECT count(*) FROM dialogues WHERE phase IN ('session_recorded', 'closed')":         sum.Held,
		"SELECT count(*) FROM dialogues WHERE phase = 'closed'":                                sum.Closed,
		"SELECT count(*) FROM dialogues WHERE reschedule_count > 0":                            sum.Rescheduled,
		"SELECT count(*) FROM tasks WHERE status = 'done' AND NOT late":                        sum.TasksDoneOnTime,
		"SELECT count(*) FROM tasks WHERE status = 'done' AND late":                            sum.TasksDoneLate,
		"SELECT count(*) FROM tasks WHERE status = 'cancelled'":                                sum.TasksCancelled,
		"SELECT count(*) FROM tasks WHERE status NOT IN ('done', 'cancelled') AND due_at < ?0": sum.TasksOverdue,
		"SELECT count(*) FROM tasks WHERE returned_count > 0":                                  sum.TasksReturned,
		"SELECT count(*) FROM tasks WHERE extension IS NOT NULL":                               sum.TasksExtended,
		"SELECT count(*) FROM alerts WHERE status = 'acknowledged'":                            sum.AlertsAcknowledged,
		"SELECT count(*) FROM alerts WHERE kind = 'session_missed'":                            sum.SessionMissedAlerts,
		"SELECT count(*) FROM alerts WHERE kind = 'task_overdue' AND level = 3":                sum.AlertsByLevel[3],
		"SELECT count(*) FROM events WHERE entity_type = 'task' AND action <> 'task.assigned'": sum.TaskUpdates,
	} {
		q = strings.ReplaceAll(q, "?0", "'2025-12-31T17:00:00Z'")
		if got := count(t, st, q); got != n {
			t.Errorf("%s = %d, summary says %d", q, got, n)
		}
	}

	checkInvariants(t, st, time.Date(2026, 1, 1, 0, 0, 0, 0, domain.Location))

	// The same seed again adds nothing.
	fp := fingerprint(t, st)
	again := generate(t, st, small(1))
	if got := tableCounts(t, st); !reflect.DeepEqual(got, counts) {
		t.Errorf("second run changed the counts: %v, then %v", counts, got)
	}
	if again.Existing != sum.Dialogues {
		t.Errorf("second run found %d dialogues already there, want %d", again.Existing, sum.Dialogues)
	}
	again.Existing, again.Elapsed, sum.Elapsed = 0, 0, 0
	if again != sum {
		t.Errorf("second run summary %+v, first %+v", again, sum)
	}
	if got := fingerprint(t, st); !reflect.DeepEqual(got, fp) {
		t.Errorf("second run changed rows: %v, then %v", fp, got)
	}

	// The same seed elsewhere gives the same data, even in two steps: up to
	// AsOf first, then the rest of the year.
	st2, _ := testenv.NewDatabase(t)
	mid := small(1)
	mid.AsOf = time.Date(2025, 7, 1, 0, 0, 0, 0, domain.Location)
	half := generate(t, st2, mid)
	if half.Dialogues == 0 || half.Pending == 0 || half.Tasks >= sum.Tasks {
		t.Errorf("half a year looks wrong: %+v", half)
	}
	checkInvariants(t, st2, mid.AsOf)
	generate(t, st2, small(1))
	if got := fingerprint(t, st2); !reflect.DeepEqual(got, fp) {
		for k := range fp {
			if got[k] != fp[k] {
				t.Errorf("seed 1 generated in two steps differs in %s", k)
			}
		}
	}

	// Another seed gives other data.
	st3, _ := testenv.NewDatabase(t)
	other := generate(t, st3, small(2))
	fp3 := fingerprint(t, st3)
	for k := range fp {
		if fp3[k] == fp[k] {
			t.Errorf("seeds 1 and 2 give the same %s", k)
		}
	}
	if other == sum {
		t.Errorf("seeds 1 and 2 give the same summary %+v", sum)
	}
}

// checkInvariants checks what the workflows guarantee on the generated rows.
func checkInvariants(t *testing.T, st *store.Store, asOf time.Time) {
	t.Helper()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, domain.Location)
	for name, q := range map[string]string{
		"held dialogues without a session": `SELECT count(*) FROM dialogues d WHERE phase IN ('session_recorded', 'closed')
			AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.dialogue_id = d.id)`,
		"sessions of dialogues not held": `SELECT count(*) FROM sessions s JOIN dialogues d ON d.id = s.dialogue_id
			WHERE d.phase NOT IN ('session_recorded', 'closed') OR s.held_at <> d.scheduled_at OR s.recorded_at < s.held_at`,
		"opinions or conclusions without a session": `SELECT count(*) FROM (SELECT dialogue_id FROM opinions UNION ALL SELECT dialogue_id FROM conclusions) x
			WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.dialogue_id = x.dialogue_id)`,
		"answers of a survey that never opened or outside its window": `SELECT count(*) FROM survey_responses r JOIN dialogues d ON d.id = r.dialogue_id
			WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.entity_id = d.id AND e.action = 'dialogue.survey_open')
			OR r.submitted_at < d.survey_opens_at OR r.submitted_at >= d.survey_closes_at`,
		"survey summaries that do not count the answers": `SELECT count(*) FROM survey_summaries s
			WHERE s.total <> (SELECT count(*) FROM survey_responses r WHERE r.dialogue_id = s.dialogue_id)`,
		"tasks not from a conclusion of their held dialogue": `SELECT count(*) FROM tasks t
			LEFT JOIN conclusions c ON c.id = t.conclusion_id LEFT JOIN sessions s ON s.dialogue_id = t.dialogue_id
			WHERE c.id IS NULL OR c.dialogue_id <> t.dialogue_id OR s.dialogue_id IS NULL OR t.assigned_at <> s.recorded_at`,
		"task versions without their event": `SELECT count(*) FROM tasks t
			WHERE t.version <> (SELECT count(*) FROM events e WHERE e.entity_type = 'task' AND e.entity_id = t.id)`,
		"overdue alerts of tasks not overdue": `SELECT count(*) FROM alerts a LEFT JOIN tasks t ON t.id = a.task_id
			WHERE a.kind = 'task_overdue' AND (t.id IS NULL OR NOT t.overdue OR a.created_at < t.due_at OR a.level NOT BETWEEN 1 AND 3
			OR a.level > t.escalation_level)`,
		"escalated tasks without the alert of their level": `SELECT count(*) FROM tasks t WHERE t.escalation_level > 0
			AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.task_id = t.id AND a.level = t.escalation_level)`,
		"late results not after the deadline": `SELECT count(*) FROM tasks WHERE submitted_at IS NOT NULL AND late <> (submitted_at > due_at)`,
		"acknowledgements before the alert":   `SELECT count(*) FROM alerts WHERE status = 'acknowledged' AND (acked_at IS NULL OR acked_at < created_at)`,
		"events outside the year":             `SELECT count(*) FROM events WHERE at < ?0 OR at > ?1`,
		"alerts outside the year":             `SELECT count(*) FROM alerts WHERE created_at < ?0 OR created_at >= ?1 OR acked_at >= ?1`,
	} {
		q = strings.NewReplacer("?0", "'"+start.Format(time.RFC3339)+"'", "?1", "'"+asOf.Format(time.RFC3339)+"'").Replace(q)
		if n := count(t, st, q); n != 0 {
			t.Errorf("%s: %d", name, n)
		}
	}
	// Each district: HeldRatio of its communes held their dialogue (those
	// whose date has passed).
	rows, err := st.DB.QueryContext(context.Background(), `
		SELECT p.name, count(*) AS communes,
		       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM dialogues d WHERE d.unit_id = c.id AND d.phase IN ('session_recorded', 'closed'))) AS held,
		       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM dialogues d WHERE d.unit_id = c.id AND d.session_due_by < ?)) AS due
		FROM units c JOIN units p ON p.id = c.parent_id WHERE c.level = 'commune' GROUP BY p.name`, asOf)
	if err != nil {
		t.Fatalf("held ratio: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var communes, held, due int
		if err := rows.Scan(&name, &communes, &held, &due); err != nil {
			t.Fatal(err)
		}
		if due == communes && math.Abs(float64(held)-gen.DefaultHeldRatio*float64(communes)) > 1 {
			t.Errorf("%s: %d of %d communes held their dialogue, want about %.0f%%", name, held, communes, 100*gen.DefaultHeldRatio)
		}
		if held > due {
			t.Errorf("%s: %d communes held a dialogue, only %d were due", name, held, due)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestOptionsRefused(t *testing.T) {
	for name, o := range map[string]gen.Options{
		"no year":          {Scale: gen.ScaleSmall},
		"unknown scale":    {Year: 2025, Scale: "city"},
		"negative":         {Year: 2025, CommunesPerDistrict: -1},
		"held ratio above": {Year: 2025, HeldRatio: 1.5},
		"beyond the map":   {Year: 2025, Scale: gen.ScaleCountry, Provinces: 35},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := gen.Generate(context.Background(), nil, o); err == nil {
				t.Errorf("Generate(%+v) accepted", o)
			}
		})
	}
}

// TestGenerateCountryProvince generates one province of the country scale
// (the catalogue's first, Hà Nội, with its 126 communes): the units carry
// the official codes and kinds under the national root, and a second run
// adds nothing.
func TestGenerateCountryProvince(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	o := gen.Options{Seed: 3, Year: 2025, Scale: gen.ScaleCountry, Provinces: 1, SurveyAnswersPerDialogue: 2, OpinionsPerDialogue: 2, TasksPerDialogue: 1}
	sum := generate(t, st, o)
	if sum.Provinces != 1 || sum.Districts != 0 || sum.Communes != 126 {
		t.Errorf("units: %d provinces, %d districts, %d communes; want Hà Nội's 1, 0, 126", sum.Provinces, sum.Districts, sum.Communes)
	}
	if n := count(t, st, "SELECT count(*) FROM units WHERE code = '01' AND kind = 'thanh_pho' AND name = 'Thành phố Hà Nội' AND parent_id IS NOT NULL"); n != 1 {
		t.Errorf("Hà Nội is not stored with its code and kind under the national root")
	}
	if n := count(t, st, "SELECT count(*) FROM units WHERE level = 'commune' AND code IS NOT NULL AND kind IN ('xa', 'phuong')"); n != 126 {
		t.Errorf("%d communes with official codes and kinds, want 126", n)
	}
	before := tableCounts(t, st)
	generate(t, st, o)
	if after := tableCounts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("a second run changed the tables: %v -> %v", before, after)
	}
}
