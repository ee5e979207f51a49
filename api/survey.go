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
	answers, prefix, err := readSurveyAnswers(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	if len(answers) == 0 {
		errs = append(errs, fieldError("responses", "empty"))
	}
	if len(answers) > MaxSurveyBatch {
		abort(c, validationError(fieldErrorMsg("responses", "too_many",
			fmt.Sprintf("Mỗi lần gửi tối đa %d ý kiến.", MaxSurveyBatch), fmt.Sprintf("At most %d answers per request.", MaxSurveyBatch))))
		return
	}
	rows := make([]store.SurveyResponse, 0, len(answers))
	seen := make(map[string]bool, len(answers))
	for i, a := range answers {
		p := fmt.Sprintf("%s[%d].", prefix, i)
		if prefix == "" {
			p = ""
		}
		if len(errs) >= 100 {
			break // enough to show the client what is wrong
		}
		checkText(&errs, p+"field", strings.TrimSpace(a.Field), true, 100)
		checkText(&errs, p+"content", strings.TrimSpace(a.Content), true, 4000)
		checkText(&errs, p+"respondent_name", a.RespondentName, false, 200)
		checkText(&errs, p+"respondent_group", a.RespondentGroup, false, 200)
		if a.Contact != nil {
			errs = append(errs, fieldErrorMsg(p+"contact", "contact_public_only",
				"Chỉ người dân tự để lại liên hệ qua đường dẫn phiếu công khai.", "Only respondents leave a contact, through the public link."))
		}
		id := uuid.NewString()
		if a.ID != "" {
			u, err := uuid.Parse(a.ID)
			if err != nil {
				errs = append(errs, fieldError(p+"id", "invalid_id"))
			} else {
				id = u.String()
			}
			if seen[id] {
				errs = append(errs, fieldError(p+"id", "duplicate"))
			}
			seen[id] = true
		}
		rows = append(rows, store.SurveyResponse{ID: id, DialogueID: d.ID, Field: strings.TrimSpace(a.Field), Content: strings.TrimSpace(a.Content),
			RespondentName: strings.TrimSpace(a.RespondentName), RespondentGroup: strings.TrimSpace(a.RespondentGroup)})
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	n, err := s.Store.InsertSurveyResponses(c.Request.Context(), d.ID, rows)
	if err != nil {
		abort(c, err)
		return
	}
	s.Telemetry.Survey.Ingested(telemetry.SurveySourceBatch, n)
	c.JSON(http.StatusCreated, contract.SurveyAccepted{Accepted: n, Duplicates: len(rows) - n})
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

// readSurveyAnswers reads the body of POST /dialogues/{id}/survey/responses:
// one answer, or a batch under "responses" (then prefix names the list).
// The body is decoded once; isSurveyBatch only tokenises up to the key
// "responses".
func readSurveyAnswers(c *gin.Context) (answers []contract.SurveyAnswer, prefix string, err error) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return nil, "", newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "Nội dung yêu cầu quá lớn.", "The request body is too large.")
	}
	if isSurveyBatch(body) {
		var b contract.SurveyBatch
		if err := decodeBytes(body, &b); err != nil {
			return nil, "", err
		}
		return b.Responses, "responses", nil
	}
	var one contract.SurveyAnswer
	if err := decodeBytes(body, &one); err != nil {
		return nil, "", err
	}
	return []contract.SurveyAnswer{one}, "", nil
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
