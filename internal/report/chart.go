package report

import (
	"cmp"
	"math"
	"slices"
	"unicode/utf8"
)

// The charts of the printable report are laid out here, in Go, as plain
// shapes (rectangles, lines, texts); the template turns them into inline
// SVG, so every text in them is escaped by html/template like the rest of
// the page. They are drawn in greys and one hatch pattern so that they read
// the same printed in black and white.

// Fills of the charts.
const (
	fillDark  = "#333333"
	fillMid   = "#8a8a8a"
	fillLight = "#d4d4d4"
	fillWhite = "#ffffff"
	inkColor  = "#1a1a1a"
	gridColor = "#bdbdbd"
)

// chartWidth is the width of every chart's coordinate system, about the
// text width of an A4 page at 96 CSS pixels an inch.
const chartWidth = 620

// svgChart is one chart as shapes in a chartWidth×Height box.
type svgChart struct {
	ID     string // unique in the page; prefixes pattern IDs
	Label  string // accessible name
	Height float64
	Hatch  bool // defines the hatch pattern, filled as url(#ID-hatch)
	Rects  []svgRect
	Lines  []svgLine
	Texts  []svgText
}

// Width is the width of the chart's coordinate system.
func (c *svgChart) Width() int { return chartWidth }

// HatchFill is the fill that paints the chart's hatch pattern.
func (c *svgChart) HatchFill() string { return "url(#" + c.ID + "-hatch)" }

// HatchID is the ID of the chart's hatch pattern.
func (c *svgChart) HatchID() string { return c.ID + "-hatch" }

// svgRect is a filled rectangle.
type svgRect struct {
	X, Y, W, H float64
	Fill       string
	Stroke     string // "" for none
}

// svgLine is a straight line.
type svgLine struct {
	X1, Y1, X2, Y2 float64
	Stroke         string
	Dash           string // stroke-dasharray, "" for solid
}

// svgText is a one-line text.
type svgText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Size   float64
	Bold   bool
	Fill   string
}

// Weight is the SVG font-weight of the text.
func (t svgText) Weight() string {
	if t.Bold {
		return "bold"
	}
	return "normal"
}

// rect adds a rectangle, its coordinates rounded to tenths of a pixel.
func (c *svgChart) rect(x, y, w, h float64, fill, stroke string) {
	c.Rects = append(c.Rects, svgRect{X: r10(x), Y: r10(y), W: r10(w), H: r10(h), Fill: fill, Stroke: stroke})
}

// line adds a line.
func (c *svgChart) line(x1, y1, x2, y2 float64, stroke, dash string) {
	c.Lines = append(c.Lines, svgLine{X1: r10(x1), Y1: r10(y1), X2: r10(x2), Y2: r10(y2), Stroke: stroke, Dash: dash})
}

// text adds a text.
func (c *svgChart) text(x, y float64, s, anchor string, size float64, bold bool, fill string) {
	c.Texts = append(c.Texts, svgText{X: r10(x), Y: r10(y), Text: s, Anchor: anchor, Size: size, Bold: bold, Fill: fill})
}

// swatch adds a legend entry at (x, y) and returns the x after it.
func (c *svgChart) swatch(x, y float64, fill, stroke, label string) float64 {
	c.rect(x, y-9, 12, 12, fill, stroke)
	c.text(x+17, y+1, label, "start", 11, false, inkColor)
	return x + 17 + textWidth(label, 11) + 18
}

// r10 rounds to tenths.
func r10(x float64) float64 { return math.Round(x*10) / 10 }

// textWidth estimates the width of a text in a sans-serif font of the given
// size (Noto Sans and DejaVu Sans average a little over half an em).
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.56
}

// clip shortens s with an ellipsis to fit width at the given size.
func clip(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	n := max(int(width/(size*0.56))-1, 1)
	r := []rune(s)
	if n >= len(r) {
		return s
	}
	return string(r[:n]) + "…"
}

// niceMax chooses the axis of values up to m: the smallest step of 1, 2,
// 2.5 or 5 times a power of ten that covers m in at most five ticks, and
// the top tick.
func niceMax(m int) (top, step int) {
	if m <= 0 {
		return 1, 1
	}
	for p := 1; ; p *= 10 {
		steps := []int{p, 2 * p, 5 * p}
		if p >= 10 { // 2.5 is a whole step from 25 up
			steps = []int{p, 2 * p, 5 * p / 2, 5 * p}
		}
		for _, s := range steps {
			if n := (m + s - 1) / s; n <= 5 {
				return n * s, s
			}
		}
	}
}

// opinionsChart draws the opinions of each field as a horizontal bar,
// split into those answered at the conference and those followed up,
// longest first.
func opinionsChart(o Opinions, l labels, f numberFormat) *svgChart {
	c := &svgChart{ID: "chart-opinions", Label: l["chart_opinions"]}
	fields := slices.Clone(o.ByField)
	slices.SortStableFunc(fields, func(a, b OpinionField) int { return cmp.Compare(b.Total, a.Total) })

	const (
		top    = 34.0 // legend above
		barH   = 18.0
		gap    = 10.0
		size   = 11.0
		margin = 4.0
	)
	x := margin
	x = c.swatch(x, 14, fillDark, "", l["legend_answered"])
	c.swatch(x, 14, fillLight, fillDark, l["legend_followed_up"])
	if len(fields) == 0 {
		c.text(margin, top+14, l["no_data"], "start", size, false, inkColor)
		c.Height = top + 24
		return c
	}

	labelW := 0.0
	for _, fl := range fields {
		labelW = max(labelW, textWidth(fl.Field, size))
	}
	labelW = min(labelW, chartWidth*0.32)
	maxV := 0
	for _, fl := range fields {
		maxV = max(maxV, fl.Total)
	}
	axisMax, step := niceMax(maxV)
	x0 := margin + labelW + 8
	valueW := textWidth(f.Int(maxV), size) + 10
	plotW := chartWidth - x0 - valueW - margin
	scale := plotW / float64(axisMax)
	bottom := top + float64(len(fields))*(barH+gap)

	for v := 0; v <= axisMax; v += step {
		gx := x0 + float64(v)*scale
		dash := "3 3"
		if v == 0 {
			dash = ""
		}
		c.line(gx, top-4, gx, bottom, gridColor, dash)
		c.text(gx, bottom+14, f.Int(v), "middle", 10, false, inkColor)
	}
	for i, fl := range fields {
		y := top + float64(i)*(barH+gap)
		c.text(x0-8, y+barH/2+4, clip(fl.Field, labelW, size), "end", size, false, inkColor)
		answered := min(max(fl.AnsweredOnSpot, 0), fl.Total)
		wa := float64(answered) * scale
		wf := float64(fl.Total-answered) * scale
		if wa > 0 {
			c.rect(x0, y, wa, barH, fillDark, "")
		}
		if wf > 0 {
			c.rect(x0+wa, y, wf, barH, fillLight, fillDark)
		}
		if wa >= textWidth(f.Int(answered), 10)+8 {
			c.text(x0+wa/2, y+barH/2+4, f.Int(answered), "middle", 10, false, fillWhite)
		}
		c.text(x0+wa+wf+5, y+barH/2+4, f.Int(fl.Total), "start", size, true, inkColor)
	}
	c.Height = bottom + 22
	return c
}

// tasksChart draws the follow-up tasks as one bar split by outcome, with a
// legend giving each outcome's count and share.
func tasksChart(t Tasks, l labels, f numberFormat) *svgChart {
	c := &svgChart{ID: "chart-tasks", Label: l["chart_tasks"], Hatch: true}
	total := taskTotal(t)
	fills := map[string][2]string{ // fill, stroke
		"on_time":   {fillDark, ""},
		"late":      {fillMid, ""},
		"overdue":   {c.HatchFill(), inkColor},
		"open":      {fillLight, ""},
		"cancelled": {fillWhite, inkColor},
	}
	const (
		margin = 4.0
		barY   = 26.0
		barH   = 34.0
	)
	c.text(margin, 14, l["chart_tasks_total"]+": "+f.Int(total), "start", 11, true, inkColor)
	plotW := float64(chartWidth) - 2*margin
	if total == 0 {
		c.rect(margin, barY, plotW, barH, fillWhite, gridColor)
		c.text(chartWidth/2, barY+barH/2+4, l["no_data"], "middle", 11, false, inkColor)
	}
	x := margin
	for _, o := range taskOutcomes(t) {
		if total == 0 || o.Count <= 0 {
			continue
		}
		w := float64(o.Count) / float64(total) * plotW
		fs := fills[o.Key]
		c.rect(x, barY, w, barH, fs[0], fs[1])
		pct := f.Pct(o.Count, total)
		if o.Key != "overdue" && w >= textWidth(pct, 11)+8 {
			ink := inkColor
			if fs[0] == fillDark || fs[0] == fillMid {
				ink = fillWhite
			}
			c.text(x+w/2, barY+barH/2+4, pct, "middle", 11, true, ink)
		}
		x += w
	}
	for _, p := range []int{0, 25, 50, 75, 100} {
		gx := margin + plotW*float64(p)/100
		c.line(gx, barY+barH, gx, barY+barH+5, inkColor, "")
		anchor := "middle"
		switch p {
		case 0:
			anchor = "start"
		case 100:
			anchor = "end"
		}
		c.text(gx, barY+barH+17, f.Int(p)+"%", anchor, 9.5, false, inkColor)
	}

	// Legend: two columns of "■ label  count (share)".
	legendY := barY + barH + 40
	colW := plotW / 2
	for i, o := range taskOutcomes(t) {
		lx := margin + float64(i%2)*colW
		ly := legendY + float64(i/2)*22
		fs := fills[o.Key]
		stroke := fs[1]
		if fs[0] == fillLight {
			stroke = fillMid
		}
		c.rect(lx, ly-11, 14, 14, fs[0], stroke)
		c.text(lx+20, ly, l.outcome(o.Key), "start", 11, false, inkColor)
		c.text(lx+colW-16, ly, f.Int(o.Count)+" ("+f.Pct(o.Count, total)+")", "end", 11, true, inkColor)
	}
	c.Height = legendY + float64((len(taskOutcomes(t))+1)/2)*22
	return c
}

// levelsChart draws, for each level, the dialogues planned and held as a
// pair of columns, with the level's completion ratio under it.
func levelsChart(d Dialogues, l labels, f numberFormat) *svgChart {
	c := &svgChart{ID: "chart-levels", Label: l["chart_levels"]}
	const (
		margin = 4.0
		top    = 36.0
		plotH  = 110.0
		size   = 11.0
	)
	x := margin
	x = c.swatch(x, 14, fillLight, fillDark, l["legend_planned"])
	c.swatch(x, 14, fillDark, "", l["legend_held"])
	if len(d.ByLevel) == 0 {
		c.text(margin, top+14, l["no_data"], "start", size, false, inkColor)
		c.Height = top + 24
		return c
	}
	maxV := 0
	for _, lc := range d.ByLevel {
		maxV = max(maxV, lc.Planned, lc.Held)
	}
	axisMax, step := niceMax(maxV)
	x0 := margin + textWidth(f.Int(axisMax), 10) + 8
	plotW := chartWidth - x0 - margin
	bottom := top + plotH
	scale := plotH / float64(axisMax)
	for v := 0; v <= axisMax; v += step {
		gy := bottom - float64(v)*scale
		dash := "3 3"
		if v == 0 {
			dash = ""
		}
		c.line(x0, gy, chartWidth-margin, gy, gridColor, dash)
		c.text(x0-6, gy+4, f.Int(v), "end", 10, false, inkColor)
	}
	slot := plotW / float64(len(d.ByLevel))
	barW := min(slot*0.22, 56)
	for i, lc := range d.ByLevel {
		cx := x0 + slot*(float64(i)+0.5)
		for j, v := range []int{lc.Planned, lc.Held} {
			bx := cx - barW - 3 + float64(j)*(barW+6)
			h := float64(v) * scale
			fill, stroke := fillLight, fillDark
			if j == 1 {
				fill, stroke = fillDark, ""
			}
			c.rect(bx, bottom-h, barW, h, fill, stroke)
			c.text(bx+barW/2, bottom-h-5, f.Int(v), "middle", size, true, inkColor)
		}
		c.text(cx, bottom+16, clip(l.level(lc.Level), slot-8, size), "middle", size, true, inkColor)
		c.text(cx, bottom+31, clip(ratio(lc), slot-8, 10), "middle", 10, false, inkColor)
	}
	c.Height = bottom + 40
	return c
}
