package contract

import (
	"github.com/doithoai/doithoai/internal/store"
)

// CreateUnitRequest is the body of POST /units.
type CreateUnitRequest struct {
	Name  string `json:"name"`
	Level string `json:"level"`
	// Kind is the official kind, checked against the level (optional).
	Kind     string  `json:"kind"`
	ParentID *string `json:"parent_id"`
	Code     *string `json:"code"`
}

// UnitView is a unit with, on GET /units/{id}, its children.
type UnitView struct {
	store.Unit
	Children []store.Unit `json:"children"`
}

// MergerRequest is the body of POST /units/mergers: the source units merge
// into the successor from EffectiveAt, by the resolution Reference.
type MergerRequest struct {
	SuccessorID string    `json:"successor_id"`
	SourceIDs   []string  `json:"source_ids"`
	EffectiveAt Timestamp `json:"effective_at"`
	Reference   string    `json:"reference"`
}

// MergerView is a recorded merger with what moved to the successor.
type MergerView struct {
	store.Merger
	// MovedDialogues and MovedTasks count the open dialogues and tasks of
	// the sources now under the successor (all of them, on a repeat).
	MovedDialogues int `json:"moved_dialogues"`
	MovedTasks     int `json:"moved_tasks"`
}
