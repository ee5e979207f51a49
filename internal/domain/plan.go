package domain

// PlanSpec is an annual plan as issued: the unit that issues it, its year,
// reference number and issuing body, its timing policy and the dialogues it
// schedules. The plan workflow starts from it and the plan's records are
// written from it.
type PlanSpec struct {
	PlanID      string         `json:"plan_id"`
	UnitID      string         `json:"unit_id"`
	Year        int            `json:"year"`
	ReferenceNo string         `json:"reference_no"`
	IssuingBody string         `json:"issuing_body"`
	Title       string         `json:"title,omitempty"`
	Policy      Policy         `json:"policy"`
	Dialogues   []DialogueSpec `json:"dialogues"`
}
