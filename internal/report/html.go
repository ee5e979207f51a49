package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// reportTemplate is the printable report. It is parsed once and never
// changed; missingkey=error makes a label missing from labels fail the
// render.
var reportTemplate = template.Must(template.New("report.html.tmpl").
	Option("missingkey=error").
	ParseFS(templateFS, "templates/report.html.tmpl"))

// WriteHTML writes r as a print-ready A4 HTML document: a heading in the
// style of a Vietnamese administrative document, the key figures, a table
// for every section, charts drawn as inline SVG (dialogues by level,
// opinions by field, tasks by outcome) and MTTQ's assessment. lang chooses
// the labels and number format: LangVI (the default, also for any unknown
// tag) or LangEN; the data text stays as it is. A draft is marked "DỰ THẢO"
// ("DRAFT"). The document needs nothing from the network and no JavaScript.
func WriteHTML(w io.Writer, r *Report, lang string) error {
	if r == nil {
		return fmt.Errorf("write report html: %w", errNilReport)
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, newHTMLView(r, normLang(lang))); err != nil {
		return fmt.Errorf("write report html: %w", err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("write report html: %w", err)
	}
	return nil
}

// htmlView is what the template renders: labels, formatted heading and
// tables, and charts, all plain strings and numbers for html/template to
// escape.
type htmlView struct {
	Lang  string
	L     labels
	Draft bool

	// Heading.
	Org, Unit   string // "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "HUYỆN VŨ THƯ"
	PlaceDate   string // "Vũ Thư, ngày 05 tháng 01 năm 2027"
	Title       string // the scope title
	Kind        string
	Period      string
	DataAsOf    string
	Version     string
	Status      string
	FinalisedAt string

	KPIs []kpi

	Dialogues, Levels, Kinds, People htmlTable
	OpinionsSummary, OpinionFields   htmlTable
	Survey                           htmlTable
	Outcomes, TaskQuality            htmlTable
	Alerts                           htmlTable

	ChartLevels, ChartOpinions, ChartTasks *svgChart

	Assessment []string
	Recipients []string
}

// kpi is one key figure of the overview.
type kpi struct {
	Label, Value, Note string
}

// htmlTable is a table of the printable report.
type htmlTable struct {
	Class string // extra CSS class: "narrow"
	Head  []string
	Rows  [][]htmlCell
	// Foot is a total row, if any.
	Foot []htmlCell
}

// htmlCell is one cell; numbers are right-aligned.
type htmlCell struct {
	Text   string
	Num    bool
	NoWrap bool // a short text kept on one line
}

// txt is a text cell; a short one does not wrap.
func txt(s string) htmlCell { return htmlCell{Text: s, NoWrap: utf8.RuneCountInString(s) <= 16} }

// num is a number cell.
func num(s string) htmlCell { return htmlCell{Text: s, Num: true} }

// newHTMLView prepares r for the template in a normalised language.
func newHTMLView(r *Report, lang string) *htmlView {
	l := labelsFor(lang)
	f := numberFormatFor(lang)
	d := r.Data
	tasksTotal := taskTotal(d.Tasks)

	v := &htmlView{
		Lang:     lang,
		L:        l,
		Draft:    r.Status != StatusFinal,
		Org:      l["org"],
		Unit:     strings.ToUpper(d.Scope.UnitName),
		Title:    d.Scope.Title,
		Kind:     l.kind(kindOf(r)),
		Period:   fmtPeriod(d.Scope.From, d.Scope.To),
		DataAsOf: fmtAsOf(dataTime(r), l),
		Version:  strconv.Itoa(r.Version),
		Status:   l.status(r.Status),
	}
	docDate := dataTime(r)
	if r.FinalisedAt != nil {
		docDate = *r.FinalisedAt
		v.FinalisedAt = fmtDateTime(*r.FinalisedAt)
	}
	v.PlaceDate = placeDate(placeName(d.Scope.UnitName), docDate, v.Draft, lang, l)

	v.KPIs = []kpi{
		{l["kpi_held"], f.Int(d.Dialogues.Held),
			l["kpi_held_sub"] + " " + f.Int(d.Dialogues.Planned) + " · " + l["kpi_adhoc_sub"] + " " + f.Int(d.Dialogues.AdHoc)},
		{l["kpi_attendees"], f.Int(d.Participants.Total),
			f.Int(d.Survey.Answers) + " " + l["kpi_answers"]},
		{l["kpi_opinions"], f.Int(d.Opinions.Total),
			f.Pct(d.Opinions.AnsweredOnSpot, d.Opinions.Total) + " " + l["kpi_answered"]},
		{l["kpi_tasks"], f.Int(tasksTotal),
			f.Pct(d.Tasks.DoneOnTime, tasksTotal) + " " + l["kpi_on_time"] + " · " + f.Int(d.Tasks.Overdue) + " " + l["kpi_overdue"]},
		{l["kpi_alerts"], f.Int(d.Escalations.Total),
			f.Int(acknowledged(d.Escalations)) + " " + l["kpi_acked"]},
	}

	// I. Dialogues.
	v.Dialogues = htmlTable{
		Head: []string{l["h_planned"], l["h_adhoc"], l["h_held"], l["h_rescheduled"], l["h_cancelled"], l["h_pending"]},
		Rows: [][]htmlCell{{num(f.Int(d.Dialogues.Planned)), num(f.Int(d.Dialogues.AdHoc)), num(f.Int(d.Dialogues.Held)),
			num(f.Int(d.Dialogues.Rescheduled)), num(f.Int(d.Dialogues.Cancelled)), num(f.Int(d.Dialogues.Pending))}},
	}
	v.Levels.Head = []string{l["h_level"], l["h_planned"], l["h_held"], l["h_cancelled"], l["h_units"], l["h_units_held"], l["h_ratio"]}
	for _, lc := range d.Dialogues.ByLevel {
		v.Levels.Rows = append(v.Levels.Rows, []htmlCell{txt(l.level(lc.Level)), num(f.Int(lc.Planned)), num(f.Int(lc.Held)),
			num(f.Int(lc.Cancelled)), num(f.Int(lc.UnitsTotal)),
			num(f.Int(lc.UnitsHeld) + " (" + f.Pct(lc.UnitsHeld, lc.UnitsTotal) + ")"), txt(ratio(lc))})
	}
	v.Kinds.Head = []string{l["h_kind"], l["h_planned"], l["h_held"]}
	for _, k := range d.Dialogues.ByKind {
		v.Kinds.Rows = append(v.Kinds.Rows, []htmlCell{txt(l.dialogueKind(k.Kind)), num(f.Int(k.Planned)), num(f.Int(k.Held))})
	}
	v.People.Head = []string{l["h_group"], l["h_people"], l["h_share"]}
	for _, g := range d.Participants.ByGroup {
		v.People.Rows = append(v.People.Rows, []htmlCell{txt(g.Group), num(f.Int(g.Count)), num(f.Pct(g.Count, d.Participants.Total))})
	}
	v.People.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(d.Participants.Total)), num(f.Pct(d.Participants.Total, d.Participants.Total))}

	// II. Opinions.
	o := d.Opinions
	v.OpinionsSummary = htmlTable{
		Head: []string{l["kpi_opinions"], l["h_from_survey"], l["h_from_floor"], l["h_answered"], l["h_followed_up"]},
		Rows: [][]htmlCell{{num(f.Int(o.Total)), num(f.Int(o.FromSurvey)), num(f.Int(o.FromFloor)),
			num(f.Int(o.AnsweredOnSpot) + " (" + f.Pct(o.AnsweredOnSpot, o.Total) + ")"),
			num(f.Int(o.FollowedUp) + " (" + f.Pct(o.FollowedUp, o.Total) + ")")}},
	}
	v.OpinionFields.Head = []string{l["h_field"], l["h_opinions"], l["h_share"], l["h_answered"], l["h_followed_up"], l["h_answered_share"]}
	for _, of := range o.ByField {
		v.OpinionFields.Rows = append(v.OpinionFields.Rows, []htmlCell{txt(of.Field), num(f.Int(of.Total)), num(f.Pct(of.Total, o.Total)),
			num(f.Int(of.AnsweredOnSpot)), num(f.Int(of.Total - of.AnsweredOnSpot)), num(f.Pct(of.AnsweredOnSpot, of.Total))})
	}
	v.OpinionFields.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(o.Total)), num(f.Pct(o.Total, o.Total)),
		num(f.Int(o.AnsweredOnSpot)), num(f.Int(o.FollowedUp)), num(f.Pct(o.AnsweredOnSpot, o.Total))}

	// III. Survey.
	v.Survey.Class = "narrow"
	v.Survey.Head = []string{l["h_field"], l["h_answers"], l["h_share"]}
	for _, fc := range d.Survey.ByField {
		v.Survey.Rows = append(v.Survey.Rows, []htmlCell{txt(fc.Field), num(f.Int(fc.Count)), num(f.Pct(fc.Count, d.Survey.Answers))})
	}
	v.Survey.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(d.Survey.Answers)), num(f.Pct(d.Survey.Answers, d.Survey.Answers))}

	// IV. Tasks.
	v.Outcomes.Head = []string{l["h_outcome"], l["h_tasks"], l["h_share"]}
	for _, oc := range taskOutcomes(d.Tasks) {
		v.Outcomes.Rows = append(v.Outcomes.Rows, []htmlCell{txt(l.outcome(oc.Key)), num(f.Int(oc.Count)), num(f.Pct(oc.Count, tasksTotal))})
	}
	v.Outcomes.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(tasksTotal)), num(f.Pct(tasksTotal, tasksTotal))}
	v.TaskQuality = htmlTable{
		Head: []string{l["h_indicator"], l["h_value"]},
		Rows: [][]htmlCell{
			{txt(l["h_returned"]), num(f.Int(d.Tasks.ReturnedResults))},
			{txt(l["h_avg_delay"]), num(f.Dec(d.Tasks.AvgDelayWorkingDays))},
			{txt(l["h_max_delay"]), num(f.Int(d.Tasks.MaxDelayWorkingDays))},
		},
	}

	// V. Escalations.
	v.Alerts.Head = []string{l["h_rung"], l["h_alerts"], l["h_acked"], l["h_unacked"], l["h_avg_ack"]}
	for _, e := range d.Escalations.ByLevel {
		v.Alerts.Rows = append(v.Alerts.Rows, []htmlCell{txt(l.rung(e.Level)), num(f.Int(e.Alerts)), num(f.Int(e.Acknowledged)),
			num(f.Int(e.Alerts - e.Acknowledged)), num(fmtSeconds(e.AvgAckSeconds, e.Acknowledged, l, f))})
	}
	acked := acknowledged(d.Escalations)
	v.Alerts.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(d.Escalations.Total)), num(f.Int(acked)),
		num(f.Int(d.Escalations.Total - acked)), num(fmtSeconds(avgAck(d.Escalations.ByLevel), acked, l, f))}

	v.ChartLevels = levelsChart(d.Dialogues, l, f)
	v.ChartOpinions = opinionsChart(d.Opinions, l, f)
	v.ChartTasks = tasksChart(d.Tasks, l, f)

	v.Assessment = paragraphs(r.Assessment)
	v.Recipients = paragraphs(l["recipients_list"])
	return v
}

// acknowledged sums the acknowledged alerts of every level.
func acknowledged(e Escalations) int {
	n := 0
	for _, l := range e.ByLevel {
		n += l.Acknowledged
	}
	return n
}

// fmtAsOf formats the data time for the heading, "17:00 ngày 31/12/2026".
func fmtAsOf(t time.Time, l labels) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(vietnam())
	return t.Format("15:04") + " " + l["at_on"] + " " + t.Format("02/01/2006")
}

// fmtSeconds formats a mean duration in minutes, hours or days; "–" when
// nothing was acknowledged.
func fmtSeconds(s float64, n int, l labels, f numberFormat) string {
	switch {
	case n == 0:
		return "–"
	case s < 3600:
		return f.Int(int(s/60+0.5)) + " " + l["minutes"]
	case s < 48*3600:
		return f.Dec(s/3600) + " " + l["hours"]
	}
	return f.Dec(s/86400) + " " + l["days"]
}

// unitPrefixes are the administrative prefixes of unit names, longest
// first.
var unitPrefixes = []string{"Thành phố ", "Thị trấn ", "Thị xã ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "TP. ", "Xã "}

// placeName is the unit name without its administrative prefix, the place
// of the document's date line ("Huyện Vũ Thư" → "Vũ Thư").
func placeName(unit string) string {
	for _, p := range unitPrefixes {
		if rest, ok := strings.CutPrefix(unit, p); ok && rest != "" {
			return rest
		}
	}
	return unit
}

// enMonths are the English month names.
var enMonths = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// placeDate is the place and date line under the national motto. A draft
// leaves the day and month blank, to be filled in when it is signed.
func placeDate(place string, t time.Time, draft bool, lang string, l labels) string {
	prefix := ""
	if place != "" {
		prefix = place + ", "
	}
	year := "     "
	if t.IsZero() {
		draft = true
	} else {
		t = t.In(vietnam())
		year = strconv.Itoa(t.Year())
	}
	if lang == LangEN {
		if draft {
			return prefix + "…… " + year
		}
		return prefix + strconv.Itoa(t.Day()) + " " + enMonths[t.Month()-1] + " " + year
	}
	day, month := "     ", "     "
	if !draft {
		day, month = t.Format("02"), t.Format("01")
	}
	return prefix + l["date_day"] + " " + day + " " + l["date_month"] + " " + month + " " + l["date_year"] + " " + year
}
