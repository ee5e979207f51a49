package contract

// Error is the JSON body of every error response: a stable code, a
// Vietnamese message, its English version, and the fields at fault.
type Error struct {
	Status    int            `json:"-"`
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	MessageEN string         `json:"message_en"`
	Fields    []FieldError   `json:"fields,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// FieldError names one field at fault.
type FieldError struct {
	Field     string `json:"field"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

func (e *Error) Error() string { return e.Code + ": " + e.MessageEN }

// Msg is the message in lang: English for "en" when there is one,
// Vietnamese otherwise.
func (e *Error) Msg(lang string) string {
	if lang == "en" && e.MessageEN != "" {
		return e.MessageEN
	}
	return e.Message
}

func (f *FieldError) Error() string { return f.Field + ": " + f.Code }

// Msg is the field's message in lang: English for "en" when there is one,
// Vietnamese otherwise.
func (f *FieldError) Msg(lang string) string {
	if lang == "en" && f.MessageEN != "" {
		return f.MessageEN
	}
	return f.Message
}
