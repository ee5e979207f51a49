package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/doithoai/doithoai/internal/isoduration"
)

// policyJSON is the wire and storage form of Policy: ISO 8601 durations.
type policyJSON struct {
	SurveyLead   string `json:"survey_lead"`
	SurveyClose  string `json:"survey_close"`
	SessionGrace string `json:"session_grace"`
}

// MarshalJSON writes the policy with ISO 8601 durations ("P14D").
func (p Policy) MarshalJSON() ([]byte, error) {
	return json.Marshal(policyJSON{
		SurveyLead:   isoduration.Format(p.SurveyLead),
		SurveyClose:  isoduration.Format(p.SurveyClose),
		SessionGrace: isoduration.Format(p.SessionGrace),
	})
}

// UnmarshalJSON reads a policy written by MarshalJSON; absent fields keep
// the defaults.
func (p *Policy) UnmarshalJSON(b []byte) error {
	var raw policyJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("decode policy: %w", err)
	}
	*p = DefaultPolicy()
	for _, f := range []struct {
		s   string
		dst *time.Duration
	}{{raw.SurveyLead, &p.SurveyLead}, {raw.SurveyClose, &p.SurveyClose}, {raw.SessionGrace, &p.SessionGrace}} {
		if f.s == "" {
			continue
		}
		d, err := isoduration.Parse(f.s)
		if err != nil {
			return fmt.Errorf("decode policy: %w", err)
		}
		*f.dst = d
	}
	return nil
}
