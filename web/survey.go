package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// The respondent's page: the pre-meeting survey form a dialogue's public
// link opens, with no account and no sign-in. It reads and writes through
// the API's public survey endpoints (no token; the API limits each client's
// rate and takes answers only while the survey is open).

func init() {
	registrations = append(registrations, func(s *Server, r *gin.Engine) {
		r.GET("/s/:token", s.public(s.surveyForm))
		r.POST("/s/:token", s.public(s.surveySubmit))
		r.GET("/s/:token/done", s.public(s.surveyDone))
	})
	addMessages(map[string][2]string{
		"survey.title":           {"Phiếu xin ý kiến", "Survey"},
		"survey.heading":         {"Phiếu xin ý kiến trước hội nghị", "Survey before the dialogue"},
		"survey.intro":           {"Ý kiến, kiến nghị của bạn sẽ được tổng hợp gửi người chủ trì để chuẩn bị trả lời tại hội nghị.", "Your opinion or question will be summarised for the host, who prepares answers for the dialogue."},
		"survey.unit":            {"Đơn vị", "Unit"},
		"survey.dialogue":        {"Hội nghị", "Dialogue"},
		"survey.when":            {"Thời gian", "Date"},
		"survey.place":           {"Địa điểm", "Place"},
		"survey.topic":           {"Chuyên đề", "Topic"},
		"survey.groups":          {"Thành phần mời", "Invited"},
		"survey.window":          {"Nhận ý kiến từ %s đến %s", "Open from %s to %s"},
		"survey.field":           {"Lĩnh vực", "Field"},
		"survey.field_choose":    {"— Chọn lĩnh vực —", "— Choose a field —"},
		"survey.content":         {"Ý kiến, kiến nghị của bạn", "Your opinion or question"},
		"survey.content_hint":    {"Tối đa 2.000 ký tự.", "At most 2,000 characters."},
		"survey.name":            {"Họ và tên (không bắt buộc)", "Your name (optional)"},
		"survey.group":           {"Thành phần, tổ chức (không bắt buộc)", "Group or organisation (optional)"},
		"survey.retry":           {"Tải lại phiếu", "Reload the survey"},
		"survey.send":            {"Gửi ý kiến", "Send"},
		"survey.thanks_title":    {"Cảm ơn bạn đã gửi ý kiến", "Thank you for your opinion"},
		"survey.thanks":          {"Ý kiến của bạn đã được ghi nhận và sẽ được tổng hợp gửi người chủ trì hội nghị.", "Your opinion was recorded and will be summarised for the host of the dialogue."},
		"survey.another":         {"Gửi thêm một ý kiến khác", "Send another opinion"},
		"survey.closed_title":    {"Phiếu xin ý kiến đã đóng", "The survey is closed"},
		"survey.closed":          {"Phiếu xin ý kiến này không còn nhận ý kiến.", "This survey no longer takes answers."},
		"survey.was_open":        {"Phiếu đã nhận ý kiến từ %s đến %s (giờ Việt Nam).", "It was open from %s to %s (Vietnam time)."},
		"survey.notyet_title":    {"Phiếu xin ý kiến chưa mở", "The survey has not opened yet"},
		"survey.notyet":          {"Phiếu sẽ nhận ý kiến từ %s đến %s (giờ Việt Nam). Vui lòng quay lại trong thời gian này.", "It will be open from %s to %s (Vietnam time). Please come back then."},
		"survey.cancelled_title": {"Hội nghị đã hủy", "The dialogue was cancelled"},
		"survey.cancelled":       {"Hội nghị này đã bị hủy, phiếu xin ý kiến không còn nhận ý kiến.", "This dialogue was cancelled; its survey takes no answers."},
		"survey.unknown_title":   {"Không tìm thấy phiếu xin ý kiến", "Survey not found"},
		"survey.unknown":         {"Đường dẫn phiếu xin ý kiến không đúng hoặc không còn hiệu lực. Hãy kiểm tra lại đường dẫn bạn nhận được.", "This survey link is not valid. Check the link you were given."},
		"survey.kind.periodic":   {"Hội nghị định kỳ", "Periodic dialogue"},
		"survey.kind.thematic":   {"Hội nghị chuyên đề", "Thematic dialogue"},
		"survey.kind.adhoc":      {"Hội nghị đột xuất", "Ad hoc dialogue"},
	})
}

// publicSurveyJSON is GET /api/v1/survey/{token}.
type publicSurveyJSON struct {
	UnitName      string    `json:"unit_name"`
	Title         string    `json:"title"`
	Kind          string    `json:"kind"`
	Topic         string    `json:"topic"`
	ScheduledAt   time.Time `json:"scheduled_at"`
	Place         string    `json:"place"`
	InvitedGroups []string  `json:"invited_groups"`
	OpensAt       time.Time `json:"opens_at"`
	ClosesAt      time.Time `json:"closes_at"`
	Fields        []string  `json:"fields"`
}

// surveyPageData is the respondent's page in one of its states.
type surveyPageData struct {
	// State is open, closed, notyet, cancelled, unknown or limited.
	State  string
	Token  string
	Survey publicSurveyJSON
	Fields []string
	// AnswerID makes a form sent twice count once.
	AnswerID string
	// OpensAt and ClosesAt are the window of a survey that is not open.
	OpensAt, ClosesAt any
}

// surveyOther is the field for anything else.
const surveyOther = "Khác"

func (s *Server) surveyForm(c *gin.Context, v *view) {
	s.renderSurvey(c, v, http.StatusOK)
}

// renderSurvey reads the survey of the link and shows its form, or why
// there is none.
func (s *Server) renderSurvey(c *gin.Context, v *view, status int) {
	token := c.Param("token")
	var ps publicSurveyJSON
	if e := s.get(c, v, "/api/v1/survey/"+url.PathEscape(token), nil, &ps); e != nil {
		if e.Status != http.StatusTooManyRequests || v.Form == nil {
			s.surveyUnavailable(c, v, e)
			return
		}
		// A client over its rate cannot read the survey either: keep what
		// they typed in the bare form, with the wait.
		ps = publicSurveyJSON{}
		if f := v.Val("field"); f != "" {
			ps.Fields = []string{f}
		}
		v.FormError = e.Msg(v.Lang)
		status = http.StatusTooManyRequests
	}
	fields := slices.Clone(ps.Fields)
	if !slices.Contains(fields, surveyOther) {
		fields = append(fields, surveyOther)
	}
	d := surveyPageData{State: "open", Token: token, Survey: ps, Fields: fields, AnswerID: v.Val("answer_id")}
	if d.AnswerID == "" {
		d.AnswerID = uuid.NewString()
	}
	v.Title = "survey.title"
	v.Data = d
	s.render(c, status, "survey", v)
}

// surveyUnavailable explains a link that does not open a form: unknown,
// not yet open, closed, the dialogue cancelled.
func (s *Server) surveyUnavailable(c *gin.Context, v *view, e *apiError) {
	d := surveyPageData{Token: c.Param("token")}
	switch e.Status {
	case http.StatusNotFound:
		d.State = "unknown"
	case http.StatusTooManyRequests:
		d.State = "limited"
		v.FormError = e.Msg(v.Lang)
	case http.StatusGone:
		d.State = "closed"
		if e.Details != nil {
			switch e.Details["phase"] {
			case "scheduled":
				d.State = "notyet"
			case "cancelled":
				d.State = "cancelled"
			}
			d.OpensAt, d.ClosesAt = e.Details["opens_at"], e.Details["closes_at"]
		}
	default:
		v.Data = errorData{Key: "err.api", Detail: e.Msg(v.Lang)}
		s.render(c, e.Status, "error", v)
		return
	}
	v.Title = "survey.title"
	v.Data = d
	s.render(c, e.Status, "survey", v)
}

func (s *Server) surveySubmit(c *gin.Context, v *view) {
	token := c.Param("token")
	body := map[string]any{
		"field":            c.PostForm("field"),
		"content":          c.PostForm("content"),
		"respondent_name":  strings.TrimSpace(c.PostForm("respondent_name")),
		"respondent_group": strings.TrimSpace(c.PostForm("respondent_group")),
	}
	if id := c.PostForm("answer_id"); uuid.Validate(id) == nil {
		body["id"] = id
	}
	if e := s.call(c, v, http.MethodPost, "/api/v1/survey/"+url.PathEscape(token)+"/responses", body, nil); e != nil {
		switch e.Status {
		case http.StatusNotFound, http.StatusGone:
			s.surveyUnavailable(c, v, e)
			return
		}
		status := keepRefusedForm(c, v, e, nil)
		if status == 0 {
			s.failed(c, v, e)
			return
		}
		s.renderSurvey(c, v, status)
		return
	}
	c.Redirect(http.StatusSeeOther, "/s/"+url.PathEscape(token)+"/done")
	c.Abort()
}

func (s *Server) surveyDone(c *gin.Context, v *view) {
	v.Title = "survey.thanks_title"
	v.Data = surveyPageData{Token: c.Param("token")}
	s.render(c, http.StatusOK, "survey_done", v)
}
