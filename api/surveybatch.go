package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

// maxAnswerErrors is how many faults of a batch one refusal names.
const maxAnswerErrors = 100

// surveyAnswers reads the answers of POST /dialogues/{id}/survey/responses
// one at a time, checking each as it is read, so the store can send the
// first rows to PostgreSQL while the rest is still being decoded. It is
// the body of one request: a batch ({"responses": [...]}, decoded element
// by element) or a single answer.
//
// The whole batch is one unit: once an answer is at fault, the rest is
// read only to name its faults too, and the store is told to store
// nothing.
type surveyAnswers struct {
	dialogueID string
	dec        *json.Decoder          // a batch's body; nil for one answer
	one        *contract.SurveyAnswer // the single answer, until read
	state      batchState
	read       int // answers read so far
	seen       map[string]bool
	listed     bool                  // the "responses" key was read
	errs       []contract.FieldError // faults of the answers read
	fatal      error                 // a fault of the body itself: reading stops
}

// batchState is where a batch's decoder stands in the body.
type batchState int

const (
	beforeBody batchState = iota // before the opening brace
	inObject                     // between the keys of the body
	inList                       // inside the "responses" array
	afterBody                    // the body is read
)

// newSurveyAnswers reads body: a batch when it has the key "responses",
// else one answer (decoded at once).
func newSurveyAnswers(body []byte, dialogueID string) *surveyAnswers {
	a := &surveyAnswers{dialogueID: dialogueID, seen: map[string]bool{}}
	if isSurveyBatch(body) {
		if err := checkJSONText(body); err != nil {
			a.fatal = err
			return a
		}
		a.dec = json.NewDecoder(bytes.NewReader(body))
		a.dec.DisallowUnknownFields()
		return a
	}
	var one contract.SurveyAnswer
	if err := decodeBytes(body, &one); err != nil {
		a.fatal = err
	} else {
		a.one = &one
	}
	return a
}

// next is the store.SurveyRows of the request: the next answer, checked,
// as a row; at the end, or at the first fault, the refusal if there is one.
func (a *surveyAnswers) next() (store.SurveyResponse, bool, error) {
	if ans, i, ok := a.answer(); ok {
		row := a.check(ans, i)
		if len(a.errs) == 0 {
			return row, true, nil
		}
	}
	return store.SurveyResponse{}, false, a.finish()
}

// finish reads what is left, only to name its faults, and answers the
// refusal of the batch, or nil when every answer can be stored. The
// handler calls it when the store would not take the batch (a closed
// survey), so a body at fault is refused for its faults first.
func (a *surveyAnswers) finish() error {
	for len(a.errs) < maxAnswerErrors {
		ans, i, ok := a.answer()
		if !ok {
			break
		}
		a.check(ans, i)
	}
	switch {
	case a.fatal != nil:
		return a.fatal
	case len(a.errs) > 0:
		return validationError(a.errs...)
	case a.read == 0:
		return validationError(fieldError("responses", "empty"))
	}
	return nil
}

// answer decodes the next answer and its index; ok is false at the end of
// the body or at a fault of the body (then a.fatal says what).
func (a *surveyAnswers) answer() (contract.SurveyAnswer, int, bool) {
	if a.fatal != nil {
		return contract.SurveyAnswer{}, 0, false
	}
	if a.dec == nil {
		if a.one == nil {
			return contract.SurveyAnswer{}, 0, false
		}
		one := *a.one
		a.one = nil
		a.read++
		return one, -1, true
	}
	for {
		switch a.state {
		case beforeBody:
			if err := a.expect('{'); err != nil {
				return a.fail(err)
			}
			a.state = inObject
		case inObject:
			if !a.dec.More() {
				if err := a.expect('}'); err != nil {
					return a.fail(err)
				}
				if a.dec.More() {
					return a.fail(newError(http.StatusBadRequest, CodeMalformedJSON, "Có dữ liệu thừa sau đối tượng JSON.", "Unexpected data after the JSON value."))
				}
				a.state = afterBody
				continue
			}
			if err := a.key(); err != nil {
				return a.fail(err)
			}
		case inList:
			if !a.dec.More() {
				if err := a.expect(']'); err != nil {
					return a.fail(err)
				}
				a.state = inObject
				continue
			}
			i := a.read
			if i == MaxSurveyBatch {
				return a.fail(validationError(fieldErrorMsg("responses", "too_many",
					fmt.Sprintf("Mỗi lần gửi tối đa %d ý kiến.", MaxSurveyBatch), fmt.Sprintf("At most %d answers per request.", MaxSurveyBatch))))
			}
			var ans contract.SurveyAnswer
			if err := a.dec.Decode(&ans); err != nil {
				return a.fail(answerJSONError(err, i))
			}
			a.read++
			return ans, i, true
		case afterBody:
			return contract.SurveyAnswer{}, 0, false
		}
	}
}

// key reads a key of the body and, for "responses", the array's opening
// bracket (null is an empty list). A batch has no other key, and the list
// comes once.
func (a *surveyAnswers) key() error {
	t, err := a.dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if t != "responses" {
		return validationError(fieldError(fmt.Sprint(t), "unknown_field"))
	}
	if a.listed {
		return validationError(fieldError("responses", "duplicate"))
	}
	a.listed = true
	t, err = a.dec.Token()
	switch {
	case err != nil:
		return jsonError(err)
	case t == nil:
		return nil
	case t == json.Delim('['):
		a.state = inList
		return nil
	}
	if d, ok := t.(json.Delim); ok && d == '{' {
		t = map[string]any{}
	}
	return jsonError(&json.UnmarshalTypeError{Value: jsonKind(t), Type: reflect.TypeFor[[]contract.SurveyAnswer](), Field: "responses"})
}

// expect reads the delimiter want.
func (a *surveyAnswers) expect(want json.Delim) error {
	t, err := a.dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if t != want {
		return newError(http.StatusBadRequest, CodeMalformedJSON, fmt.Sprintf("JSON sai cú pháp tại vị trí %d.", a.dec.InputOffset()),
			fmt.Sprintf("Malformed JSON at offset %d.", a.dec.InputOffset()))
	}
	return nil
}

func (a *surveyAnswers) fail(err error) (contract.SurveyAnswer, int, bool) {
	a.fatal = err
	return contract.SurveyAnswer{}, 0, false
}

// check checks answer i (-1 for a single answer) and returns it as a row,
// adding its faults to a.errs.
func (a *surveyAnswers) check(ans contract.SurveyAnswer, i int) store.SurveyResponse {
	p := ""
	if i >= 0 {
		p = fmt.Sprintf("responses[%d].", i)
	}
	row := answerRow(&a.errs, p, ans, a.dialogueID, maxAnswerContent)
	if ans.Contact != nil {
		a.errs = append(a.errs, fieldErrorMsg(p+"contact", "contact_public_only",
			"Chỉ người dân tự để lại liên hệ qua đường dẫn phiếu công khai.", "Only respondents leave a contact, through the public link."))
	}
	id, given := answerID(&a.errs, p, ans.ID)
	if given {
		if a.seen[id] {
			a.errs = append(a.errs, fieldError(p+"id", "duplicate"))
		}
		a.seen[id] = true
	}
	row.ID = id
	return row
}

// answerJSONError is jsonError for answer i of a batch: a field it names is
// named in full (responses[i].content).
func answerJSONError(err error, i int) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := fmt.Sprintf("responses[%d]", i)
		if typeErr.Field != "" {
			field += "." + typeErr.Field
		}
		copied := *typeErr
		copied.Field = field
		return jsonError(&copied)
	}
	out := jsonError(err)
	var apiErr *contract.Error
	if errors.As(out, &apiErr) {
		for k, f := range apiErr.Fields {
			if f.Code == "unknown_field" {
				apiErr.Fields[k].Field = fmt.Sprintf("responses[%d].%s", i, f.Field)
			}
		}
	}
	return out
}

// jsonKind names the JSON kind of a token, as encoding/json's type errors
// do.
func jsonKind(t json.Token) string {
	switch t.(type) {
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "bool"
	case map[string]any:
		return "object"
	}
	return "value"
}
