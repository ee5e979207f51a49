// Package isoduration parses and formats the ISO 8601 durations that plan
// policies are written in ("P14D", "PT5S", "P1DT12H", "PT0.5S").
//
// Only exact units are accepted: weeks, days (24 hours), hours, minutes and
// seconds. Years and months have no fixed length and are refused with an
// error that says so.
package isoduration

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("invalid ISO 8601 duration")

// Parse reads an ISO 8601 duration such as "P14D" or "PT1H30M".
// A leading minus sign is not allowed: policies never need negative spans.
func Parse(s string) (time.Duration, error) {
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, fmt.Errorf("%w %q: must look like P14D or PT5S", ErrSyntax, s)
	}
	rest := s[1:]
	var total time.Duration
	inTime := false
	seen := ""
	for len(rest) > 0 {
		if rest[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("%w %q: T appears twice", ErrSyntax, s)
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return 0, fmt.Errorf("%w %q: nothing after T", ErrSyntax, s)
			}
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.' || rest[i] == ',') {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("%w %q: expected a number followed by a unit", ErrSyntax, s)
		}
		num, err := strconv.ParseFloat(strings.ReplaceAll(rest[:i], ",", "."), 64)
		if err != nil {
			return 0, fmt.Errorf("%w %q: %v", ErrSyntax, s, err)
		}
		unit := rest[i]
		key := string(unit)
		if inTime {
			key = "T" + key
		}
		if strings.Contains(seen, "|"+key+"|") {
			return 0, fmt.Errorf("%w %q: unit %c repeated", ErrSyntax, s, unit)
		}
		seen += "|" + key + "|"
		var scale time.Duration
		switch {
		case !inTime && unit == 'W':
			scale = 7 * 24 * time.Hour
		case !inTime && unit == 'D':
			scale = 24 * time.Hour
		case !inTime && (unit == 'Y' || unit == 'M'):
			return 0, fmt.Errorf("%w %q: years and months have no fixed length; use days (e.g. P30D)", ErrSyntax, s)
		case inTime && unit == 'H':
			scale = time.Hour
		case inTime && unit == 'M':
			scale = time.Minute
		case inTime && unit == 'S':
			scale = time.Second
		default:
			return 0, fmt.Errorf("%w %q: unknown unit %c", ErrSyntax, s, unit)
		}
		part := num * float64(scale)
		if part > float64(1<<62) || total > time.Duration(1<<62)-time.Duration(part) {
			return 0, fmt.Errorf("%w %q: too long", ErrSyntax, s)
		}
		total += time.Duration(part)
		rest = rest[i+1:]
	}
	return total, nil
}

// Format writes d as an ISO 8601 duration using days, hours, minutes and
// seconds ("P14D", "PT5S", "P1DT2H"). Zero is "PT0S".
func Format(d time.Duration) string {
	if d == 0 {
		return "PT0S"
	}
	neg := d < 0
	if neg {
		d = -d
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteByte('P')
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	if days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10))
		b.WriteByte('D')
	}
	if d > 0 {
		b.WriteByte('T')
		h := d / time.Hour
		d -= h * time.Hour
		m := d / time.Minute
		d -= m * time.Minute
		if h > 0 {
			b.WriteString(strconv.FormatInt(int64(h), 10) + "H")
		}
		if m > 0 {
			b.WriteString(strconv.FormatInt(int64(m), 10) + "M")
		}
		if d > 0 {
			b.WriteString(strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "S")
		}
	}
	return b.String()
}
