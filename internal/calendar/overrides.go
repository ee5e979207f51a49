package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ErrInvalidOverrides is returned (wrapped) for any problem with an overrides
// file or value: syntax, unknown keys, bad dates, contradictions.
var ErrInvalidOverrides = errors.New("invalid calendar overrides")

// maxOverridesSize bounds what LoadOverrides reads (1 MiB is far more than
// centuries of government decisions).
const maxOverridesSize = 1 << 20

// OverrideEntry is one dated entry of an overrides file.
type OverrideEntry struct {
	Date   Date
	Name   string // optional Vietnamese name (used for days_off)
	NameEN string // optional English name (used for days_off)
	Note   string // optional free text, e.g. the decision number
	Line   int    // 1-based line in the source file; 0 if built in code
}

// Overrides are a deployment's corrections to the default calendar, usually
// the government's yearly decisions on holiday arrangements. See the package
// documentation for the file format and precedence rules.
type Overrides struct {
	Description    string
	DaysOff        []OverrideEntry // extra non-working days
	WorkingDays    []OverrideEntry // days that are working days whatever the default says
	RemoveHolidays []OverrideEntry // default holidays (or compensating days) that do not apply
}

// LoadOverridesFile reads and validates an overrides JSON file.
func LoadOverridesFile(path string) (*Overrides, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("calendar: overrides: %w", err)
	}
	defer f.Close()
	o, err := LoadOverrides(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}

// LoadOverrides reads and validates overrides JSON from r. Errors wrap
// ErrInvalidOverrides (or the reader's error) and name the line and the entry
// at fault, e.g. `calendar: overrides: line 4: days_off[1]: "2027-02-30":
// invalid date: parsing time "2027-02-30": day out of range: invalid calendar
// overrides`.
func LoadOverrides(r io.Reader) (*Overrides, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxOverridesSize+1))
	if err != nil {
		return nil, fmt.Errorf("calendar: overrides: read: %w", err)
	}
	if len(data) > maxOverridesSize {
		return nil, fmt.Errorf("calendar: overrides: larger than %d bytes: %w", maxOverridesSize, ErrInvalidOverrides)
	}
	p := overridesParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	o, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("calendar: overrides: %w", err)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Validate checks that every date is valid, that no date is listed twice in
// one list, and that no date is both a day off and a working day or both a
// day off and a removed holiday. Errors wrap ErrInvalidOverrides.
func (o *Overrides) Validate() error {
	if o == nil {
		return nil
	}
	lists := []struct {
		key     string
		entries []OverrideEntry
	}{
		{"days_off", o.DaysOff},
		{"working_days", o.WorkingDays},
		{"remove_holidays", o.RemoveHolidays},
	}
	seen := make([]map[Date]string, len(lists))
	for li, l := range lists {
		seen[li] = make(map[Date]string, len(l.entries))
		for i, e := range l.entries {
			where := entryRef(l.key, i, e.Line)
			if !e.Date.IsValid() {
				return fmt.Errorf("calendar: overrides: %s: date %v does not exist: %w", where, e.Date, ErrInvalidOverrides)
			}
			if prev, dup := seen[li][e.Date]; dup {
				return fmt.Errorf("calendar: overrides: %s: %v already listed at %s: %w", where, e.Date, prev, ErrInvalidOverrides)
			}
			seen[li][e.Date] = where
		}
	}
	conflicts := []struct{ a, b int }{{0, 1}, {0, 2}} // days_off vs working_days, days_off vs remove_holidays
	for _, c := range conflicts {
		for i, e := range lists[c.b].entries {
			if other, ok := seen[c.a][e.Date]; ok {
				return fmt.Errorf("calendar: overrides: %s: %v is also in %s: %w",
					entryRef(lists[c.b].key, i, e.Line), e.Date, other, ErrInvalidOverrides)
			}
		}
	}
	return nil
}

func entryRef(key string, i, line int) string {
	if line > 0 {
		return fmt.Sprintf("line %d: %s[%d]", line, key, i)
	}
	return fmt.Sprintf("%s[%d]", key, i)
}

// overridesParser walks the JSON token stream so that errors can name the
// line of the offending entry.
type overridesParser struct {
	data []byte
	dec  *json.Decoder
}

// lineAt returns the 1-based line of byte offset off, skipping whitespace
// first (the decoder's offset is the end of the previous token).
func (p *overridesParser) lineAt(off int64) int {
	i := int(off)
	for i < len(p.data) && strings.IndexByte(" \t\r\n,:", p.data[i]) >= 0 {
		i++
	}
	return bytes.Count(p.data[:i], []byte("\n")) + 1
}

func (p *overridesParser) syntaxErr(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %w: %w", p.lineAt(se.Offset-1), ErrInvalidOverrides, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("line %d: unexpected end of input: %w", p.lineAt(int64(len(p.data))), ErrInvalidOverrides)
	}
	return fmt.Errorf("line %d: %w: %w", p.lineAt(p.dec.InputOffset()), ErrInvalidOverrides, err)
}

func (p *overridesParser) expectDelim(want json.Delim, what string) error {
	off := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return p.syntaxErr(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("line %d: %s: expected %q, got %v: %w", p.lineAt(off), what, string(want), tokString(tok), ErrInvalidOverrides)
	}
	return nil
}

func tokString(tok json.Token) string {
	if s, ok := tok.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", tok)
}

func (p *overridesParser) parse() (*Overrides, error) {
	if len(bytes.TrimSpace(p.data)) == 0 {
		return nil, fmt.Errorf("empty input: %w", ErrInvalidOverrides)
	}
	// Check the syntax of the whole document first: json.Unmarshal reports
	// syntax errors at absolute offsets (the Decoder's are relative to the
	// current value), so the walk below only meets structural problems.
	var whole json.RawMessage
	if err := json.Unmarshal(p.data, &whole); err != nil {
		return nil, p.syntaxErr(err)
	}
	if err := p.expectDelim('{', "top level"); err != nil {
		return nil, err
	}
	o := &Overrides{}
	seenKeys := map[string]bool{}
	for p.dec.More() {
		off := p.dec.InputOffset()
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.syntaxErr(err)
		}
		key, _ := tok.(string)
		line := p.lineAt(off)
		if seenKeys[key] {
			return nil, fmt.Errorf("line %d: key %q repeated: %w", line, key, ErrInvalidOverrides)
		}
		seenKeys[key] = true
		switch key {
		case "description":
			var raw json.RawMessage
			if err := p.dec.Decode(&raw); err != nil {
				return nil, p.syntaxErr(err)
			}
			if err := json.Unmarshal(raw, &o.Description); err != nil {
				return nil, fmt.Errorf("line %d: description must be a string: %w", line, ErrInvalidOverrides)
			}
		case "days_off":
			o.DaysOff, err = p.parseList(key)
		case "working_days":
			o.WorkingDays, err = p.parseList(key)
		case "remove_holidays":
			o.RemoveHolidays, err = p.parseList(key)
		default:
			return nil, fmt.Errorf("line %d: unknown key %q (want description, days_off, working_days, remove_holidays): %w",
				line, key, ErrInvalidOverrides)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := p.expectDelim('}', "top level"); err != nil {
		return nil, err
	}
	if tok, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, p.syntaxErr(err)
		}
		return nil, fmt.Errorf("line %d: unexpected %v after the top-level object: %w",
			p.lineAt(p.dec.InputOffset()), tokString(tok), ErrInvalidOverrides)
	}
	return o, nil
}

// overrideObject is the object form of an entry.
type overrideObject struct {
	Date   *string `json:"date"`
	Name   string  `json:"name"`
	NameEN string  `json:"name_en"`
	Note   string  `json:"note"`
}

func (p *overridesParser) parseList(key string) ([]OverrideEntry, error) {
	if err := p.expectDelim('[', key); err != nil {
		return nil, err
	}
	entries := []OverrideEntry{}
	for i := 0; p.dec.More(); i++ {
		line := p.lineAt(p.dec.InputOffset())
		where := fmt.Sprintf("line %d: %s[%d]", line, key, i)
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return nil, p.syntaxErr(err)
		}
		var obj overrideObject
		switch raw[0] {
		case '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("%s: %w: %w", where, ErrInvalidOverrides, err)
			}
			obj.Date = &s
		case '{':
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&obj); err != nil {
				return nil, fmt.Errorf("%s: %w (want {\"date\": \"YYYY-MM-DD\", \"name\", \"name_en\", \"note\"}): %w",
					where, ErrInvalidOverrides, err)
			}
			if obj.Date == nil {
				return nil, fmt.Errorf("%s: missing \"date\": %w", where, ErrInvalidOverrides)
			}
		default:
			return nil, fmt.Errorf("%s: want a \"YYYY-MM-DD\" string or an object with \"date\", got %s: %w",
				where, raw, ErrInvalidOverrides)
		}
		d, err := ParseDate(*obj.Date)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %w", where, err, ErrInvalidOverrides)
		}
		entries = append(entries, OverrideEntry{Date: d, Name: obj.Name, NameEN: obj.NameEN, Note: obj.Note, Line: line})
	}
	if err := p.expectDelim(']', key); err != nil {
		return nil, err
	}
	return entries, nil
}
