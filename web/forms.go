package web

// Form helpers shared by the plan pages: the field partial's data, unit
// choices, local times, lists typed in one field, and API field errors
// mapped back to form fields.

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/planimport"
	"github.com/doithoai/doithoai/internal/store"
)

// plnPhases are the dialogue phases in lifecycle order.
var plnPhases = []string{domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession,
	domain.PhaseSessionRecorded, domain.PhaseClosed, domain.PhaseCancelled}

func plnPhaseClass(phase string) string {
	switch phase {
	case domain.PhaseSurveyOpen, domain.PhaseAwaitingSession:
		return "warn"
	case domain.PhaseSessionRecorded, domain.PhaseClosed:
		return "ok"
	case domain.PhaseCancelled:
		return "bad"
	}
	return ""
}

// plnFields gives templates the dictionary the "field" partial expects
// (it reads every key, so all are set).
type plnFields struct{}

// Field is a text-like input: name, label key, input type, required.
func (plnFields) Field(v *view, name, label, typ string, required bool) map[string]any {
	return map[string]any{"v": v, "name": name, "label": label, "type": typ, "required": required,
		"value": "", "min": "", "step": "", "rows": 3}
}

// Number is a number input with a minimum.
func (plnFields) Number(v *view, name, label string, required bool, min int) map[string]any {
	return map[string]any{"v": v, "name": name, "label": label, "type": "number", "required": required,
		"value": "", "min": strconv.Itoa(min), "step": "1", "rows": 3}
}

// plnOpt is a choice of a select.
type plnOpt struct {
	Value string
	// Key is a translation key for the label; Text a label as is.
	Key, Text string
}

// Select is the dictionary of the pages' own select partial.
func (plnFields) Select(v *view, name, label string, required bool, opts []plnOpt) map[string]any {
	return map[string]any{"v": v, "name": name, "label": label, "required": required, "opts": opts}
}

// plnRow is one repeated row of a form: its number (from 1) and the
// prefix of its field names.
type plnRow struct {
	N int
	P string
}

// plnUnitOpt is a unit offered in a select, indented under its parent.
type plnUnitOpt struct {
	ID, Name string
	Depth    int
}

var plnLevels = map[string]int{"province": 0, "district": 1, "commune": 2}

// plnUnits lists root and the units below it (as the user may see them)
// for a select.
func (s *Server) plnUnits(c *gin.Context, v *view, root string) ([]plnOpt, map[string]string, *contract.Error) {
	var page contract.Page[store.Unit]
	q := url.Values{"subtree": {"true"}, "limit": {"500"}}
	if root != "" {
		q.Set("unit_id", root)
	}
	if e := s.get(c, v, "/api/v1/units", q, &page); e != nil {
		return nil, nil, e
	}
	base := -1
	opts := make([]plnOpt, 0, len(page.Items))
	names := map[string]string{}
	for _, u := range page.Items {
		lvl := plnLevels[u.Level]
		if base < 0 || lvl < base {
			base = lvl
		}
	}
	for _, u := range page.Items {
		names[u.ID] = u.Name
		opts = append(opts, plnOpt{Value: u.ID, Text: strings.Repeat("— ", max(0, plnLevels[u.Level]-base)) + u.Name})
	}
	return opts, names, nil
}

// plnUnitName reads a unit's name ("" when it cannot be read).
func (s *Server) plnUnitName(c *gin.Context, v *view, id string) string {
	var u store.Unit
	if id == "" || s.get(c, v, "/api/v1/units/"+url.PathEscape(id), nil, &u) != nil {
		return ""
	}
	return u.Name
}

// plnLocalLayout is the value of a datetime-local input.
const plnLocalLayout = "2006-01-02T15:04"

// plnInstant turns a datetime-local value (Vietnam time) into RFC 3339;
// "" stays "", and ok is false when the value is not a date and time.
func plnInstant(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	for _, layout := range []string{plnLocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, domain.Location); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	return "", false
}

// plnHosts pairs host names with titles given in the same order.
func plnHosts(names, titles string) []contract.HostRequest {
	ns, ts := planimport.SplitList(names), planimport.SplitList(titles)
	hs := make([]contract.HostRequest, 0, len(ns))
	for i, n := range ns {
		h := contract.HostRequest{Name: n}
		if i < len(ts) {
			h.Title = ts[i]
		}
		hs = append(hs, h)
	}
	return hs
}

// plnFormValues starts a form's values from defaults and lays what the
// user sent over them.
func plnFormValues(defaults url.Values, sent url.Values) url.Values {
	out := url.Values{}
	for k, vs := range defaults {
		out[k] = vs
	}
	for k, vs := range sent {
		if k == "csrf" || k == "idempotency_key" {
			continue
		}
		out[k] = vs
	}
	return out
}

// plnIndex reads "name[3]rest" into (name, 3, rest).
var plnIndexRe = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]\.?(.*)$`)

func plnIndex(field string) (string, int, string, bool) {
	m := plnIndexRe.FindStringSubmatch(field)
	if m == nil {
		return "", 0, "", false
	}
	i, err := strconv.Atoi(m[2])
	if err != nil {
		return "", 0, "", false
	}
	return m[1], i, m[3], true
}

// plnFieldErrors maps the API's field errors to form fields with mapf;
// errors of fields the form does not show ("" from mapf) are returned as
// lines for the form's message, so none is lost.
func plnFieldErrors(e *contract.Error, lang string, mapf func(string) string) (map[string]string, []string) {
	out := map[string]string{}
	var extra []string
	for _, f := range e.Fields {
		msg := f.Message
		if lang == "en" && f.MessageEN != "" {
			msg = f.MessageEN
		}
		name := mapf(f.Field)
		if name == "" {
			extra = append(extra, f.Field+": "+msg)
			continue
		}
		if _, ok := out[name]; !ok {
			out[name] = msg
		}
	}
	return out, extra
}

// plnFormError is the message over a form refused by the API.
func plnFormError(v *view, e *contract.Error, extra []string) string {
	msg := v.T("err.form")
	if len(e.Fields) == 0 {
		msg = e.Msg(v.Lang)
	}
	if len(extra) > 0 {
		msg += " " + strings.Join(extra, "; ")
	}
	return msg
}

// plnReadDialogue reads the dialogue fields named prefix+"at", "kind",
// "topic", "place", "host", "host_title", "groups"; empty says the row was
// left blank (the kind select always has a value, so it does not count).
func plnReadDialogue(v *view, form url.Values, prefix string, errs map[string]string) (contract.DialogueRequest, bool) {
	get := func(k string) string { return strings.TrimSpace(form.Get(prefix + k)) }
	d := contract.DialogueRequest{UnitID: get("unit_id"), Kind: get("kind"), Topic: get("topic"), Title: get("title"), Place: get("place"),
		Hosts: plnHosts(form.Get(prefix+"host"), form.Get(prefix+"host_title")), InvitedGroups: planimport.SplitList(form.Get(prefix + "groups"))}
	empty := get("at") == "" && d.Topic == "" && d.Title == "" && d.Place == "" && get("host") == "" && get("host_title") == "" && get("groups") == ""
	at, ok := plnInstant(get("at"))
	if !ok {
		errs[prefix+"at"] = v.T("plan.err_datetime")
	}
	if at != "" {
		d.ScheduledAt = contract.TimestampOf(at)
	}
	return d, empty
}

// plnDialogueField maps a dialogue's API field (without its list prefix)
// to the row's form field.
func plnDialogueField(prefix, sub string) string {
	switch {
	case sub == "scheduled_at":
		return prefix + "at"
	case sub == "kind", sub == "topic", sub == "place", sub == "title", sub == "unit_id":
		return prefix + sub
	case sub == "hosts", strings.HasPrefix(sub, "hosts[") && strings.HasSuffix(sub, ".name"):
		return prefix + "host"
	case strings.HasPrefix(sub, "hosts["):
		return prefix + "host_title"
	case strings.HasPrefix(sub, "invited_groups"):
		return prefix + "groups"
	}
	return ""
}

var plnKindOpts = []plnOpt{{Value: domain.KindPeriodic, Key: "plan.kind_periodic"}, {Value: domain.KindThematic, Key: "plan.kind_thematic"}, {Value: domain.KindAdhoc, Key: "plan.kind_adhoc"}}
