package lifecycle

import (
	"fmt"

	"github.com/doithoai/doithoai/internal/domain"
)

// Refusal is a command a lifecycle rule refuses in the state it finds: a
// stable reason code and its message in Vietnamese and English. Whoever
// finds it — the API on the stored record, or a workflow's Update validator
// on the live state — answers with these words, so the client gets the same
// code and text whichever answered (the API: 409 state_conflict, the
// reason in details.reason).
type Refusal struct {
	Reason    string `json:"reason"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

func (r *Refusal) Error() string { return r.Reason + ": " + r.MessageEN }

// Reasons a task command is refused.
const (
	// ReasonTaskSettled: the task is done or cancelled; it takes no command.
	ReasonTaskSettled = "task_settled"
	// ReasonResultPending: a result waits for review (no second result, no
	// extension request meanwhile).
	ReasonResultPending = "result_pending"
	// ReasonNoResult: there is no result to review.
	ReasonNoResult = "no_result_to_review"
	// ReasonExtensionPending: an extension request already waits for a
	// decision.
	ReasonExtensionPending = "extension_pending"
	// ReasonNoExtension: there is no extension request to decide.
	ReasonNoExtension = "no_pending_extension"
	// ReasonTaskState: the task is in a state the command does not fit.
	ReasonTaskState = "task_state"
)

// taskStatusVI names the task statuses in Vietnamese.
var taskStatusVI = map[string]string{
	domain.TaskAssigned:   "mới giao",
	domain.TaskInProgress: "đang thực hiện",
	domain.TaskSubmitted:  "chờ nghiệm thu",
	domain.TaskDone:       "đã hoàn thành",
	domain.TaskCancelled:  "đã hủy",
}

// TaskStatusSettled reports whether a task in status is done or cancelled.
func TaskStatusSettled(status string) bool {
	return status == domain.TaskDone || status == domain.TaskCancelled
}

// TaskSettled refuses any command on a task in status when it has settled
// (done or cancelled); nil otherwise. It is the one rule, with the one
// wording, whether the task's record or its workflow says so.
func TaskSettled(status string) *Refusal {
	if !TaskStatusSettled(status) {
		return nil
	}
	return &Refusal{Reason: ReasonTaskSettled,
		Message:   fmt.Sprintf("Nhiệm vụ đã kết thúc (%s), không thể thực hiện thao tác này.", taskStatusVI[status]),
		MessageEN: fmt.Sprintf("The task is %s; no further commands are taken.", status)}
}

func resultPending() *Refusal {
	return &Refusal{Reason: ReasonResultPending,
		Message:   "Kết quả đã được gửi và đang chờ nghiệm thu, không thể thực hiện thao tác này.",
		MessageEN: "A result has been submitted and waits for review; this command is not taken meanwhile."}
}

func taskState(status string) *Refusal {
	vi := taskStatusVI[status]
	if vi == "" {
		vi = status
	}
	return &Refusal{Reason: ReasonTaskState,
		Message:   fmt.Sprintf("Nhiệm vụ đang ở trạng thái %s, không thể thực hiện thao tác này.", vi),
		MessageEN: fmt.Sprintf("The task is %s; this command does not fit.", status)}
}

// open refuses a command that needs the task assigned or in progress.
func (s TaskState) open() *Refusal {
	switch s.Status {
	case domain.TaskAssigned, domain.TaskInProgress:
		return nil
	case domain.TaskSubmitted:
		return resultPending()
	}
	if r := TaskSettled(s.Status); r != nil {
		return r
	}
	return taskState(s.Status)
}

// RefuseSubmit says why a result cannot be submitted now; nil when it can
// (the task is assigned or in progress).
func (s TaskState) RefuseSubmit() *Refusal {
	return s.open()
}

// RefuseReview says why the result cannot be reviewed now; nil when one
// waits for review.
func (s TaskState) RefuseReview() *Refusal {
	if r := TaskSettled(s.Status); r != nil {
		return r
	}
	if s.Status != domain.TaskSubmitted {
		return &Refusal{Reason: ReasonNoResult,
			Message:   "Chưa có kết quả nào chờ nghiệm thu.",
			MessageEN: "There is no result waiting for review."}
	}
	return nil
}

// RefuseExtensionRequest says why an extension cannot be asked for now;
// nil when it can (the task is open and no request is pending).
func (s TaskState) RefuseExtensionRequest() *Refusal {
	if r := s.open(); r != nil {
		return r
	}
	if s.Extension != nil && s.Extension.Status == ExtensionPending {
		return &Refusal{Reason: ReasonExtensionPending,
			Message:   "Đã có đề nghị gia hạn đang chờ quyết định.",
			MessageEN: "An extension request already waits for a decision."}
	}
	return nil
}

// RefuseExtensionDecision says why no extension can be decided now; nil
// when a request is pending on a task that has not settled.
func (s TaskState) RefuseExtensionDecision() *Refusal {
	if r := TaskSettled(s.Status); r != nil {
		return r
	}
	if s.Extension == nil || s.Extension.Status != ExtensionPending {
		return &Refusal{Reason: ReasonNoExtension,
			Message:   "Không có đề nghị gia hạn nào đang chờ quyết định.",
			MessageEN: "There is no pending extension request."}
	}
	return nil
}

// RefuseReassign says why the task cannot be reassigned; nil unless it
// has settled.
func (s TaskState) RefuseReassign() *Refusal {
	return TaskSettled(s.Status)
}

// RefuseCancel says why the task cannot be cancelled; nil unless it has
// settled.
func (s TaskState) RefuseCancel() *Refusal {
	return TaskSettled(s.Status)
}
