package lifecycle

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

func TestValidateDialogueSpec(t *testing.T) {
	at := time.Date(2026, 3, 15, 8, 0, 0, 0, domain.Location)
	ok := domain.DialogueSpec{ID: "d1", Kind: domain.KindPeriodic, ScheduledAt: at, Hosts: []domain.Host{{Name: "Bí thư"}}}
	with := func(f func(*domain.DialogueSpec)) domain.DialogueSpec { d := ok; f(&d); return d }
	cases := []struct {
		name string
		d    domain.DialogueSpec
		want []string
	}{
		{"valid", ok, nil},
		{"empty", domain.DialogueSpec{}, []string{"id required", "scheduled_at required", "kind required", "hosts host_required"}},
		{"other year", with(func(d *domain.DialogueSpec) { d.ScheduledAt = at.AddDate(1, 0, 0) }), []string{"scheduled_at outside_plan_year"}},
		{"thematic without topic", with(func(d *domain.DialogueSpec) { d.Kind = domain.KindThematic; d.Topic = " " }), []string{"topic topic_required"}},
		{"unknown kind", with(func(d *domain.DialogueSpec) { d.Kind = "tv" }), []string{"kind invalid_enum"}},
		{"hosts and texts", with(func(d *domain.DialogueSpec) {
			d.Hosts = []domain.Host{{Name: ""}, {Name: "x", Title: strings.Repeat("t", 201)}}
			d.Place = strings.Repeat("p", 501)
			d.InvitedGroups = []string{" "}
		}), []string{"hosts[0].name required", "hosts[1].title too_long", "place too_long", "invited_groups[0] required"}},
	}
	for _, c := range cases {
		if got := codes(ValidateDialogueSpec(c.d, 2026)); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestValidateTaskSpec(t *testing.T) {
	now := time.Date(2026, 3, 15, 8, 0, 0, 0, domain.Location)
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	ok := domain.TaskSpec{ID: "t1", Title: "Thu gom rác", Assignee: domain.Assignee{Agency: "UBND"}, DueInWorkingDays: 5}
	with := func(f func(*domain.TaskSpec)) domain.TaskSpec { s := ok; f(&s); return s }
	cases := []struct {
		name string
		t    domain.TaskSpec
		want []string
	}{
		{"valid", ok, nil},
		{"valid instant", with(func(s *domain.TaskSpec) { s.DueInWorkingDays, s.DueAt = 0, &future }), nil},
		{"empty", domain.TaskSpec{}, []string{"id required", "title required", "assignee.agency required", "due_at deadline_required"}},
		{"both deadlines", with(func(s *domain.TaskSpec) { s.DueAt = &future }), []string{"due_at deadline_ambiguous"}},
		{"past", with(func(s *domain.TaskSpec) { s.DueInWorkingDays, s.DueAt = 0, &past }), []string{"due_at in_past"}},
		{"too far", with(func(s *domain.TaskSpec) { s.DueInWorkingDays = 366 }), []string{"due_in_working_days out_of_range"}},
	}
	for _, c := range cases {
		if got := codes(ValidateTaskSpec(c.t, now)); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestValidateSession(t *testing.T) {
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, domain.Location)
	task := domain.TaskSpec{ID: "t1", Title: "x", Assignee: domain.Assignee{Agency: "UBND"}, DueInWorkingDays: 5}
	ok := domain.Session{HeldAt: now.Add(-time.Hour), Attendance: domain.Attendance{Total: 120},
		Opinions:    []domain.Opinion{{Field: "đất đai", Content: "…", Source: domain.SourceFloor}},
		Conclusions: []domain.Conclusion{{ID: "c1", Content: "…", Tasks: []domain.TaskSpec{task}}}}
	if errs := ValidateSession(ok, now); errs != nil {
		t.Errorf("valid session: %v", errs)
	}
	bad := ok
	bad.HeldAt = now.Add(2 * time.Hour)
	bad.Attendance = domain.Attendance{Total: -1, Groups: map[string]int{"b": -2, "a": 1}}
	bad.Opinions = []domain.Opinion{{Source: "tv"}}
	noTitle := task
	noTitle.Title = ""
	bad.Conclusions = []domain.Conclusion{{ID: "c1", Content: "…", Tasks: []domain.TaskSpec{task}}, {ID: "c1", Tasks: []domain.TaskSpec{noTitle}}}
	want := []string{"held_at in_future", "attendance.total out_of_range", "attendance.groups.b out_of_range",
		"opinions[0].field required", "opinions[0].content required", "opinions[0].source invalid_enum",
		"conclusions[1].id duplicate", "conclusions[1].content required", "conclusions[1].tasks[0].id duplicate", "conclusions[1].tasks[0].title required"}
	if got := codes(ValidateSession(bad, now)); !slices.Equal(got, want) {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
	if err := Err(ValidateSession(domain.Session{}, now)); err == nil || !strings.Contains(err.Error(), "held_at: This field is required") {
		t.Errorf("Err: %v", err)
	}
}
