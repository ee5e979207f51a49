package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/receipt"
)

// The respondent's page: the pre-meeting survey form a dialogue's public
// link opens, with no account and no sign-in. It reads and writes through
// the API's public survey endpoints (no token; the API limits each client's
// rate and takes answers only while the survey is open).

// surveyPageData is the respondent's page in one of its states.
type surveyPageData struct {
	// State is open, closed, notyet, cancelled, unknown or limited.
	State  string
	Token  string
	Survey contract.PublicSurvey
	Fields []string
	// AnswerID makes a form sent twice count once.
	AnswerID string
	// OpensAt and ClosesAt are the window of a survey that is not open.
	OpensAt, ClosesAt any
	// Receipt is the code of the answer just sent (the thank-you page).
	Receipt string
}

// surveyOther is the field for anything else.
const surveyOther = "Khác"

func (s *Server) surveyForm(c *gin.Context, v *view) {
	s.surveyDevice(c, v)
	s.renderSurvey(c, v, http.StatusOK)
}

// surveyDevice gives the respondent's phone its device id: the one in its
// cookie, or a new one set in the cookie (HttpOnly, SameSite=Lax, Secure
// over https), so the API's rate limit counts each phone of a commune hall
// by itself rather than the hall's one address.
func (s *Server) surveyDevice(c *gin.Context, v *view) {
	if id, err := c.Cookie(contract.DeviceCookie); err == nil && contract.ValidDeviceID(id) {
		v.device = id
		return
	}
	v.device = contract.NewDeviceID()
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(contract.DeviceCookie, v.device, contract.DeviceCookieMaxAge, "/", "", s.SecureCookies || c.Request.TLS != nil, true)
}

// renderSurvey reads the survey of the link and shows its form, or why
// there is none.
func (s *Server) renderSurvey(c *gin.Context, v *view, status int) {
	token := c.Param("token")
	var ps contract.PublicSurvey
	if e := s.get(c, v, "/api/v1/survey/"+url.PathEscape(token), nil, &ps); e != nil {
		if e.Status != http.StatusTooManyRequests || v.Form == nil {
			s.surveyUnavailable(c, v, e)
			return
		}
		// A client over its rate cannot read the survey either: keep what
		// they typed in the bare form, with the wait.
		ps = contract.PublicSurvey{}
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
func (s *Server) surveyUnavailable(c *gin.Context, v *view, e *contract.Error) {
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
	s.surveyDevice(c, v)
	token := c.Param("token")
	body := contract.SurveyAnswer{
		Field:           c.PostForm("field"),
		Content:         c.PostForm("content"),
		RespondentName:  strings.TrimSpace(c.PostForm("respondent_name")),
		RespondentGroup: strings.TrimSpace(c.PostForm("respondent_group")),
	}
	if id := c.PostForm("answer_id"); uuid.Validate(id) == nil {
		body.ID = id
	}
	// An optional contact, only with the consent box ticked (the API
	// refuses it without).
	if email, phone := strings.TrimSpace(c.PostForm("contact.email")), strings.TrimSpace(c.PostForm("contact.phone")); email != "" || phone != "" {
		body.Contact = &contract.RespondentContact{Email: email, Phone: phone, Consent: c.PostForm("contact.consent") == "yes"}
	}
	var accepted contract.SurveyAccepted
	if e := s.call(c, v, http.MethodPost, "/api/v1/survey/"+url.PathEscape(token)+"/responses", body, &accepted); e != nil {
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
	to := "/s/" + url.PathEscape(token) + "/done"
	if code, ok := receipt.Parse(accepted.Receipt); ok {
		// The thank-you page shows the receipt: it is the respondent's
		// only key to follow the opinion.
		to += "?r=" + receipt.Format(code)
	}
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}

func (s *Server) surveyDone(c *gin.Context, v *view) {
	v.Title = "survey.thanks_title"
	d := surveyPageData{Token: c.Param("token")}
	if code, ok := receipt.Parse(c.Query("r")); ok {
		d.Receipt = receipt.Format(code)
	}
	v.Data = d
	s.render(c, http.StatusOK, "survey_done", v)
}
