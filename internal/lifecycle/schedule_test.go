package lifecycle

import (
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, domain.Location)
}

func TestComputeSchedule(t *testing.T) {
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pol := domain.DefaultPolicy()
	cases := []struct {
		name      string
		in        ScheduleInput
		due       time.Time
		reminders []time.Time
		steps     []time.Time
	}{
		{
			name: "five working days across Tết 2027",
			in:   ScheduleInput{AssignedAt: at(2027, 2, 3, 10, 0), DueInWorkingDays: 5, Policy: pol},
			due:  at(2027, 2, 17, 17, 0),
			// 3 and 1 working days before 17 Feb: 12 Feb (Fri) and 16 Feb (Tue).
			reminders: []time.Time{at(2027, 2, 12, 8, 0), at(2027, 2, 16, 8, 0)},
			// +3 working days: 22 Feb; +10: 3 March.
			steps: []time.Time{at(2027, 2, 17, 17, 0), at(2027, 2, 22, 17, 0), at(2027, 3, 3, 17, 0)},
		},
		{
			name: "over the 30/4 – 1/5 holidays of 2026",
			in:   ScheduleInput{AssignedAt: at(2026, 4, 27, 9, 0), DueInWorkingDays: 3, Policy: pol},
			// 27 Apr +3 working days: 28, 29, then 30/4 and 1/5 off, 4 May.
			due: at(2026, 5, 4, 17, 0),
			// 3 working days before is 27 Apr 08:00, before the assignment: dropped.
			reminders: []time.Time{at(2026, 4, 29, 8, 0)},
			steps:     nil,
		},
		{
			name:      "exact offsets for tests",
			in:        ScheduleInput{AssignedAt: at(2026, 6, 1, 9, 0), DueAt: ptr(at(2026, 6, 1, 9, 0).Add(10 * time.Second)), Policy: domain.Policy{ReminderOffsets: []time.Duration{5 * time.Second, 20 * time.Second}, Escalation: []domain.EscalationStep{{Recipients: []string{"assignee"}}, {After: 3 * time.Second, Recipients: []string{"mttq"}}}}},
			due:       at(2026, 6, 1, 9, 0).Add(10 * time.Second),
			reminders: []time.Time{at(2026, 6, 1, 9, 0).Add(5 * time.Second)}, // 20 s before is before the assignment
			steps:     []time.Time{at(2026, 6, 1, 9, 0).Add(10 * time.Second), at(2026, 6, 1, 9, 0).Add(13 * time.Second)},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ComputeSchedule(cal, c.in)
			if !s.DueAt.Equal(c.due) {
				t.Errorf("due %v, want %v", s.DueAt.In(domain.Location), c.due)
			}
			if len(s.Reminders) != len(c.reminders) {
				t.Fatalf("reminders %v, want %v", s.Reminders, c.reminders)
			}
			for i, r := range s.Reminders {
				if !r.At.Equal(c.reminders[i]) {
					t.Errorf("reminder %d at %v, want %v", i, r.At.In(domain.Location), c.reminders[i])
				}
				if c.in.Policy.ReminderOffsets == nil && !cal.IsWorkingDay(r.At) {
					t.Errorf("reminder on a day off: %v", r.At)
				}
			}
			if c.steps != nil {
				if len(s.Steps) != len(c.steps) {
					t.Fatalf("steps %v", s.Steps)
				}
				for i, st := range s.Steps {
					if !st.At.Equal(c.steps[i]) || st.Level != i+1 {
						t.Errorf("step %d: level %d at %v, want %v", i, st.Level, st.At.In(domain.Location), c.steps[i])
					}
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
