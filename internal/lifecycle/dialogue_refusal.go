package lifecycle

import (
	"fmt"

	"github.com/doithoai/doithoai/internal/domain"
)

// Reasons a dialogue or plan command is refused.
const (
	// ReasonDialogueCancelled: the dialogue is cancelled; it takes no command.
	ReasonDialogueCancelled = "dialogue_cancelled"
	// ReasonDialogueClosed: the dialogue's follow-up is over and it has
	// closed; it takes no command.
	ReasonDialogueClosed = "dialogue_closed"
	// ReasonSessionRecorded: the session has been recorded (no reschedule,
	// no cancellation, no second record).
	ReasonSessionRecorded = "session_recorded"
	// ReasonSurveyOpen: the survey has not closed, so the session cannot be
	// recorded yet.
	ReasonSurveyOpen = "survey_open"
	// ReasonSessionNotRecorded: tasks come from the conclusions of a
	// recorded session.
	ReasonSessionNotRecorded = "session_not_recorded"
	// ReasonFollowUpOver: the dialogue's report has been drafted; no task
	// is added any more.
	ReasonFollowUpOver = "follow_up_over"
	// ReasonTaskExists: a task with this id is already in the dialogue.
	ReasonTaskExists = "task_exists"
	// ReasonPlanClosed: the plan is over (or its year is); it takes no new
	// dialogue.
	ReasonPlanClosed = "plan_closed"
	// ReasonDialogueExists: a dialogue with this id is already in the plan.
	ReasonDialogueExists = "dialogue_exists"
)

// DialogueState is what the dialogue rules read of a dialogue's live
// state: its phase, whether it was cancelled, whether its session is
// recorded and whether its follow-up is over.
type DialogueState struct {
	Phase        string
	Cancelled    bool
	Recorded     bool
	FollowUpOver bool
}

// DialogueSettled refuses any command on a dialogue that is cancelled or
// closed; nil otherwise.
func DialogueSettled(phase string) *Refusal {
	switch phase {
	case domain.PhaseCancelled:
		return &Refusal{Reason: ReasonDialogueCancelled,
			Message:   "Hội nghị đã bị hủy, không thể thực hiện thao tác này.",
			MessageEN: "The dialogue is cancelled; no further commands are taken."}
	case domain.PhaseClosed:
		return &Refusal{Reason: ReasonDialogueClosed,
			Message:   "Hội nghị đã kết thúc, không thể thực hiện thao tác này.",
			MessageEN: "The dialogue is closed; no further commands are taken."}
	}
	return nil
}

// settled is DialogueSettled of the state (a cancelled flag counts even
// before the phase says so).
func (s DialogueState) settled() *Refusal {
	if s.Cancelled {
		return DialogueSettled(domain.PhaseCancelled)
	}
	return DialogueSettled(s.Phase)
}

func (s DialogueState) recorded() bool {
	return s.Recorded || s.Phase == domain.PhaseSessionRecorded
}

// RefuseReschedule says why the dialogue cannot be rescheduled; nil when
// it can (not settled, its session not recorded).
func (s DialogueState) RefuseReschedule() *Refusal {
	if r := s.settled(); r != nil {
		return r
	}
	if s.recorded() {
		return &Refusal{Reason: ReasonSessionRecorded,
			Message:   "Biên bản hội nghị đã được ghi nhận, không thể dời lịch hội nghị.",
			MessageEN: "The session has been recorded; the dialogue can no longer be rescheduled."}
	}
	return nil
}

// RefuseCancel says why the dialogue cannot be cancelled; nil when it can
// (not settled, its session not recorded).
func (s DialogueState) RefuseCancel() *Refusal {
	if r := s.settled(); r != nil {
		return r
	}
	if s.recorded() {
		return &Refusal{Reason: ReasonSessionRecorded,
			Message:   "Biên bản hội nghị đã được ghi nhận, không thể hủy hội nghị.",
			MessageEN: "The session has been recorded; the dialogue can no longer be cancelled."}
	}
	return nil
}

// RefuseRecordSession says why the session cannot be recorded; nil when
// it can (the survey has closed and no session is recorded yet).
func (s DialogueState) RefuseRecordSession() *Refusal {
	if r := s.settled(); r != nil {
		return r
	}
	if s.Recorded {
		return &Refusal{Reason: ReasonSessionRecorded,
			Message:   "Biên bản hội nghị đã được ghi nhận trước đó.",
			MessageEN: "The session has already been recorded."}
	}
	if s.Phase == domain.PhaseScheduled || s.Phase == domain.PhaseSurveyOpen {
		return &Refusal{Reason: ReasonSurveyOpen,
			Message:   "Chưa hết thời gian lấy ý kiến: hãy dời hội nghị sang ngày sớm hơn trước khi ghi nhận biên bản.",
			MessageEN: "The survey has not closed yet: reschedule the dialogue to an earlier date first."}
	}
	return nil
}

// RefuseAddTasks says why no task can be added; nil when the session is
// recorded and the follow-up goes on.
func (s DialogueState) RefuseAddTasks() *Refusal {
	if r := s.settled(); r != nil {
		return r
	}
	if !s.Recorded {
		return &Refusal{Reason: ReasonSessionNotRecorded,
			Message:   "Nhiệm vụ được giao theo kết luận hội nghị: hãy ghi nhận biên bản hội nghị trước.",
			MessageEN: "Tasks come from conclusions: record the session first."}
	}
	if s.FollowUpOver {
		return &Refusal{Reason: ReasonFollowUpOver,
			Message:   "Việc theo dõi kết luận của hội nghị đã kết thúc: báo cáo đã được lập.",
			MessageEN: "The follow-up of this dialogue is over: its report has been drafted."}
	}
	return nil
}

// TaskExists refuses a task whose id the dialogue already has (field names
// it in the command, e.g. "tasks[2]"); nil when exists is false.
func TaskExists(field, id string, exists bool) *Refusal {
	if !exists {
		return nil
	}
	return &Refusal{Reason: ReasonTaskExists,
		Message:   fmt.Sprintf("%s: nhiệm vụ %s đã có trong hội nghị.", field, id),
		MessageEN: fmt.Sprintf("%s: task %s already exists.", field, id)}
}

// RefuseAddDialogue says why a plan takes no dialogue: it is not open (its
// year or its run is over), or it already has a dialogue of this id; nil
// when it takes it.
func RefuseAddDialogue(planOpen, known bool) *Refusal {
	switch {
	case !planOpen:
		return &Refusal{Reason: ReasonPlanClosed,
			Message:   "Kế hoạch đã kết thúc hoặc đã hết năm, không nhận thêm hội nghị.",
			MessageEN: "The plan is over (or its year is) and takes no new dialogues."}
	case known:
		return &Refusal{Reason: ReasonDialogueExists,
			Message:   "Hội nghị với mã này đã có trong kế hoạch.",
			MessageEN: "A dialogue with this id is already in the plan."}
	}
	return nil
}
