package contract

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/doithoai/doithoai/internal/isoduration"
)

var typeOfString = reflect.TypeOf("")

// Timestamp is an RFC 3339 date-time field that remembers whether it was
// present and valid, so handlers can report the exact field.
type Timestamp struct {
	Time  time.Time
	Set   bool
	Valid bool
	Raw   string
}

// TimestampOf is the field a client sends: raw as typed, even when it is
// not a valid RFC 3339 date-time (the API then names the field at fault).
func TimestampOf(raw string) Timestamp {
	t := Timestamp{Set: true, Raw: raw}
	if tm, err := time.Parse(time.RFC3339, raw); err == nil {
		t.Time, t.Valid = tm, true
	}
	return t
}

// UnmarshalJSON accepts a JSON string; a bad format is recorded, not
// returned, so the handler names the field in its error.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	t.Set = true
	if string(b) == "null" {
		t.Set = false
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: typeOfString}
	}
	*t = TimestampOf(s)
	return nil
}

// MarshalJSON writes the field as it was given: null when absent, else the
// raw text (or the time, for a Timestamp built from one).
func (t Timestamp) MarshalJSON() ([]byte, error) {
	switch {
	case !t.Set:
		return []byte("null"), nil
	case t.Raw == "" && t.Valid:
		return json.Marshal(t.Time.Format(time.RFC3339))
	}
	return json.Marshal(t.Raw)
}

// Duration is an ISO 8601 duration field ("P14D").
type Duration struct {
	D     time.Duration
	Set   bool
	Valid bool
	Raw   string
}

// DurationOf is the field a client sends: raw as typed, even when it is not
// a valid ISO 8601 duration (the API then names the field at fault).
func DurationOf(raw string) Duration {
	d := Duration{Set: true, Raw: raw}
	if v, err := isoduration.Parse(raw); err == nil {
		d.D, d.Valid = v, true
	}
	return d
}

// UnmarshalJSON accepts a JSON string holding an ISO 8601 duration.
func (d *Duration) UnmarshalJSON(b []byte) error {
	d.Set = true
	if string(b) == "null" {
		d.Set = false
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: typeOfString}
	}
	*d = DurationOf(s)
	return nil
}

// MarshalJSON writes the field as it was given: null when absent, else the
// raw text.
func (d Duration) MarshalJSON() ([]byte, error) {
	if !d.Set {
		return []byte("null"), nil
	}
	return json.Marshal(d.Raw)
}
