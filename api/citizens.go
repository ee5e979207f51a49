package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// Codes of the citizens' routes.
const (
	CodeReceiptUnknown   = "receipt_unknown"
	CodeAlreadyRated     = "already_rated"
	CodeNotRatableYet    = "not_ratable_yet"
	CodePublicPageAbsent = "public_page_unknown"
)

// Caps of the citizens' and boards' texts.
const (
	ratingCommentMax = 1000
	remarkMax        = 4000
)

var (
	errReceiptUnknown = newError(http.StatusNotFound, CodeReceiptUnknown,
		"Không tìm thấy mã phiếu này. Hãy kiểm tra lại mã (12 ký tự, ví dụ K7MQ-4RTP-2XNA).",
		"No opinion has this receipt code. Check the code (12 characters, e.g. K7MQ-4RTP-2XNA).")
	errPublicPageUnknown = newError(http.StatusNotFound, CodePublicPageAbsent,
		"Trang công khai này không tồn tại hoặc đã được gỡ.", "This public page does not exist or was taken down.")
)

// receiptStatusText words a receipt's status for the public (vi, en).
var receiptStatusText = map[string][2]string{
	store.ReceiptReceived:          {"Đã tiếp nhận; ý kiến sẽ được đưa ra hội nghị tiếp xúc, đối thoại.", "Received; it will be put to the dialogue."},
	store.ReceiptNotTakenUp:        {"Hội nghị đã diễn ra; ý kiến đã được tổng hợp gửi chủ trì hội nghị nhưng chưa được ghi nhận trả lời riêng.", "The dialogue was held; the opinion was summarised for the chair but has no answer of its own yet."},
	store.OutcomeAnsweredOnSpot:    {"Đã được trả lời trực tiếp tại hội nghị.", "Answered on the spot at the dialogue."},
	store.OutcomeLedToTask:         {"Hội nghị đã kết luận và giao nhiệm vụ giải quyết; đang thực hiện.", "The dialogue concluded on it and assigned tasks; they are under way."},
	store.OutcomeResultAccepted:    {"Đã có kết quả giải quyết được nghiệm thu.", "The result has been accepted."},
	store.OutcomeOpen:              {"Hội nghị đã ghi nhận ý kiến; chưa có kết luận giải quyết.", "Recorded at the dialogue; no conclusion on it yet."},
	store.ReceiptDialogueCancelled: {"Hội nghị đã bị hủy.", "The dialogue was cancelled."},
}

// ratable says whether a receipt's holder may rate now: once there is an
// answer on the spot or an accepted result.
func ratable(status string) bool {
	return status == store.OutcomeAnsweredOnSpot || status == store.OutcomeResultAccepted
}

// lookupReceipt reads the receipt named by :code, answering 404 for a code
// that is malformed or unknown.
func (s *Server) lookupReceipt(c *gin.Context) (*store.ReceiptRecord, bool) {
	code, ok := receipt.Parse(c.Param("code"))
	if !ok {
		abort(c, errReceiptUnknown)
		return nil, false
	}
	rec, err := s.Store.LookupReceipt(c.Request.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		abort(c, errReceiptUnknown)
		return nil, false
	}
	if err != nil {
		abort(c, err)
		return nil, false
	}
	return rec, true
}

// getPublicReceipt answers GET /public/receipts/{code}.
func (s *Server) getPublicReceipt(c *gin.Context) {
	rec, ok := s.lookupReceipt(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, publicReceipt(rec))
}

func publicReceipt(rec *store.ReceiptRecord) contract.PublicReceipt {
	status := rec.Status()
	text := receiptStatusText[status]
	out := contract.PublicReceipt{
		Receipt: receipt.Format(rec.Code), Kind: rec.Kind, Field: rec.Field, Content: rec.Content, SubmittedAt: rec.SubmittedAt,
		Dialogue: publicDialogue(rec.Dialogue, rec.UnitName, rec.HeldAt),
		Status:   status, StatusText: text[0], StatusTextEN: text[1], Opinions: []contract.PublicOpinion{},
	}
	for _, o := range rec.Opinions {
		out.Opinions = append(out.Opinions, contract.PublicOpinion{Seq: o.Seq, Content: o.Content, Outcome: o.Outcome,
			AnsweredOnSpot: o.AnsweredOnSpot, Answer: o.Answer, Conclusions: publicConclusions(o.Conclusions)})
	}
	if rec.Rating != nil {
		out.Rating = &contract.PublicRating{Satisfied: rec.Rating.Satisfied, Comment: rec.Rating.Comment, RatedAt: rec.Rating.RatedAt}
	}
	out.CanRate = rec.Rating == nil && ratable(status)
	return out
}

func publicDialogue(d *store.Dialogue, unitName string, heldAt *time.Time) contract.PublicDialogue {
	out := contract.PublicDialogue{Title: d.Title, UnitName: unitName, Kind: d.Kind, Topic: d.Topic, ScheduledAt: d.ScheduledAt,
		Place: d.Place, Phase: d.Phase, HeldAt: heldAt}
	if d.PublicCode != nil && d.PublishedAt != nil {
		out.PublicCode = receipt.Format(*d.PublicCode)
	}
	return out
}

func publicConclusions(cs []store.PublicConclusion) []contract.PublicConclusion {
	out := []contract.PublicConclusion{}
	for _, c := range cs {
		pc := contract.PublicConclusion{Seq: c.Seq, Content: c.Content, Tasks: []contract.PublicTask{}}
		for _, t := range c.Tasks {
			pt := contract.PublicTask{Title: t.Title, Agency: t.Agency, UnitName: t.UnitName, Status: t.Status, DueAt: t.DueAt, Overdue: t.Overdue}
			if t.Status == domain.TaskDone && t.Result != nil && t.DoneAt != nil {
				pt.Result = &contract.PublicResult{Text: t.Result.Text, AcceptedAt: *t.DoneAt}
			}
			pc.Tasks = append(pc.Tasks, pt)
		}
		out = append(out, pc)
	}
	return out
}

// getPublicDialogue answers GET /public/dialogues/{code}: a published
// dialogue's conclusions and their tasks' progress.
func (s *Server) getPublicDialogue(c *gin.Context) {
	code, ok := receipt.Parse(c.Param("code"))
	if !ok {
		abort(c, errPublicPageUnknown)
		return
	}
	pd, err := s.Store.GetPublicDialogue(c.Request.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		abort(c, errPublicPageUnknown)
		return
	}
	if err != nil {
		abort(c, err)
		return
	}
	out := publicDialogue(pd.Dialogue, pd.UnitName, pd.HeldAt)
	out.Outcomes = pd.Outcomes
	out.Conclusions = publicConclusions(pd.Conclusions)
	if pd.HeldAt != nil {
		out.Attendance = &pd.Attendance
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// ratePublicReceipt answers POST /public/receipts/{code}/rating: the
// holder's satisfaction, once, when there is an answer or accepted
// result. "Not satisfied" raises an alert to the unit's MTTQ (through the
// Feedback workflow, so it is raised and delivered exactly once).
func (s *Server) ratePublicReceipt(c *gin.Context) {
	rec, ok := s.lookupReceipt(c)
	if !ok {
		return
	}
	var req contract.RatingRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	if req.Satisfied == nil {
		errs = append(errs, fieldError("satisfied", "required"))
	}
	comment := strings.TrimSpace(req.Comment)
	checkText(&errs, "comment", comment, false, ratingCommentMax)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if rec.Rating != nil {
		if rec.Rating.Satisfied == *req.Satisfied && rec.Rating.Comment == comment {
			c.JSON(http.StatusOK, publicReceipt(rec)) // the same rating again: a retry
			return
		}
		abort(c, errAlreadyRated)
		return
	}
	if status := rec.Status(); !ratable(status) {
		abort(c, newError(http.StatusConflict, CodeNotRatableYet,
			"Chỉ đánh giá được khi ý kiến đã được trả lời hoặc đã có kết quả giải quyết được nghiệm thu.",
			"A rating can be given once the opinion has been answered or its result accepted."))
		return
	}
	in := workflows.FeedbackInput{Rating: &activities.RatingInput{
		Receipt: rec.Code, DialogueID: rec.Dialogue.ID, UnitID: rec.Dialogue.UnitID, Title: rec.Dialogue.Title, Field: rec.Field,
		Satisfied: *req.Satisfied, Comment: comment, At: s.now(),
	}}
	if err := s.startFeedback(c.Request.Context(), workflows.RatingWorkflowID(rec.Code), in); err != nil {
		if isAlreadyRated(err) {
			err = errAlreadyRated
		}
		abort(c, err)
		return
	}
	// The Feedback workflow stored exactly this rating.
	rec.Rating = &store.Rating{Receipt: rec.Code, Field: rec.Field, Satisfied: in.Rating.Satisfied, Comment: in.Rating.Comment, RatedAt: in.Rating.At}
	c.JSON(http.StatusCreated, publicReceipt(rec))
}

var errAlreadyRated = newError(http.StatusConflict, CodeAlreadyRated,
	"Phiếu này đã được đánh giá; mỗi phiếu chỉ đánh giá một lần.", "This receipt has been rated already; each receipt rates once.")

// isAlreadyRated says the rating was refused as the receipt's second, or
// its workflow completed before.
func isAlreadyRated(err error) bool {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.Type() == activities.ErrTypeAlreadyRated {
		return true
	}
	return isStartedBefore(err)
}

// isStartedBefore says a workflow with the ID completed before, so it was
// not started again.
func isStartedBefore(err error) bool {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	return errors.As(err, &started)
}

// startFeedback starts a Feedback workflow with the Update that returns
// once its record is stored. Its ID comes from the domain (the receipt,
// the remark): a repeated request joins it; one that failed may run again.
func (s *Server) startFeedback(ctx context.Context, id string, in workflows.FeedbackInput) error {
	var res activities.FeedbackResult
	return s.updateWithStart(ctx, id, workflows.FeedbackWorkflowName, in,
		enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY, workflows.UpdateFeedbackSaved, &res)
}

// publishDialogue answers POST /dialogues/{id}/publish: the planner makes
// the dialogue's public page visible (or takes it down).
func (s *Server) publishDialogue(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	var req contract.PublishRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	if req.Published == nil {
		abort(c, validationError(fieldError("published", "required")))
		return
	}
	a := actor(c)
	action := "dialogue.published"
	if !*req.Published {
		action = "dialogue.unpublished"
	}
	ev := store.NewEvent("", a.ID, a.Role, action, "dialogue", d.ID, d.UnitID, a.RequestID, map[string]any{})
	if _, err := s.Store.PublishDialogue(c.Request.Context(), d.ID, *req.Published, ev); err != nil {
		abort(c, err)
		return
	}
	s.respondDialogue(c, d.ID)
}

// postRemark answers POST /tasks/{id}/remarks: the people's inspection
// board's supervision remark, which goes to the MTTQ of the task's unit as
// an alert and into the task's timeline.
func (s *Server) postRemark(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.RemarkRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	content := strings.TrimSpace(req.Content)
	var errs []contract.FieldError
	checkText(&errs, "content", content, true, remarkMax)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	a := actor(c)
	// A retried request (same Idempotency-Key) names the same remark.
	id := uuid.NewString()
	if key := c.GetHeader("Idempotency-Key"); key != "" {
		id = activities.StableID(fmt.Sprintf("remark|%s|%s|%s", t.ID, a.ID, key))
	}
	in := workflows.FeedbackInput{Remark: &activities.RemarkInput{RemarkID: id, TaskID: t.ID, Content: content, Actor: a, At: s.now(), RequestID: a.RequestID}}
	// A run that completed before (the same key, retried) stored the remark.
	if err := s.startFeedback(c.Request.Context(), workflows.RemarkWorkflowID(id), in); err != nil && !isStartedBefore(err) {
		abort(c, err)
		return
	}
	r, err := s.Store.GetRemark(c.Request.Context(), id)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusCreated, r)
}

// listRemarks answers GET /tasks/{id}/remarks.
func (s *Server) listRemarks(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	rs, err := s.Store.ListRemarks(c.Request.Context(), t.ID)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.Page[store.Remark]{Items: rs, Total: len(rs), Limit: len(rs), Offset: 0})
}

// phoneChars are what a typed phone number may hold besides digits.
var phoneChars = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "")

// readContact checks a respondent's contact: consent given, at least one
// way, a plain e-mail address and a Vietnamese phone number (0… or +84…,
// stored as +84…). It returns the row to store, or nil for none.
func readContact(c *contract.RespondentContact, errs *[]contract.FieldError) *store.RespondentContact {
	if c == nil {
		return nil
	}
	email, phone := strings.TrimSpace(c.Email), phoneChars.Replace(strings.TrimSpace(c.Phone))
	n := len(*errs)
	if email == "" && phone == "" {
		*errs = append(*errs, fieldErrorMsg("contact", "contact_empty", "Hãy ghi thư điện tử hoặc số điện thoại, hoặc bỏ trống phần liên hệ.",
			"Give an e-mail address or a phone number, or leave the contact out."))
	}
	if email != "" {
		a, err := mail.ParseAddress(email)
		if err != nil || a.Name != "" || a.Address != email || len(email) > 254 {
			*errs = append(*errs, fieldErrorMsg("contact.email", "invalid_email", "Địa chỉ thư điện tử không đúng.", "Not a valid e-mail address."))
		}
	}
	if phone != "" {
		switch {
		case strings.HasPrefix(phone, "+84"):
			phone = "0" + phone[3:]
		case strings.HasPrefix(phone, "84") && len(phone) == 11:
			phone = "0" + phone[2:]
		}
		if !vnPhone.MatchString(phone) {
			*errs = append(*errs, fieldErrorMsg("contact.phone", "invalid_phone", "Số điện thoại không đúng (ví dụ 0912 345 678).",
				"Not a valid Vietnamese phone number (e.g. 0912 345 678)."))
		}
		phone = "+84" + strings.TrimPrefix(phone, "0")
	}
	if !c.Consent {
		*errs = append(*errs, fieldErrorMsg("contact.consent", "consent_required", "Cần đồng ý với việc dùng liên hệ để được báo tin.",
			"Consent to the use of the contact is required to be told."))
	}
	if len(*errs) > n {
		return nil
	}
	return &store.RespondentContact{Email: email, Phone: phone, ConsentText: lifecycle.ContactConsentVI}
}

// vnPhone is a Vietnamese mobile or landline number written from 0.
var vnPhone = regexp.MustCompile(`^0[1-9][0-9]{8,9}$`)
