package contract

// AssessmentRequest is the body of PUT /reports/{id}/assessment.
type AssessmentRequest struct {
	Assessment *string `json:"assessment"`
}
