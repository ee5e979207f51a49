package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/receipt"
)

// The citizens' pages, open to anyone and made for a phone: the lookup of
// a receipt code (GET /tra-cuu, GET /tra-cuu/:code) with the holder's
// rating (POST /tra-cuu/:code), and a published dialogue's public page
// (GET /cong-khai/:code). They read the API's public routes with no token,
// so they can show no more than those answer: units, agencies and
// official titles, never a person's name, a contact, a token or an id.

// receiptPollMS is how often the lookup page asks the API whether the
// receipt's state changed (static/receipt.js; a data attribute).
const receiptPollMS = 5000

// rcptPageData is the lookup page: the form alone, an unknown code, or a
// receipt and what became of it.
type rcptPageData struct {
	// Code is the code as typed (unknown) or as formatted (found).
	Code  string
	Found bool
	R     contract.PublicReceipt
	// StatusText is the receipt's status in the page language.
	StatusText string
	// StateKey is what static/receipt.js compares the API's answer with
	// (receiptStateKey); PollURL and PollMS tell it where and how often.
	StateKey string
	PollURL  string
	PollMS   int
}

// receiptStateKey sums up what the lookup page shows that can change: the
// status, the rating, each task's state, deadline and accepted result.
// static/receipt.js computes the same key from the API's JSON (times as
// the API writes them, RFC 3339 with nanoseconds) and re-renders the page's
// live part when the two differ.
func receiptStateKey(r contract.PublicReceipt) string {
	b := func(x bool) string {
		if x {
			return "1"
		}
		return "0"
	}
	parts := []string{r.Status, b(r.CanRate)}
	if r.Rating != nil {
		parts = append(parts, "rated:"+b(r.Rating.Satisfied))
	} else {
		parts = append(parts, "-")
	}
	for _, o := range r.Opinions {
		parts = append(parts, o.Outcome)
		for _, c := range o.Conclusions {
			for _, t := range c.Tasks {
				parts = append(parts, t.Status, b(t.Overdue), t.DueAt.Format(time.RFC3339Nano))
				if t.Result != nil {
					parts = append(parts, t.Result.AcceptedAt.Format(time.RFC3339Nano))
				}
			}
		}
	}
	return strings.Join(parts, "|")
}

// rcptForm is GET /tra-cuu: the form to type a code; with ?ma= it goes to
// that code's page (or says the code cannot be one).
func (s *Server) rcptForm(c *gin.Context, v *view) {
	v.Title = "rc.title"
	typed := strings.TrimSpace(c.Query("ma"))
	if typed != "" {
		if code, ok := receipt.Parse(typed); ok {
			c.Redirect(http.StatusSeeOther, "/tra-cuu/"+receipt.Format(code))
			c.Abort()
			return
		}
		v.Form = url.Values{"ma": {typed}}
		v.Errors = map[string]string{"ma": v.T("rc.bad_code")}
		v.Data = rcptPageData{Code: typed}
		s.render(c, http.StatusUnprocessableEntity, "lookup", v)
		return
	}
	v.Data = rcptPageData{}
	s.render(c, http.StatusOK, "lookup", v)
}

// rcptShow is GET /tra-cuu/:code.
func (s *Server) rcptShow(c *gin.Context, v *view) {
	s.renderReceipt(c, v, http.StatusOK)
}

// getByCode reads the public answer at base + the code in the URL (a
// receipt's or a dialogue's, read leniently) into out. found is false for
// a malformed or unknown code, which the page shows with a 404; e is any
// other failure.
func (s *Server) getByCode(c *gin.Context, v *view, base string, out any) (typed, code string, found bool, e *contract.Error) {
	typed = c.Param("code")
	code, ok := receipt.Parse(typed)
	if !ok {
		return typed, "", false, nil
	}
	if e = s.get(c, v, base+url.PathEscape(code), nil, out); e != nil && e.Status == http.StatusNotFound {
		return typed, code, false, nil
	}
	return typed, code, e == nil, e
}

// renderReceipt reads the receipt of the URL and shows it; an unknown code
// gets the lookup page again with a 404.
func (s *Server) renderReceipt(c *gin.Context, v *view, status int) {
	v.Title = "rc.title"
	var r contract.PublicReceipt
	typed, _, found, e := s.getByCode(c, v, "/api/v1/public/receipts/", &r)
	if e != nil {
		s.failed(c, v, e)
		return
	}
	if !found {
		v.Form = url.Values{"ma": {typed}}
		v.Data = rcptPageData{Code: typed}
		s.render(c, http.StatusNotFound, "lookup", v)
		return
	}
	d := rcptPageData{Code: r.Receipt, Found: true, R: r, StatusText: r.StatusText, StateKey: receiptStateKey(r),
		PollURL: "/api/v1/public/receipts/" + url.PathEscape(r.Receipt), PollMS: receiptPollMS}
	if v.Lang == "en" && r.StatusTextEN != "" {
		d.StatusText = r.StatusTextEN
	}
	v.Data = d
	s.render(c, status, "receipt", v)
}

// rcptRate is POST /tra-cuu/:code: the holder's rating, sent through the
// API (which takes one per receipt, once there is an answer or an accepted
// result). Like every form of the site it must come from the site's own
// origin; the code itself is the holder's key.
func (s *Server) rcptRate(c *gin.Context, v *view) {
	if !s.sameOrigin(c) {
		s.renderError(c, http.StatusForbidden, "err.csrf")
		return
	}
	code, ok := receipt.Parse(c.Param("code"))
	if !ok {
		s.renderReceipt(c, v, http.StatusNotFound)
		return
	}
	body := contract.RatingRequest{Comment: strings.TrimSpace(c.PostForm("comment"))}
	switch c.PostForm("satisfied") {
	case "yes":
		yes := true
		body.Satisfied = &yes
	case "no":
		no := false
		body.Satisfied = &no
	}
	if e := s.call(c, v, http.MethodPost, "/api/v1/public/receipts/"+url.PathEscape(code)+"/rating", body, nil); e != nil {
		if e.Status == http.StatusNotFound {
			s.renderReceipt(c, v, http.StatusNotFound)
			return
		}
		status := keepRefusedForm(c, v, e, nil)
		if status == 0 {
			s.failed(c, v, e)
			return
		}
		s.renderReceipt(c, v, status)
		return
	}
	done(c, "/tra-cuu/"+receipt.Format(code), "rated")
}

// pubDialogueData is a published dialogue's public page.
type pubDialogueData struct {
	Code  string
	Found bool
	D     contract.PublicDialogue
	// Outcomes lists the opinions' outcomes in a fixed order.
	Outcomes []pubOutcome
}

// pubOutcome is one line of the count of opinions by outcome.
type pubOutcome struct {
	Key   string
	Count int
}

// publicOutcomes is the order the outcomes are listed in.
var publicOutcomes = []string{"answered_on_spot", "led_to_task", "result_accepted", "open"}

// pubDialogue is GET /cong-khai/:code.
func (s *Server) pubDialogue(c *gin.Context, v *view) {
	v.Title = "pub.title"
	var d contract.PublicDialogue
	typed, code, found, e := s.getByCode(c, v, "/api/v1/public/dialogues/", &d)
	if e != nil {
		s.failed(c, v, e)
		return
	}
	if !found {
		v.Data = pubDialogueData{Code: typed}
		s.render(c, http.StatusNotFound, "public_dialogue", v)
		return
	}
	data := pubDialogueData{Code: receipt.Format(code), Found: true, D: d}
	for _, k := range publicOutcomes {
		if n, ok := d.Outcomes[k]; ok {
			data.Outcomes = append(data.Outcomes, pubOutcome{Key: k, Count: n})
		}
	}
	v.Data = data
	s.render(c, http.StatusOK, "public_dialogue", v)
}
