package receipt

import (
	"strings"
	"testing"
)

func TestNewIsParseableAndVaried(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for i := 0; i < 2000; i++ {
		c := New()
		if len(c) != Length {
			t.Fatalf("code %q has %d characters, want %d", c, len(c), Length)
		}
		if got, ok := Parse(Format(c)); !ok || got != c {
			t.Fatalf("Parse(Format(%q)) = %q, %v", c, got, ok)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice in 2000", c)
		}
		seen[c] = true
		for _, r := range c {
			counts[r]++
		}
	}
	if len(counts) != len(Alphabet) {
		t.Fatalf("2000 codes used %d of the %d characters", len(counts), len(Alphabet))
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"K7MQ-4RTP-2XNA", "K7MQ4RTP2XNA", true},
		{" k7mq 4rtp 2xna ", "K7MQ4RTP2XNA", true},
		{"K7MQ4RTP2XN", "", false},    // short
		{"K7MQ4RTP2XNAA", "", false},  // long
		{"K7MQ-4RTP-2XN0", "", false}, // 0 is not in the alphabet
		{"K7MQ-4RTP-2XNO", "", false}, // nor O
		{"K7MQ-4RTP-2XNĐ", "", false},
		{"K7MQ/4RTP/2XNA", "", false},
		{"", "", false},
	} {
		got, ok := Parse(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for _, c := range "0O1ILSBZWJ" {
		if strings.ContainsRune(Alphabet, c) {
			t.Errorf("alphabet holds the look-alike %q", c)
		}
	}
}
