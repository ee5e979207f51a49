package web

// The plan's timing policy, a part of the create and import forms: the
// form's fields read into the contract's PolicyRequest; what is left out
// takes the API's default.

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// plnPolicyRungs is how many escalation rungs the forms offer.
const plnPolicyRungs = 3

// The policy's duration fields: form field, label key, API field, default.
var plnPolicyDurations = []struct {
	Name, Label, API string
	Default          func(domain.Policy) time.Duration
}{
	{"pol_lead", "plan.pol_lead", "policy.survey_lead", func(p domain.Policy) time.Duration { return p.SurveyLead }},
	{"pol_close", "plan.pol_close", "policy.survey_close", func(p domain.Policy) time.Duration { return p.SurveyClose }},
	{"pol_grace", "plan.pol_grace", "policy.session_grace", func(p domain.Policy) time.Duration { return p.SessionGrace }},
}

var plnDurationUnits = []plnOpt{{Value: "m", Key: "plan.pol_unit_m"}, {Value: "h", Key: "plan.pol_unit_h"}, {Value: "d", Key: "plan.pol_unit_d"}}

var plnEscalationUnits = []plnOpt{{Value: "wd", Key: "plan.pol_unit_wd"}, {Value: "min", Key: "plan.pol_unit_m"}}

// plnDurationParts writes a default duration as a whole number of the
// largest unit that divides it.
func plnDurationParts(d time.Duration) (int, string) {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return int(d / (24 * time.Hour)), "d"
	case d > 0 && d%time.Hour == 0:
		return int(d / time.Hour), "h"
	}
	return int(d / time.Minute), "m"
}

// plnISO writes n units as an ISO 8601 duration.
func plnISO(n int, unit string) (string, bool) {
	switch unit {
	case "m":
		return fmt.Sprintf("PT%dM", n), true
	case "h":
		return fmt.Sprintf("PT%dH", n), true
	case "d":
		return fmt.Sprintf("P%dD", n), true
	}
	return "", false
}

// plnReadPolicy reads the timing fields of a form: nil when none was
// filled. escOf[k] is the form rung of the request's k-th rung.
func plnReadPolicy(v *view, form url.Values, errs map[string]string) (*contract.PolicyRequest, []int) {
	var p contract.PolicyRequest
	set := false
	num := func(name string, lo int) (int, bool) {
		s := strings.TrimSpace(form.Get(name))
		if s == "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > 100000 {
			if lo == 0 {
				errs[name] = v.T("plan.pol_err_whole")
			} else {
				errs[name] = v.T("plan.pol_err_positive")
			}
			return 0, false
		}
		return n, true
	}
	dst := []*contract.Duration{&p.SurveyLead, &p.SurveyClose, &p.SessionGrace}
	for i, f := range plnPolicyDurations {
		if n, ok := num(f.Name, 1); ok {
			iso, ok := plnISO(n, form.Get(f.Name+"_unit"))
			if !ok {
				errs[f.Name] = v.T("plan.pol_err_unit")
				continue
			}
			*dst[i], set = contract.DurationOf(iso), true
		}
	}
	if s := strings.TrimSpace(form.Get("pol_reminders")); s != "" {
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			n, err := strconv.Atoi(part)
			if err != nil || n < 1 {
				errs["pol_reminders"] = v.T("plan.pol_err_days")
				break
			}
			p.ReminderWorkingDays = append(p.ReminderWorkingDays, n)
		}
		set = set || len(p.ReminderWorkingDays) > 0
	}
	var escOf []int
	for i := 0; i < plnPolicyRungs; i++ {
		pre := fmt.Sprintf("pol_esc%d_", i)
		to := form[pre+"to"]
		if strings.TrimSpace(form.Get(pre+"n")) == "" {
			if len(to) > 0 {
				errs[pre+"n"] = v.T("plan.pol_err_after")
			}
			continue
		}
		n, ok := num(pre+"n", 0)
		if !ok {
			continue
		}
		r := contract.EscalationRequest{Recipients: append([]string{}, to...)}
		if form.Get(pre+"unit") == "min" {
			r.After = contract.DurationOf(fmt.Sprintf("PT%dM", n))
		} else {
			r.AfterWorkingDays = &n
		}
		p.Escalation = append(p.Escalation, r)
		escOf = append(escOf, i)
		set = true
	}
	if !set {
		return nil, nil
	}
	return &p, escOf
}

// plnPolicyField maps an API policy field to the form field ("" when the
// forms do not show it).
func plnPolicyField(f string, escOf []int) string {
	for _, d := range plnPolicyDurations {
		if f == d.API {
			return d.Name
		}
	}
	rest, ok := strings.CutPrefix(f, "policy.")
	if !ok {
		return ""
	}
	if strings.HasPrefix(rest, "reminder_working_days") {
		return "pol_reminders"
	}
	if rest == "escalation" {
		return "pol_esc"
	}
	if list, i, sub, ok := plnIndex(rest); ok && list == "escalation" && i < len(escOf) {
		pre := fmt.Sprintf("pol_esc%d_", escOf[i])
		if strings.HasPrefix(sub, "recipients") {
			return pre + "to"
		}
		return pre + "n"
	}
	return ""
}

// plnPolicyView is what the "plnpolicy" template shows.
type plnPolicyView struct {
	V *view
	// Intro is the key of the text over the fields.
	Intro      string
	Open       bool
	Durations  []plnPolicyDur
	Reminders  string
	Rungs      []plnPolicyRung
	EscDefault string
}

type plnPolicyDur struct {
	Name, Label, Placeholder, Default, Unit string
	Units                                   []plnOpt
}

type plnPolicyRung struct {
	N          int
	P, Unit    string
	Units      []plnOpt
	Recipients []plnPolicyCheck
}

type plnPolicyCheck struct {
	Value, Key string
	Checked    bool
}

func plnRecipientKey(r string) string { return "plan.pol_to_" + r }

// Policy is the dictionary of the timing fieldset, from the form's values;
// intro is the key of the text over the fields.
func (plnFields) Policy(v *view, intro string) plnPolicyView {
	def := domain.DefaultPolicy()
	pv := plnPolicyView{V: v, Intro: intro}
	for k := range v.Errors {
		if strings.HasPrefix(k, "pol_") {
			pv.Open = true
		}
	}
	for k, vs := range v.Form {
		if strings.HasPrefix(k, "pol_") && !strings.HasSuffix(k, "_unit") && strings.TrimSpace(strings.Join(vs, "")) != "" {
			pv.Open = true
		}
	}
	for _, f := range plnPolicyDurations {
		n, unit := plnDurationParts(f.Default(def))
		cur := v.Val(f.Name + "_unit")
		if cur == "" {
			cur = unit
		}
		pv.Durations = append(pv.Durations, plnPolicyDur{Name: f.Name, Label: f.Label, Placeholder: strconv.Itoa(n),
			Default: v.T("plan.pol_default", fmt.Sprintf("%d %s", n, v.T("plan.pol_unit_"+unit))), Unit: cur, Units: plnDurationUnits})
	}
	days := make([]string, 0, len(def.ReminderWorkingDays))
	for _, d := range def.ReminderWorkingDays {
		days = append(days, strconv.Itoa(d))
	}
	pv.Reminders = strings.Join(days, ", ")
	var steps []string
	for _, st := range def.Escalation {
		var who []string
		for _, r := range st.Recipients {
			who = append(who, v.T(plnRecipientKey(r)))
		}
		when := v.T("plan.pol_at_deadline")
		if st.AfterWorkingDays > 0 {
			when = v.T("plan.pol_after_wd", st.AfterWorkingDays)
		}
		steps = append(steps, when+": "+strings.Join(who, ", "))
	}
	pv.EscDefault = strings.Join(steps, "; ")
	for i := 0; i < plnPolicyRungs; i++ {
		pre := fmt.Sprintf("pol_esc%d_", i)
		r := plnPolicyRung{N: i + 1, P: pre, Unit: v.Val(pre + "unit"), Units: plnEscalationUnits}
		if r.Unit == "" {
			r.Unit = "wd"
		}
		checked := map[string]bool{}
		for _, x := range v.Vals(pre + "to") {
			checked[x] = true
		}
		for _, rc := range lifecycle.RecipientNames() {
			r.Recipients = append(r.Recipients, plnPolicyCheck{Value: rc, Key: plnRecipientKey(rc), Checked: checked[rc]})
		}
		pv.Rungs = append(pv.Rungs, r)
	}
	return pv
}
