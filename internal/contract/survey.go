package contract

// SurveyAnswer is one survey answer as sent by a client. ID is optional: a
// client that sets it can resend a batch safely (known ids are skipped).
type SurveyAnswer struct {
	ID              string `json:"id"`
	Field           string `json:"field"`
	Content         string `json:"content"`
	RespondentName  string `json:"respondent_name"`
	RespondentGroup string `json:"respondent_group"`
	// Contact is an optional way to tell the respondent when the answer or
	// the result is published: public link only, with consent.
	Contact *RespondentContact `json:"contact"`
}

// RespondentContact is a respondent's contact and their consent to its use.
type RespondentContact struct {
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Consent bool   `json:"consent"`
}

// SurveyBatch is the batch form of POST /dialogues/{id}/survey/responses.
type SurveyBatch struct {
	Responses []SurveyAnswer `json:"responses"`
}

// SurveyAccepted answers POST /dialogues/{id}/survey/responses.
type SurveyAccepted struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	// Receipt is the code of an answer sent through the public link
	// (XXXX-XXXX-XXXX), for the respondent to follow it; the same for a
	// resent answer.
	Receipt string `json:"receipt,omitempty"`
}
