package contract

import "time"

// PublicReceipt answers GET /public/receipts/{code}: what became of the
// opinion a receipt stands for. It holds no person's name or contact, no
// token and no internal id; only units, agencies and official titles.
type PublicReceipt struct {
	// Receipt is the code as people read it (XXXX-XXXX-XXXX).
	Receipt string `json:"receipt"`
	// Kind is survey_answer or floor_opinion.
	Kind  string `json:"kind"`
	Field string `json:"field"`
	// Content is the opinion as its author wrote it (or as the session
	// recorded it, for one raised from the floor).
	Content     string         `json:"content"`
	SubmittedAt time.Time      `json:"submitted_at"`
	Dialogue    PublicDialogue `json:"dialogue"`
	// Status is what became of it: received (the session is still to
	// come), not_taken_up (the session did not link it to an opinion),
	// answered_on_spot, led_to_task, result_accepted, open, or
	// dialogue_cancelled.
	Status string `json:"status"`
	// StatusText words Status in Vietnamese and English.
	StatusText   string          `json:"status_text"`
	StatusTextEN string          `json:"status_text_en"`
	Opinions     []PublicOpinion `json:"opinions"`
	// CanRate says the holder may rate the answer or result now.
	CanRate bool          `json:"can_rate"`
	Rating  *PublicRating `json:"rating,omitempty"`
}

// PublicDialogue is a dialogue as the public sees it. Conclusions and
// Outcomes are filled on a published dialogue's page only.
type PublicDialogue struct {
	Title       string     `json:"title"`
	UnitName    string     `json:"unit_name"`
	Kind        string     `json:"kind"`
	Topic       string     `json:"topic,omitempty"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	Place       string     `json:"place"`
	Phase       string     `json:"phase"`
	HeldAt      *time.Time `json:"held_at,omitempty"`
	// PublicCode names the dialogue's public page, when it is published.
	PublicCode  string             `json:"public_code,omitempty"`
	Attendance  *int               `json:"attendance,omitempty"`
	Outcomes    map[string]int     `json:"outcomes,omitempty"`
	Conclusions []PublicConclusion `json:"conclusions,omitempty"`
}

// PublicOpinion is an opinion of the session a receipt leads to.
type PublicOpinion struct {
	Seq            int                `json:"seq"`
	Content        string             `json:"content"`
	Outcome        string             `json:"outcome"`
	AnsweredOnSpot bool               `json:"answered_on_spot"`
	Answer         string             `json:"answer,omitempty"`
	Conclusions    []PublicConclusion `json:"conclusions"`
}

// PublicConclusion is one of the chair's conclusions with its tasks.
type PublicConclusion struct {
	Seq     int          `json:"seq"`
	Content string       `json:"content"`
	Tasks   []PublicTask `json:"tasks"`
}

// PublicTask is what anyone may see of a task: the assigned agency and
// unit, never an officer's name.
type PublicTask struct {
	Title    string        `json:"title"`
	Agency   string        `json:"agency"`
	UnitName string        `json:"unit_name"`
	Status   string        `json:"status"`
	DueAt    time.Time     `json:"due_at"`
	Overdue  bool          `json:"overdue"`
	Result   *PublicResult `json:"result,omitempty"`
}

// PublicResult is an accepted result: its text and when it was accepted.
type PublicResult struct {
	Text       string    `json:"text"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// PublicRating is the holder's rating, once given.
type PublicRating struct {
	Satisfied bool      `json:"satisfied"`
	Comment   string    `json:"comment,omitempty"`
	RatedAt   time.Time `json:"rated_at"`
}

// RatingRequest is the body of POST /public/receipts/{code}/rating.
type RatingRequest struct {
	Satisfied *bool  `json:"satisfied"`
	Comment   string `json:"comment"`
}

// PublishRequest is the body of POST /dialogues/{id}/publish.
type PublishRequest struct {
	Published *bool `json:"published"`
}

// RemarkRequest is the body of POST /tasks/{id}/remarks.
type RemarkRequest struct {
	Content string `json:"content"`
}
