package isoduration

import (
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"P14D", 14 * 24 * time.Hour},
		{"PT5S", 5 * time.Second},
		{"PT0.5S", 500 * time.Millisecond},
		{"P1DT12H", 36 * time.Hour},
		{"PT1H30M", 90 * time.Minute},
		{"P2W", 14 * 24 * time.Hour},
		{"PT0S", 0},
		{"PT1,5S", 1500 * time.Millisecond},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Parse(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "P", "14D", "PT", "P1M", "P1Y", "P1DT", "PTS", "P1X", "PT1H1H", "-P1D", "P1D2", "PT1.2.3S"} {
		if _, err := Parse(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) error = %v, want ErrSyntax", in, err)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{0, time.Second, 500 * time.Millisecond, 14 * 24 * time.Hour, 36*time.Hour + 90*time.Second, 3 * time.Minute} {
		s := Format(d)
		back, err := Parse(s)
		if err != nil || back != d {
			t.Errorf("Format(%v) = %q, parses back as %v, %v", d, s, back, err)
		}
	}
	if got := Format(14 * 24 * time.Hour); got != "P14D" {
		t.Errorf("Format(14d) = %q", got)
	}
}
