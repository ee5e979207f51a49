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
