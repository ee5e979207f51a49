// Package receipt makes and reads the receipt codes citizens keep for an
// opinion: short, unguessable, and safe to read aloud or copy by hand.
//
// A code is 12 characters of a 26-character alphabet with no look-alikes
// (no O or 0, I, L or 1; S, B and Z are left out so that 5, 8 and 2 cannot
// be misread, and W and J, which Vietnamese does not use): about 56 random
// bits, written
// in three groups of four ("K7MQ-4RTP-2XNA"). Input is read leniently:
// case, spaces and hyphens do not matter.
package receipt

import (
	"crypto/rand"
	"strings"
)

// Alphabet is the characters a code is made of.
const Alphabet = "23456789ACDEFGHKMNPQRTUVXY"

// Length is the number of characters of a code.
const Length = 12

// New returns a fresh random code in its stored form (no hyphens).
func New() string {
	var b [Length]byte
	// rand.Read never fails on the platforms Go supports (it panics
	// otherwise); rejection sampling keeps every character equally likely.
	out := make([]byte, 0, Length)
	for len(out) < Length {
		_, _ = rand.Read(b[:])
		for _, c := range b {
			if c < 26*9 && len(out) < Length { // 234: the largest multiple of 26 below 256
				out = append(out, Alphabet[c%26])
			}
		}
	}
	return string(out)
}

// Format writes a stored code in groups of four for people to read.
func Format(code string) string {
	if len(code) != Length {
		return code
	}
	return code[0:4] + "-" + code[4:8] + "-" + code[8:12]
}

// Parse reads a code as a person typed it; ok is false when it cannot be a
// code (so it is refused without a database read).
func Parse(s string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 127 || !strings.ContainsRune(Alphabet, r) {
			return "", false
		}
		b.WriteRune(r)
		if b.Len() > Length {
			return "", false
		}
	}
	if b.Len() != Length {
		return "", false
	}
	return b.String(), true
}
