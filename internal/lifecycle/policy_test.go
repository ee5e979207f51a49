package lifecycle

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

func codes(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field + " " + e.Code
		if e.Message == "" || e.MessageEN == "" {
			out[i] += " (no message)"
		}
	}
	return out
}

func TestValidatePolicy(t *testing.T) {
	day := 24 * time.Hour
	with := func(f func(*domain.Policy)) domain.Policy { p := domain.DefaultPolicy(); f(&p); return p }
	cases := []struct {
		name string
		p    domain.Policy
		want []string
	}{
		{"default", domain.DefaultPolicy(), nil},
		{"window empty", with(func(p *domain.Policy) { p.SurveyLead, p.SurveyClose = 3*day, 5*day }), []string{"policy.survey_close survey_window_empty"}},
		{"window equal", with(func(p *domain.Policy) { p.SurveyClose = p.SurveyLead }), []string{"policy.survey_close survey_window_empty"}},
		{"survey closes after the session", with(func(p *domain.Policy) { p.SurveyClose = -time.Hour }), []string{"policy.survey_close survey_after_session"}},
		{"negative lead: the default stands in", with(func(p *domain.Policy) { p.SurveyLead, p.SurveyClose = -time.Hour, 20*day }),
			[]string{"policy.survey_lead out_of_range", "policy.survey_close survey_window_empty"}},
		{"reminders", with(func(p *domain.Policy) {
			p.ReminderWorkingDays = []int{0, 61, 3}
			p.ReminderOffsets = []time.Duration{0, -time.Second}
		}),
			[]string{"policy.reminder_working_days[0] out_of_range", "policy.reminder_working_days[1] out_of_range", "policy.reminder_offsets[1] out_of_range"}},
		{"too many", with(func(p *domain.Policy) {
			p.ReminderWorkingDays = slices.Repeat([]int{1}, 11)
			p.Escalation = slices.Repeat([]domain.EscalationStep{{Recipients: []string{RecipientMTTQ}}}, 11)
		}), []string{"policy.reminder_working_days too_many", "policy.escalation too_many"}},
		{"rungs", with(func(p *domain.Policy) {
			p.Escalation = []domain.EscalationStep{
				{AfterWorkingDays: 121, Recipients: []string{RecipientAssignee}},
				{AfterWorkingDays: 2, After: -time.Hour, Recipients: []string{"host", RecipientMonitor}},
				{},
			}
		}), []string{"policy.escalation[0].after_working_days out_of_range", "policy.escalation[1].after out_of_range",
			"policy.escalation[1].after ambiguous", "policy.escalation[1].recipients[0] invalid_enum", "policy.escalation[2].recipients required"}},
	}
	for _, c := range cases {
		if got := codes(ValidatePolicy(c.p)); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestRecipientMessageNamesEveryKind(t *testing.T) {
	errs := ValidatePolicy(domain.Policy{SurveyLead: time.Hour, Escalation: []domain.EscalationStep{{Recipients: []string{"x"}}}})
	if len(errs) != 1 {
		t.Fatalf("%v", errs)
	}
	want := "Người nhận phải là assignee, monitor, mttq, parent_mttq hoặc parent_party_committee."
	wantEN := "Recipients are assignee, monitor, mttq, parent_mttq or parent_party_committee."
	if errs[0].Message != want || errs[0].MessageEN != wantEN {
		t.Errorf("%q / %q", errs[0].Message, errs[0].MessageEN)
	}
	for _, k := range RecipientNames() {
		if !strings.Contains(errs[0].MessageEN, k) {
			t.Errorf("message lacks %s", k)
		}
	}
}
