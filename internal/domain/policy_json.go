package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/doithoai/doithoai/internal/isoduration"
)

// policyJSON is the wire and storage form of Policy: ISO 8601 durations.
type policyJSON struct {
	SurveyLead          string     `json:"survey_lead"`
	SurveyClose         string     `json:"survey_close"`
	SessionGrace        string     `json:"session_grace"`
	SupervisionWithin   string     `json:"supervision_within,omitempty"`
	DeliveryWithin      string     `json:"delivery_within,omitempty"`
	ReminderWorkingDays []int      `json:"reminder_working_days"`
	ReminderOffsets     []string   `json:"reminder_offsets,omitempty"`
	Escalation          []stepJSON `json:"escalation"`
}

type stepJSON struct {
	AfterWorkingDays int      `json:"after_working_days"`
	After            string   `json:"after,omitempty"`
	Recipients       []string `json:"recipients"`
}

// MarshalJSON writes the policy with ISO 8601 durations ("P14D").
func (p Policy) MarshalJSON() ([]byte, error) {
	out := policyJSON{
		SurveyLead:          isoduration.Format(p.SurveyLead),
		SurveyClose:         isoduration.Format(p.SurveyClose),
		SessionGrace:        isoduration.Format(p.SessionGrace),
		ReminderWorkingDays: p.ReminderWorkingDays,
		Escalation:          []stepJSON{},
	}
	if p.SupervisionWithin > 0 {
		out.SupervisionWithin = isoduration.Format(p.SupervisionWithin)
	}
	if p.DeliveryWithin > 0 {
		out.DeliveryWithin = isoduration.Format(p.DeliveryWithin)
	}
	if out.ReminderWorkingDays == nil {
		out.ReminderWorkingDays = []int{}
	}
	for _, o := range p.ReminderOffsets {
		out.ReminderOffsets = append(out.ReminderOffsets, isoduration.Format(o))
	}
	for _, st := range p.Escalation {
		sj := stepJSON{AfterWorkingDays: st.AfterWorkingDays, Recipients: st.Recipients}
		if st.After > 0 {
			sj.After = isoduration.Format(st.After)
		}
		out.Escalation = append(out.Escalation, sj)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a policy written by MarshalJSON; absent fields keep
// the defaults.
func (p *Policy) UnmarshalJSON(b []byte) error {
	var raw policyJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("decode policy: %w", err)
	}
	*p = DefaultPolicy()
	var present map[string]json.RawMessage
	_ = json.Unmarshal(b, &present)
	if _, ok := present["reminder_working_days"]; ok {
		p.ReminderWorkingDays = raw.ReminderWorkingDays
	}
	if _, ok := present["escalation"]; ok {
		p.Escalation = nil
		for _, sj := range raw.Escalation {
			st := EscalationStep{AfterWorkingDays: sj.AfterWorkingDays, Recipients: sj.Recipients}
			if sj.After != "" {
				d, err := isoduration.Parse(sj.After)
				if err != nil {
					return fmt.Errorf("decode policy escalation: %w", err)
				}
				st.After = d
			}
			p.Escalation = append(p.Escalation, st)
		}
	}
	for _, o := range raw.ReminderOffsets {
		d, err := isoduration.Parse(o)
		if err != nil {
			return fmt.Errorf("decode policy reminders: %w", err)
		}
		p.ReminderOffsets = append(p.ReminderOffsets, d)
	}
	for _, f := range []struct {
		s   string
		dst *time.Duration
	}{{raw.SurveyLead, &p.SurveyLead}, {raw.SurveyClose, &p.SurveyClose}, {raw.SessionGrace, &p.SessionGrace}, {raw.SupervisionWithin, &p.SupervisionWithin}, {raw.DeliveryWithin, &p.DeliveryWithin}} {
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
