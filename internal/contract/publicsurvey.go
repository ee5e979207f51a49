package contract

import (
	"time"
)

// PublicSurvey is what a respondent sees of a dialogue through its link.
type PublicSurvey struct {
	UnitName      string    `json:"unit_name"`
	Title         string    `json:"title"`
	Kind          string    `json:"kind"`
	Topic         string    `json:"topic,omitempty"`
	ScheduledAt   time.Time `json:"scheduled_at"`
	Place         string    `json:"place"`
	InvitedGroups []string  `json:"invited_groups"`
	OpensAt       time.Time `json:"opens_at"`
	ClosesAt      time.Time `json:"closes_at"`
	// Fields are the fields (lĩnh vực) a respondent chooses from.
	Fields []string `json:"fields"`
}
