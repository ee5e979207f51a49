package api

import (
	"errors"
	"strings"
	"testing"

	"github.com/doithoai/doithoai/internal/contract"
)

// JSON string values (and keys) holding NUL, another C0 control, DEL, an
// unpaired surrogate or bytes that are not UTF-8 are refused at the decode
// layer, before any handler, SQL or workflow sees them: 422 with the code
// invalid_characters, both languages, and the field's path. Tabs, line
// breaks and paired surrogates (an emoji) pass.
func TestJSONControlCharactersAreRefusedAtDecode(t *testing.T) {
	type body struct {
		Text string `json:"text"`
		List []struct {
			Title string `json:"title"`
		} `json:"list"`
	}
	for _, tc := range []struct {
		raw   string
		field string // "" = accepted
	}{
		{`{"text":"a\u0000b"}`, "text"},
		{`{"text":"\u0001"}`, "text"},
		{`{"text":"\u001B[31m"}`, "text"},
		{`{"text":"\u007f"}`, "text"},
		{"{\"text\":\"\x7f\"}", "text"},
		{`{"text":"\ud800"}`, "text"},
		{`{"text":"\udc00x"}`, "text"},
		{`{"text":"\ud800\u0041"}`, "text"},
		{"{\"text\":\"\xff\"}", "text"},
		{`{"list":[{"title":"ok"},{"title":"x\u0000"}]}`, "list[1].title"},
		{`{"te\u0000xt":"x"}`, "(body)"},
		{`{"list":[{"ti\u0000tle":"x"}]}`, "list[0]"},
		{`{"text":"\\u0000 is how NUL is written"}`, ""},
		{`{"text":"dòng một\ndòng hai\r\n\tthụt lề"}`, ""},
		{`{"text":"\u0009\u000a\u000d"}`, ""},
		{`{"text":"emoji \ud83d\ude00"}`, ""},
		{`{"text":"ổn"}`, ""},
	} {
		var dst body
		err := decodeBytes([]byte(tc.raw), &dst)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s refused: %v", tc.raw, err)
			}
			continue
		}
		var e *contract.Error
		if !errors.As(err, &e) || e.Status != 422 || e.Code != CodeValidation || len(e.Fields) == 0 {
			t.Errorf("%q: %v, want 422 %s", tc.raw, err, CodeValidation)
			continue
		}
		f := e.Fields[0]
		if f.Field != tc.field || f.Code != "invalid_characters" || f.Message == "" || f.MessageEN == "" || !strings.Contains(f.MessageEN, "control") {
			t.Errorf("%q: field %+v, want %s invalid_characters with both messages", tc.raw, f, tc.field)
		}
	}
	// The usual body is not walked token by token.
	if !rawTextOK([]byte(`{"text":"a \"quoted\" \\ path\nline \u00e9 \ud83d\ude00"}`)) {
		t.Error("an ordinary body failed the fast check")
	}
}
