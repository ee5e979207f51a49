package web

import (
	"strings"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// What the plan and dialogue pages show of the API's answers: the
// contract's types, with the few methods templates call.

// plnDialogue is a dialogue in a plan's calendar or on its own page.
type plnDialogue struct{ contract.DialogueSummary }

// plnDialogues wraps a plan's dialogues for its page.
func plnDialogues(ds []contract.DialogueSummary) []plnDialogue {
	out := make([]plnDialogue, len(ds))
	for i, d := range ds {
		out[i] = plnDialogue{d}
	}
	return out
}

// PhaseClass is the badge class of the dialogue's phase.
func (d plnDialogue) PhaseClass() string { return plnPhaseClass(d.Phase) }

// HostsText lists the hosts with their titles.
func (d plnDialogue) HostsText() string {
	parts := make([]string, 0, len(d.Hosts))
	for _, h := range d.Hosts {
		if h.Title != "" {
			parts = append(parts, h.Name+" ("+h.Title+")")
		} else {
			parts = append(parts, h.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// GroupsText lists the invited groups.
func (d plnDialogue) GroupsText() string { return strings.Join(d.InvitedGroups, "; ") }

// Day is the day of the month (Vietnam time).
func (d plnDialogue) Day() int { return d.ScheduledAt.In(domain.Location).Day() }

// Open says whether the dialogue may still be rescheduled or cancelled.
func (d plnDialogue) Open() bool {
	switch d.Phase {
	case domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession:
		return true
	}
	return false
}

// plnPlanPage is a plan on its page: the record and its dialogues.
type plnPlanPage struct {
	contract.PlanView
	Dialogues []plnDialogue
}

// dlgView is GET /dialogues/{id} as the dialogue's page shows it.
type dlgView struct {
	plnDialogue
	Session       *store.SessionRecord
	SurveySummary *store.SurveySummary
	Notifications []plnNotification
	SurveyLink    *contract.SurveyLink
}

func dlgViewOf(dv contract.DialogueView) dlgView {
	out := dlgView{plnDialogue: plnDialogue{dv.DialogueSummary}, Session: dv.Session, SurveySummary: dv.SurveySummary, SurveyLink: dv.SurveyLink}
	for _, n := range dv.Notifications {
		out.Notifications = append(out.Notifications, plnNotification{n})
	}
	return out
}

// plnNotification is a notice sent about a dialogue.
type plnNotification struct{ store.Notification }

// Subj is the subject in the page language.
func (n plnNotification) Subj(lang string) string {
	if lang == "en" && n.SubjectEN != "" {
		return n.SubjectEN
	}
	return n.SubjectVI
}

// plnTask is a follow-up task in a dialogue's list.
type plnTask struct{ store.Task }

// StatusClass is the badge class of the task's status.
func (t plnTask) StatusClass() string {
	switch t.Status {
	case "done":
		return "ok"
	case "submitted":
		return "warn"
	}
	return ""
}
