package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/telemetry"
)

// MaxSurveyBatch is the most answers one request may carry.
const MaxSurveyBatch = 5000

func surveyClosedError(e *store.SurveyClosedError) *contract.Error {
	opens := e.OpensAt.In(domain.Location)
	closes := e.ClosesAt.In(domain.Location)
	vi := fmt.Sprintf("Phiếu xin ý kiến không nhận ý kiến lúc này: chỉ nhận từ %s đến %s (giờ Việt Nam).",
		opens.Format("15:04 02/01/2006"), closes.Format("15:04 02/01/2006"))
	en := fmt.Sprintf("The survey is not accepting answers now: it is open from %s to %s (Vietnam time).",
		opens.Format("2006-01-02 15:04"), closes.Format("2006-01-02 15:04"))
	switch e.Phase {
	case domain.PhaseCancelled:
		vi, en = "Hội nghị đã bị hủy, phiếu xin ý kiến không còn nhận ý kiến.", "The dialogue was cancelled; its survey takes no answers."
	case domain.PhaseScheduled:
		vi += " Phiếu chưa mở."
		en += " It has not opened yet."
	default:
		vi += " Phiếu đã đóng."
		en += " It has closed."
	}
	out := newError(http.StatusConflict, CodeSurveyClosed, vi, en)
	out.Details = map[string]any{"phase": e.Phase, "opens_at": e.OpensAt.UTC(), "closes_at": e.ClosesAt.UTC()}
	return out
}

func (s *Server) postSurveyResponses(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	if err := checkJSONContentType(c); err != nil {
		abort(c, err)
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		abort(c, newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "Nội dung yêu cầu quá lớn.", "The request body is too large."))
		return
	}
	// The answers are decoded and checked as the store copies them, and
	// the batch is stored only if every one passes.
	answers := newSurveyAnswers(body, d.ID)
	n, err := s.Store.StreamSurveyResponses(c.Request.Context(), d.ID, answers.next)
	var closed *store.SurveyClosedError
	if errors.As(err, &closed) {
		if bad := answers.finish(); bad != nil {
			err = bad // a body at fault is refused for its faults first
		}
	}
	if err != nil {
		abort(c, err)
		return
	}
	s.Telemetry.Survey.Ingested(telemetry.SurveySourceBatch, n)
	c.JSON(http.StatusCreated, contract.SurveyAccepted{Accepted: n, Duplicates: answers.read - n})
}

// maxAnswerContent is the longest answer staff may enter (the public link
// takes shorter ones: publicSurveyMaxContent).
const maxAnswerContent = 4000

// answerRow checks the text of a survey answer (its faults named under
// prefix) and returns it, trimmed, as the dialogue's row (its id still to
// set): the one check of an answer, whether staff send it in a batch or a
// respondent through the public link.
func answerRow(errs *[]contract.FieldError, prefix string, a contract.SurveyAnswer, dialogueID string, maxContent int) store.SurveyResponse {
	row := store.SurveyResponse{DialogueID: dialogueID, Field: strings.TrimSpace(a.Field), Content: strings.TrimSpace(a.Content),
		RespondentName: strings.TrimSpace(a.RespondentName), RespondentGroup: strings.TrimSpace(a.RespondentGroup)}
	checkText(errs, prefix+"field", row.Field, true, 100)
	checkText(errs, prefix+"content", row.Content, true, maxContent)
	checkText(errs, prefix+"respondent_name", a.RespondentName, false, 200)
	checkText(errs, prefix+"respondent_group", a.RespondentGroup, false, 200)
	return row
}

// answerID reads an answer's optional id: the one given (given true), or
// a new one when none is; a malformed id is a fault at prefix+"id".
func answerID(errs *[]contract.FieldError, prefix, raw string) (id string, given bool) {
	if raw == "" {
		return uuid.NewString(), false
	}
	u, err := uuid.Parse(raw)
	if err != nil {
		*errs = append(*errs, fieldError(prefix+"id", "invalid_id"))
		return uuid.NewString(), false
	}
	return u.String(), true
}

func (s *Server) listSurveyResponses(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	rs, total, err := s.Store.ListSurveyResponses(c.Request.Context(), store.SurveyFilter{DialogueID: d.ID, Field: c.Query("field"), Limit: limit, Offset: offset})
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.Page[store.SurveyResponse]{Items: rs, Total: total, Limit: limit, Offset: offset})
}

// getSurveySummary returns the stored summary of a closed survey, or a
// live count (final=false) while the survey is still open.
func (s *Server) getSurveySummary(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	sum, err := s.Store.GetSurveySummary(ctx, d.ID)
	if errors.Is(err, store.ErrNotFound) {
		sum, err = s.Store.ComputeSurveySummary(ctx, d.ID, s.now())
	}
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, sum)
}

// isSurveyBatch reports whether body is a JSON object with the key
// "responses", reading its tokens only as far as that key (a batch has no
// other). Anything malformed counts as not a batch; decoding it as one
// answer then reports what is wrong.
func isSurveyBatch(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		if key == "responses" {
			return true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}
