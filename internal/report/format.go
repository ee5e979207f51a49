package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Languages of the printable report.
const (
	LangVI = "vi" // Vietnamese, the default
	LangEN = "en" // English labels; the data text stays Vietnamese
)

// normLang maps a language tag ("vi", "en", "en-US", "") to LangVI or
// LangEN; anything that is not English is Vietnamese.
func normLang(lang string) string {
	tag := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if tag == LangEN {
		return LangEN
	}
	return LangVI
}

// vietnam is Vietnam time. Vietnam has had no daylight saving time since
// 1975, so a fixed zone is exact and needs no tzdata.
func vietnam() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// fmtDate formats a date as dd/mm/yyyy in Vietnam time; "" for zero.
func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam()).Format("02/01/2006")
}

// fmtDateTime formats a moment as "dd/mm/yyyy hh:mm" in Vietnam time; ""
// for zero.
func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam()).Format("02/01/2006 15:04")
}

// fmtPeriod formats a half-open period [from, to) as its inclusive dates,
// "01/01/2026 – 31/12/2026".
func fmtPeriod(from, to time.Time) string {
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return fmtDate(from) + " –"
	case from.IsZero():
		return "– " + fmtDate(to.Add(-time.Nanosecond))
	}
	return fmtDate(from) + " – " + fmtDate(to.Add(-time.Nanosecond))
}

// numberFormat formats numbers in one language: Vietnamese groups thousands
// with "." and uses "," for decimals (1.107; 2,5); English the reverse.
type numberFormat struct {
	thousands, decimal string
}

// numberFormatFor returns the number format of a normalised language.
func numberFormatFor(lang string) numberFormat {
	if lang == LangEN {
		return numberFormat{thousands: ",", decimal: "."}
	}
	return numberFormat{thousands: ".", decimal: ","}
}

// Int formats an integer with grouped thousands.
func (f numberFormat) Int(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	return sign + groupDigits(s, f.thousands)
}

// Dec formats x with one decimal, "2,5" in Vietnamese.
func (f numberFormat) Dec(x float64) string {
	s := strconv.FormatFloat(round1(x), 'f', 1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	return sign + groupDigits(intPart, f.thousands) + f.decimal + frac
}

// Pct formats part/whole as a percentage with one decimal, "83,3%"; "–"
// when whole is zero.
func (f numberFormat) Pct(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return f.Dec(percent(part, whole)) + "%"
}

// groupDigits inserts sep every three digits from the right of a string of
// digits.
func groupDigits(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// round1 rounds to one decimal.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// percent is part/whole in percent, rounded to one decimal; 0 when whole
// is zero.
func percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return round1(float64(part) * 100 / float64(whole))
}

// ratio is the completion ratio of a level in the published form,
// "25/30 xã, phường, thị trấn", taken from the data when present.
func ratio(l LevelCount) string {
	if l.Ratio != "" {
		return l.Ratio
	}
	name := l.LevelName
	if name == "" {
		name = LevelName(l.Level)
	}
	return strconv.Itoa(l.UnitsHeld) + "/" + strconv.Itoa(l.UnitsTotal) + " " + name
}

// paragraphs splits a text into its non-blank lines, trimmed.
func paragraphs(text string) []string {
	var out []string
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// dataTime is when the figures were computed, falling back to the time the
// report was computed.
func dataTime(r *Report) time.Time {
	if !r.Data.DataTime.IsZero() {
		return r.Data.DataTime
	}
	return r.ComputedAt
}

// taskOutcome is one outcome of follow-up tasks, in display order.
type taskOutcome struct {
	Key   string // label key: "on_time", "late", "overdue", "open", "cancelled"
	Count int
}

// taskOutcomes lists the outcomes of t in display order.
func taskOutcomes(t Tasks) []taskOutcome {
	return []taskOutcome{
		{"on_time", t.DoneOnTime},
		{"late", t.DoneLate},
		{"overdue", t.Overdue},
		{"open", t.Open},
		{"cancelled", t.Cancelled},
	}
}

// taskTotal is t.Total, or the sum of the outcomes when Total is unset.
func taskTotal(t Tasks) int {
	if t.Total > 0 {
		return t.Total
	}
	return t.DoneOnTime + t.DoneLate + t.Overdue + t.Open + t.Cancelled
}

// avgAck is the mean acknowledgement time over escalation levels, weighted
// by the acknowledged alerts of each.
func avgAck(levels []EscalationLevel) float64 {
	var sum float64
	var n int
	for _, l := range levels {
		sum += l.AvgAckSeconds * float64(l.Acknowledged)
		n += l.Acknowledged
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
