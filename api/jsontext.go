package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/doithoai/doithoai/internal/contract"
)

// JSON bodies are checked for text no field can hold before they are
// decoded: PostgreSQL text cannot store NUL, and no field of the API has a
// use for the other C0 control characters, DEL, an unpaired UTF-16
// surrogate (\ud800, which a decoder would silently turn into U+FFFD) or
// bytes that are not UTF-8. Tab, CR and LF pass: free text (a result, a
// reason, an opinion) may hold lines; single-line fields are held to their
// own rules by their handlers.

// maxTextErrors caps the fields named in one refusal.
const maxTextErrors = 20

// checkJSONText answers nil when every string of body (keys included) is
// text, else a 422 invalid_characters naming each field at fault. The
// usual body costs one pass over its backslashes; only a body at fault is
// walked token by token to find its fields.
func checkJSONText(body []byte) error {
	if rawTextOK(body) {
		return nil
	}
	errs := badTextFields(body)
	if len(errs) == 0 { // not JSON: the decoder says what is wrong
		return nil
	}
	return validationError(errs...)
}

// rawTextOK says whether body, as raw JSON, holds only text: valid UTF-8,
// no DEL, and no escape of a control character or of an unpaired
// surrogate. (A raw control byte inside a string is a JSON syntax error
// the decoder reports.)
func rawTextOK(b []byte) bool {
	if !utf8.Valid(b) || bytes.IndexByte(b, 0x7f) >= 0 {
		return false
	}
	for i := 0; ; {
		k := bytes.IndexByte(b[i:], '\\')
		if k < 0 {
			return true
		}
		i += k
		if i+1 >= len(b) {
			return true // truncated: a syntax error
		}
		if b[i+1] != 'u' {
			i += 2 // \\, \", \n, \t …
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok {
			return true // a syntax error
		}
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			return false
		case r >= 0xdc00 && r < 0xe000:
			return false // a low surrogate alone
		case r >= 0xd800 && r < 0xdc00:
			if i+11 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
				if lo, ok := hex4(b, i+8); ok && lo >= 0xdc00 && lo < 0xe000 {
					i += 12
					continue
				}
			}
			return false // a high surrogate alone
		}
		i += 6
	}
}

// hex4 reads the four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	return rune(n), err == nil
}

// jsonFrame is an object or array being walked.
type jsonFrame struct {
	object    bool
	expectKey bool
	key       string
	index     int
}

// badTextFields walks body's tokens and names the field of every string
// (or, for a key, its object) that rawTextOK refuses.
func badTextFields(body []byte) []contract.FieldError {
	dec := json.NewDecoder(bytes.NewReader(body))
	var (
		stack []jsonFrame
		errs  []contract.FieldError
		seen  = map[string]bool{}
	)
	path := func(keyOnly bool) string {
		var p []byte
		for i, f := range stack {
			last := i == len(stack)-1
			switch {
			case f.object && last && keyOnly:
			case f.object:
				if len(p) > 0 {
					p = append(p, '.')
				}
				p = append(p, f.key...)
			default:
				p = fmt.Appendf(p, "[%d]", f.index)
			}
		}
		if len(p) == 0 {
			return "(body)"
		}
		return string(p)
	}
	// valueDone moves the enclosing frame past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].expectKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	for len(errs) < maxTextErrors {
		from := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			break
		}
		raw := body[from:dec.InputOffset()]
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				stack = append(stack, jsonFrame{object: v == '{', expectKey: v == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			n := len(stack)
			isKey := n > 0 && stack[n-1].object && stack[n-1].expectKey
			if isKey {
				stack[n-1].key, stack[n-1].expectKey = v, false
				if !plainText(v) || !utf8.ValidString(v) {
					stack[n-1].key = "(key)"
				}
			}
			if !rawTextOK(raw) {
				field := path(isKey)
				if !seen[field] {
					seen[field] = true
					errs = append(errs, fieldError(field, "invalid_characters"))
				}
			}
			if !isKey {
				valueDone()
			}
		default:
			valueDone()
		}
	}
	return errs
}
