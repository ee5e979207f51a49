package lifecycle

import (
	"fmt"
	"time"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
)

// ScheduleInput asks for a task's deadline, reminders and ladder.
type ScheduleInput struct {
	AssignedAt       time.Time     `json:"assigned_at"`
	DueAt            *time.Time    `json:"due_at,omitempty"`
	DueInWorkingDays int           `json:"due_in_working_days,omitempty"`
	Policy           domain.Policy `json:"policy"`
}

// ScheduledReminder is a reminder at an instant.
type ScheduledReminder struct {
	At      time.Time `json:"at"`
	Label   string    `json:"label"`
	LabelEN string    `json:"label_en"`
}

// ScheduledStep is a rung of the ladder at an instant.
type ScheduledStep struct {
	Level      int       `json:"level"`
	At         time.Time `json:"at"`
	Recipients []string  `json:"recipients"`
}

// TaskSchedule is a task's timetable, computed with the working-day
// calendar outside workflow code (so a change of the holiday file never
// changes a replay).
type TaskSchedule struct {
	DueAt     time.Time           `json:"due_at"`
	Reminders []ScheduledReminder `json:"reminders"`
	Steps     []ScheduledStep     `json:"steps"`
}

// startOfWorkday is when reminders counted in working days go out.
const startOfWorkday = 8 * time.Hour

// ComputeSchedule computes a task's timetable: the deadline (an instant, or
// N working days from assignment at close of day), the reminders before it
// (only on working days, or exact offsets), and the escalation ladder after
// it (a rung never fires before the one below it).
func ComputeSchedule(cal *calendar.Calendar, in ScheduleInput) TaskSchedule {
	var due time.Time
	if in.DueAt != nil {
		due = *in.DueAt
	} else {
		due = cal.AddWorkingDays(in.AssignedAt, in.DueInWorkingDays)
	}
	return TaskSchedule{DueAt: due, Reminders: reminders(cal, in, due), Steps: ladder(cal, in.Policy.Escalation, due)}
}

// reminders lists the reminders before due, in time order: exact offsets
// when the policy has them, else working days before the deadline at the
// start of the working day; none before the assignment.
func reminders(cal *calendar.Calendar, in ScheduleInput, due time.Time) []ScheduledReminder {
	rs := []ScheduledReminder{}
	if len(in.Policy.ReminderOffsets) > 0 {
		for _, off := range in.Policy.ReminderOffsets {
			at := due.Add(-off)
			if at.After(in.AssignedAt) {
				rs = append(rs, ScheduledReminder{At: at, Label: "sắp đến hạn", LabelEN: "deadline approaching"})
			}
		}
	} else {
		for _, n := range in.Policy.ReminderWorkingDays {
			if n <= 0 {
				continue
			}
			day := cal.SubWorkingDays(due, n).In(cal.Location())
			at := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, cal.Location()).Add(startOfWorkday)
			if at.After(in.AssignedAt) && at.Before(due) {
				rs = append(rs, ScheduledReminder{At: at,
					Label: fmt.Sprintf("còn %d ngày làm việc", n), LabelEN: fmt.Sprintf("%d working days left", n)})
			}
		}
	}
	sortReminders(rs)
	return rs
}

// ladder places each rung after the deadline; the ladder only climbs.
func ladder(cal *calendar.Calendar, steps []domain.EscalationStep, due time.Time) []ScheduledStep {
	out := []ScheduledStep{}
	prev := due
	for i, st := range steps {
		var at time.Time
		switch {
		case st.After > 0:
			at = due.Add(st.After)
		case st.AfterWorkingDays > 0:
			at = cal.AddWorkingDays(due, st.AfterWorkingDays)
		default:
			at = due
		}
		if at.Before(prev) {
			at = prev
		}
		prev = at
		out = append(out, ScheduledStep{Level: i + 1, At: at, Recipients: append([]string{}, st.Recipients...)})
	}
	return out
}

func sortReminders(rs []ScheduledReminder) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].At.Before(rs[j-1].At); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}
