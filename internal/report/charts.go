package report

import (
	"bytes"
	"fmt"
	"html/template"
)

// The web pages show a report on screen with the same figures, tables and
// charts as the printable document. What they need is exported here, built
// from the same view the printable report renders (newHTMLView) and the
// same SVG chart template, so the two never disagree.

// Chart is one chart of a report as inline SVG.
type Chart struct {
	// ID is the chart's element id ("chart-levels", "chart-opinions",
	// "chart-tasks"), unique in one page.
	ID string
	// Title is the chart's caption ("Biểu đồ 1. …").
	Title string
	// SVG is the chart: an <svg role="img"> with an accessible name, every
	// text in it escaped.
	SVG template.HTML
}

// KeyFigure is one key figure of a report's overview.
type KeyFigure struct {
	Label, Value, Note string
}

// Cell is a table cell; a number is right-aligned.
type Cell struct {
	Text string
	Num  bool
}

// Table is a titled table of a report section.
type Table struct {
	Title string
	Head  []string
	Rows  [][]Cell
	// Foot is the total row, if any.
	Foot []Cell
}

// Section is a numbered part of the report with its tables and charts.
type Section struct {
	// Title is numbered like the printed report ("I. …").
	Title  string
	Tables []Table
	Charts []Chart
}

// PageView is a report prepared for a web page in one language.
type PageView struct {
	Title       string // the scope title
	Kind        string // "Báo cáo cuộc tiếp xúc, đối thoại"
	Period      string // "01/01/2026 – 31/12/2026"
	DataAsOf    string // "17:00 ngày 31/12/2026"
	Status      string // "Dự thảo" / "Chính thức"
	Draft       bool
	FinalisedAt string
	KeyFigures  []KeyFigure
	// Sections are I–V of the printed report (the assessment, VI, is the
	// page's own, as MTTQ edits it there).
	Sections []Section
	// Charts are every chart of the sections, in order.
	Charts []Chart
	// AssessmentTitle and NoAssessment label section VI.
	AssessmentTitle, NoAssessment string
}

// Charts draws the report's charts in lang (LangVI unless English): the
// dialogues planned and held by level, the opinions by field and the tasks
// by outcome.
func Charts(r *Report, lang string) ([]Chart, error) {
	if r == nil {
		return nil, fmt.Errorf("report charts: %w", errNilReport)
	}
	v := newHTMLView(r, normLang(lang))
	return charts(v)
}

func charts(v *htmlView) ([]Chart, error) {
	out := make([]Chart, 0, 3)
	for _, c := range []struct {
		chart *svgChart
		title string
	}{
		{v.ChartLevels, v.L["chart_levels"]},
		{v.ChartOpinions, v.L["chart_opinions"]},
		{v.ChartTasks, v.L["chart_tasks"]},
	} {
		var buf bytes.Buffer
		if err := reportTemplate.ExecuteTemplate(&buf, "chart", c.chart); err != nil {
			return nil, fmt.Errorf("report chart %s: %w", c.chart.ID, err)
		}
		out = append(out, Chart{ID: c.chart.ID, Title: c.title, SVG: template.HTML(buf.String())}) //nolint:gosec // rendered by html/template
	}
	return out, nil
}

// Page prepares r for a web page in lang: the heading, key figures,
// sections with their tables and charts, as the printable report has them.
func Page(r *Report, lang string) (*PageView, error) {
	if r == nil {
		return nil, fmt.Errorf("report page: %w", errNilReport)
	}
	v := newHTMLView(r, normLang(lang))
	cs, err := charts(v)
	if err != nil {
		return nil, err
	}
	levels, opinions, tasks := cs[0], cs[1], cs[2]
	l := v.L
	tbl := func(title string, t htmlTable) Table {
		out := Table{Title: title, Head: t.Head}
		for _, row := range t.Rows {
			out.Rows = append(out.Rows, cells(row))
		}
		out.Foot = cells(t.Foot)
		return out
	}
	p := &PageView{
		Title: v.Title, Kind: v.Kind, Period: v.Period, DataAsOf: v.DataAsOf, Status: v.Status,
		Draft: v.Draft, FinalisedAt: v.FinalisedAt, Charts: cs,
		AssessmentTitle: "VI. " + l["s_assessment"], NoAssessment: l["no_assessment"],
	}
	for _, k := range v.KPIs {
		p.KeyFigures = append(p.KeyFigures, KeyFigure(k))
	}
	p.Sections = []Section{
		{Title: "I. " + l["s_dialogues"], Charts: []Chart{levels}, Tables: []Table{
			tbl(l["t_overall"], v.Dialogues), tbl(l["t_levels"], v.Levels), tbl(l["t_kinds"], v.Kinds), tbl(l["t_people"], v.People)}},
		{Title: "II. " + l["s_opinions"], Charts: []Chart{opinions}, Tables: []Table{
			tbl(l["t_opinions"], v.OpinionsSummary), tbl(l["t_fields"], v.OpinionFields),
			tbl(l["t_resolution"], v.Resolution), tbl(l["t_satisfaction"], v.Satisfaction)}},
		{Title: "III. " + l["s_survey"], Tables: []Table{tbl(l["t_survey"], v.Survey)}},
		{Title: "IV. " + l["s_tasks"], Charts: []Chart{tasks}, Tables: []Table{
			tbl(l["t_outcomes"], v.Outcomes), tbl(l["t_quality"], v.TaskQuality)}},
		{Title: "V. " + l["s_escalations"], Tables: []Table{tbl(l["t_alerts"], v.Alerts)}},
	}
	return p, nil
}

func cells(row []htmlCell) []Cell {
	if row == nil {
		return nil
	}
	out := make([]Cell, len(row))
	for i, c := range row {
		out[i] = Cell{Text: c.Text, Num: c.Num}
	}
	return out
}
