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
	Org, Unit string // "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "HUYỆN VŨ THƯ"
	PlaceDate string // "Vũ Thư, ngày 05 tháng 01 năm 2027"
	Title     string // the scope title
	Kind      string
	Period    string
	// Map names the map of units the report is drawn on ("" for old
	// snapshots).
	Map         string
	DataAsOf    string
	Version     string
	Status      string
	FinalisedAt string

	KPIs []kpi

	Dialogues, Levels, Kinds, People htmlTable
	// Units is a row per unit (none for a single unit); NotHeld a line per
	// level naming the units that held no dialogue.
	Units                          htmlTable
	NotHeld                        []string
	OpinionsSummary, OpinionFields htmlTable
	Resolution, Satisfaction       htmlTable
	Survey                         htmlTable
	Outcomes, TaskQuality          htmlTable
	Alerts                         htmlTable

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
	b := htmlTables{l: l, f: f, d: d, tasksTotal: taskTotal(d.Tasks)}

	v := newHTMLHeading(r, lang, l)
	v.KPIs = b.kpis()

	// I. Dialogues.
	v.Dialogues, v.Levels, v.Kinds, v.People = b.dialogues(), b.levels(), b.kinds(), b.people()
	v.Units, v.NotHeld = b.units(), b.notHeld()
	// II. Opinions.
	v.OpinionsSummary, v.OpinionFields = b.opinionsSummary(), b.opinionFields()
	v.Resolution, v.Satisfaction = b.resolution(), b.satisfaction()
	// III. Survey.
	v.Survey = b.survey()
	// IV. Tasks.
	v.Outcomes, v.TaskQuality = b.outcomes(), b.taskQuality()
	// V. Escalations.
	v.Alerts = b.alerts()

	v.ChartLevels = levelsChart(d.Dialogues, l, f)
	v.ChartOpinions = opinionsChart(d.Opinions, l, f)
	v.ChartTasks = tasksChart(d.Tasks, l, f)

	v.Assessment = paragraphs(r.Assessment)
	v.Recipients = paragraphs(l["recipients_list"])
	return v
}

// newHTMLHeading is a view of r with only its heading filled in: the
// labels, the organisation and unit, the place and date line and the
// report's metadata.
func newHTMLHeading(r *Report, lang string, l labels) *htmlView {
	d := r.Data
	v := &htmlView{
		Lang:     lang,
		L:        l,
		Draft:    r.Status != StatusFinal,
		Org:      l["org"],
		Unit:     strings.ToUpper(d.Scope.UnitName),
		Title:    d.Scope.Title,
		Kind:     l.kind(kindOf(r)),
		Period:   fmtPeriod(d.Scope.From, d.Scope.To),
		Map:      l["map_"+d.Scope.Map],
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
	return v
}

// htmlTables builds the key figures and tables of the printable report
// from a report's data, in one language.
type htmlTables struct {
	l          labels
	f          numberFormat
	d          Data
	tasksTotal int
}

// kpis is the key figures of the overview.
func (b htmlTables) kpis() []kpi {
	l, f, d := b.l, b.f, b.d
	return []kpi{
		{l["kpi_held"], f.Int(d.Dialogues.Held),
			l["kpi_held_sub"] + " " + f.Int(d.Dialogues.Planned) + " · " + l["kpi_adhoc_sub"] + " " + f.Int(d.Dialogues.AdHoc)},
		{l["kpi_attendees"], f.Int(d.Participants.Total),
			f.Int(d.Survey.Answers) + " " + l["kpi_answers"]},
		{l["kpi_opinions"], f.Int(d.Opinions.Total),
			f.Pct(d.Opinions.AnsweredOnSpot, d.Opinions.Total) + " " + l["kpi_answered"]},
		{l["kpi_tasks"], f.Int(b.tasksTotal),
			f.Pct(d.Tasks.DoneOnTime, b.tasksTotal) + " " + l["kpi_on_time"] + " · " + f.Int(d.Tasks.Overdue) + " " + l["kpi_overdue"]},
		{l["kpi_alerts"], f.Int(d.Escalations.Total),
			f.Int(acknowledged(d.Escalations)) + " " + l["kpi_acked"]},
	}
}

// dialogues is the dialogues held, planned and not, in one row.
func (b htmlTables) dialogues() htmlTable {
	l, f, dl := b.l, b.f, b.d.Dialogues
	return htmlTable{
		Head: []string{l["h_planned"], l["h_adhoc"], l["h_held"], l["h_rescheduled"], l["h_cancelled"], l["h_pending"]},
		Rows: [][]htmlCell{{num(f.Int(dl.Planned)), num(f.Int(dl.AdHoc)), num(f.Int(dl.Held)),
			num(f.Int(dl.Rescheduled)), num(f.Int(dl.Cancelled)), num(f.Int(dl.Pending))}},
	}
}

// levels is the dialogues of each unit level.
func (b htmlTables) levels() htmlTable {
	l, f := b.l, b.f
	t := htmlTable{Head: []string{l["h_level"], l["h_planned"], l["h_held"], l["h_cancelled"], l["h_units"], l["h_units_held"], l["h_ratio"]}}
	for _, lc := range b.d.Dialogues.ByLevel {
		t.Rows = append(t.Rows, []htmlCell{txt(l.level(lc.Level)), num(f.Int(lc.Planned)), num(f.Int(lc.Held)),
			num(f.Int(lc.Cancelled)), num(f.Int(lc.UnitsTotal)),
			num(f.Int(lc.UnitsHeld) + " (" + f.Pct(lc.UnitsHeld, lc.UnitsTotal) + ")"), txt(ratio(lc))})
	}
	return t
}

// units is the figures of each unit, when there are several.
func (b htmlTables) units() htmlTable {
	l, f := b.l, b.f
	t := htmlTable{Head: []string{l["h_unit"], l["h_planned"], l["h_adhoc"], l["h_held"], l["h_cancelled"], l["h_pending"],
		l["h_opinions"], l["h_tasks"], l["h_tasks_done"], l["h_tasks_overdue"]}}
	if len(b.d.Units) < 2 {
		return t
	}
	for _, u := range b.d.Units {
		t.Rows = append(t.Rows, []htmlCell{txt(u.Name), num(f.Int(u.Planned)), num(f.Int(u.AdHoc)), num(f.Int(u.Held)),
			num(f.Int(u.Cancelled)), num(f.Int(u.Pending)), num(f.Int(u.Opinions)), num(f.Int(u.Tasks)),
			num(f.Int(u.TasksDone)), num(f.Int(u.TasksOverdue))})
	}
	return t
}

// notHeld names, level by level, the units that held no dialogue.
func (b htmlTables) notHeld() []string {
	var out []string
	for _, lc := range b.d.Dialogues.ByLevel {
		if len(lc.NotHeld) == 0 {
			continue
		}
		names := make([]string, len(lc.NotHeld))
		for i, u := range lc.NotHeld {
			names[i] = u.Name
		}
		line := b.l.level(lc.Level) + " (" + b.f.Int(len(lc.NotHeld)+lc.NotHeldMore) + "): " + strings.Join(names, ", ")
		if lc.NotHeldMore > 0 {
			line += fmt.Sprintf(b.l["not_held_more"], b.f.Int(lc.NotHeldMore))
		}
		out = append(out, line)
	}
	return out
}

// kinds is the dialogues of each kind.
func (b htmlTables) kinds() htmlTable {
	l, f := b.l, b.f
	t := htmlTable{Head: []string{l["h_kind"], l["h_planned"], l["h_held"]}}
	for _, k := range b.d.Dialogues.ByKind {
		t.Rows = append(t.Rows, []htmlCell{txt(l.dialogueKind(k.Kind)), num(f.Int(k.Planned)), num(f.Int(k.Held))})
	}
	return t
}

// people is the attendees of each group, with their total.
func (b htmlTables) people() htmlTable {
	l, f, p := b.l, b.f, b.d.Participants
	t := htmlTable{Head: []string{l["h_group"], l["h_people"], l["h_share"]}}
	for _, g := range p.ByGroup {
		t.Rows = append(t.Rows, []htmlCell{txt(g.Group), num(f.Int(g.Count)), num(f.Pct(g.Count, p.Total))})
	}
	t.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(p.Total)), num(f.Pct(p.Total, p.Total))}
	return t
}

// opinionsSummary is the opinions by source and by handling, in one row.
func (b htmlTables) opinionsSummary() htmlTable {
	l, f, o := b.l, b.f, b.d.Opinions
	return htmlTable{
		Head: []string{l["kpi_opinions"], l["h_from_survey"], l["h_from_floor"], l["h_answered"], l["h_followed_up"]},
		Rows: [][]htmlCell{{num(f.Int(o.Total)), num(f.Int(o.FromSurvey)), num(f.Int(o.FromFloor)),
			num(f.Int(o.AnsweredOnSpot) + " (" + f.Pct(o.AnsweredOnSpot, o.Total) + ")"),
			num(f.Int(o.FollowedUp) + " (" + f.Pct(o.FollowedUp, o.Total) + ")")}},
	}
}

// opinionFields is the opinions of each field, with their total.
func (b htmlTables) opinionFields() htmlTable {
	l, f, o := b.l, b.f, b.d.Opinions
	t := htmlTable{Head: []string{l["h_field"], l["h_opinions"], l["h_share"], l["h_answered"], l["h_followed_up"], l["h_answered_share"]}}
	for _, of := range o.ByField {
		t.Rows = append(t.Rows, []htmlCell{txt(of.Field), num(f.Int(of.Total)), num(f.Pct(of.Total, o.Total)),
			num(f.Int(of.AnsweredOnSpot)), num(f.Int(of.Total - of.AnsweredOnSpot)), num(f.Pct(of.AnsweredOnSpot, of.Total))})
	}
	t.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(o.Total)), num(f.Pct(o.Total, o.Total)),
		num(f.Int(o.AnsweredOnSpot)), num(f.Int(o.FollowedUp)), num(f.Pct(o.AnsweredOnSpot, o.Total))}
	return t
}

// resolution is what became of the opinions of each field (one outcome
// each), with their total.
func (b htmlTables) resolution() htmlTable {
	l, f, o := b.l, b.f, b.d.Opinions
	t := htmlTable{Head: []string{l["h_field"], l["h_opinions"], l["h_answered"], l["h_led_to_task"], l["h_result_accepted"], l["h_still_open"]}}
	row := func(label string, total int, oc Outcomes) []htmlCell {
		return []htmlCell{txt(label), num(f.Int(total)), num(f.Int(oc.AnsweredOnSpot)), num(f.Int(oc.LedToTask)),
			num(f.Int(oc.ResultAccepted) + " (" + f.Pct(oc.ResultAccepted, total) + ")"), num(f.Int(oc.Open))}
	}
	for _, of := range o.ByField {
		t.Rows = append(t.Rows, row(of.Field, of.Total, of.Outcomes))
	}
	t.Foot = row(l["h_total"], o.Total, o.Outcomes)
	return t
}

// satisfaction is citizens' ratings of each field, with their total and
// the inspection boards' remarks.
func (b htmlTables) satisfaction() htmlTable {
	l, f, s := b.l, b.f, b.d.Satisfaction
	t := htmlTable{Head: []string{l["h_field"], l["h_rated"], l["h_satisfied"], l["h_not_satisfied"]}}
	row := func(label string, rated, yes, no int) []htmlCell {
		return []htmlCell{txt(label), num(f.Int(rated)), num(f.Int(yes) + " (" + f.Pct(yes, rated) + ")"), num(f.Int(no))}
	}
	for _, r := range s.ByField {
		t.Rows = append(t.Rows, row(r.Field, r.Rated, r.Satisfied, r.NotSatisfied))
	}
	t.Rows = append(t.Rows, []htmlCell{txt(l["h_remarks"]), num(f.Int(b.d.Remarks)), txt(""), txt("")})
	t.Foot = row(l["h_total"], s.Rated, s.Satisfied, s.NotSatisfied)
	return t
}

// survey is the survey answers of each field, with their total.
func (b htmlTables) survey() htmlTable {
	l, f, s := b.l, b.f, b.d.Survey
	t := htmlTable{Class: "narrow", Head: []string{l["h_field"], l["h_answers"], l["h_share"]}}
	for _, fc := range s.ByField {
		t.Rows = append(t.Rows, []htmlCell{txt(fc.Field), num(f.Int(fc.Count)), num(f.Pct(fc.Count, s.Answers))})
	}
	t.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(s.Answers)), num(f.Pct(s.Answers, s.Answers))}
	return t
}

// outcomes is the tasks of each outcome, with their total.
func (b htmlTables) outcomes() htmlTable {
	l, f, total := b.l, b.f, b.tasksTotal
	t := htmlTable{Head: []string{l["h_outcome"], l["h_tasks"], l["h_share"]}}
	for _, oc := range taskOutcomes(b.d.Tasks) {
		t.Rows = append(t.Rows, []htmlCell{txt(l.outcome(oc.Key)), num(f.Int(oc.Count)), num(f.Pct(oc.Count, total))})
	}
	t.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(total)), num(f.Pct(total, total))}
	return t
}

// taskQuality is how late and how well the tasks were done.
func (b htmlTables) taskQuality() htmlTable {
	l, f, tk := b.l, b.f, b.d.Tasks
	return htmlTable{
		Head: []string{l["h_indicator"], l["h_value"]},
		Rows: [][]htmlCell{
			{txt(l["h_returned"]), num(f.Int(tk.ReturnedResults))},
			{txt(l["h_avg_delay"]), num(f.Dec(tk.AvgDelayWorkingDays))},
			{txt(l["h_max_delay"]), num(f.Int(tk.MaxDelayWorkingDays))},
		},
	}
}

// alerts is the overdue alerts of each rung, with their total.
func (b htmlTables) alerts() htmlTable {
	l, f, e := b.l, b.f, b.d.Escalations
	t := htmlTable{Head: []string{l["h_rung"], l["h_alerts"], l["h_acked"], l["h_unacked"], l["h_avg_ack"]}}
	for _, el := range e.ByLevel {
		t.Rows = append(t.Rows, []htmlCell{txt(l.rung(el.Level)), num(f.Int(el.Alerts)), num(f.Int(el.Acknowledged)),
			num(f.Int(el.Alerts - el.Acknowledged)), num(fmtSeconds(el.AvgAckSeconds, el.Acknowledged, l, f))})
	}
	acked := acknowledged(e)
	t.Foot = []htmlCell{txt(l["h_total"]), num(f.Int(e.Total)), num(f.Int(acked)),
		num(f.Int(e.Total - acked)), num(fmtSeconds(avgAck(e.ByLevel), acked, l, f))}
	return t
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
