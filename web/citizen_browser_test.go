package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/doithoai/doithoai/devkit/testenv"
)

// TestCitizenBrowser follows a citizen's opinion in Chromium on a phone
// (390×844): the respondent answers the survey through the page and the
// thank-you page shows the receipt; the lookup page, opened from it and
// left open, shows the task once the session is recorded and then the
// accepted result, without a reload (static/receipt.js); the holder rates
// it "not satisfied" through the page; MTTQ's alert board shows that alert
// exactly once. The session, the result and its acceptance go through the
// API, as elsewhere.
func TestCitizenBrowser(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	b := startBrowser(t, ctx, env.BaseURL)
	s := ctzStart(t, env, 25*time.Second)

	// The respondent answers on a phone.
	ph := b.tab("citizen-phone", true)
	ph.openOK("/s/" + s.token)
	field := eval[string](ph, `(() => { const s = document.getElementById("f-field"); s.value = s.options[1].value; return s.value; })()`)
	if field == "" {
		t.Fatal("the survey offers no field")
	}
	ph.do(chromedp.SendKeys(byID("f-content"), ctzContent), chromedp.SendKeys(byID("f-respondent_name"), ctzRespondent))
	if st := ph.submit(`form[action^="/s/"] button[type=submit]`); st != 200 {
		t.Fatalf("the survey answer landed on %s with %d: %.1000s", ph.path(), st, ph.text("main"))
	}
	code := strings.TrimSpace(ph.text("#receipt-code"))
	if !regexp.MustCompile(`^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$`).MatchString(code) {
		t.Fatalf("the thank-you page shows no receipt code (got %q): %.1000s", code, ph.text("main"))
	}
	ph.noOverflow("the thank-you page")
	ph.noKeyLeaks("the thank-you page")
	ph.shot("ctz-01-receipt-phone")

	// From the thank-you page to the lookup, in both languages.
	lookup := "/tra-cuu/" + code
	if st := ph.follow("#receipt-link"); st != 200 || ph.path() != lookup {
		t.Fatalf("the receipt link opened %s with %d, want %s", ph.path(), st, lookup)
	}
	ph.bothLanguages(lookup, "ctz-02-lookup-phone-en")
	if !strings.Contains(ph.text("main"), ctzContent) {
		t.Errorf("the lookup page lacks the opinion as written: %.1000s", ph.text("main"))
	}
	ph.noOverflow("the lookup page")
	// Left open from here on: a mark in the page is lost if it reloads.
	ph.openOK(lookup)
	eval[bool](ph, `window.ctzNoReload = true`)

	// The session links the answer to a task: the open page shows it.
	taskID, _ := s.recordSession(code)
	ph.waitJS("the task on the open lookup page", `document.getElementById("rc-live").innerText.includes("`+ctzAgency+`")`, 30*time.Second)
	ph.shot("ctz-03-lookup-task-phone")

	// The result is accepted: the open page shows it, and the rating form.
	s.acceptResult(taskID)
	ph.waitJS("the accepted result on the open lookup page", `document.getElementById("rc-live").innerText.includes("`+ctzResult+`") && !!document.getElementById("rate-no")`, 45*time.Second)
	if !eval[bool](ph, `window.ctzNoReload === true`) {
		t.Fatal("the lookup page reloaded to show the result")
	}
	ph.noOverflow("the lookup page with the result")
	ph.shot("ctz-04-lookup-result-phone")

	// The holder is not satisfied.
	ph.do(chromedp.SendKeys(byID("f-comment"), "Mới rải một đoạn."))
	if st := ph.submit("#rate-no"); st != 200 {
		t.Fatalf("the rating landed on %s with %d: %.1000s", ph.path(), st, ph.text("main"))
	}
	if txt := ph.text("#rc-rated"); !strings.Contains(txt, "Chưa hài lòng") {
		t.Errorf("after rating, the page shows %q, want Chưa hài lòng", txt)
	}
	if ph.open(lookup) != 200 || eval[bool](ph, `!!document.getElementById("rate-no")`) {
		t.Error("a rated receipt still offers the rating form")
	}
	ph.shot("ctz-05-rated-phone")

	// MTTQ's board shows the alert, once.
	mt := b.tab("mttq", false)
	mt.signIn(s.mttq.Subject)
	mt.openOK("/alerts")
	label := "Người dân chưa hài lòng"
	n := eval[int](mt, `Array.from(document.querySelectorAll("#alerts-open tr")).filter(r => r.innerText.includes("`+label+`")).length`)
	if n != 1 {
		t.Errorf("MTTQ's alert board shows %d not-satisfied alerts, want 1: %.2000s", n, mt.text("main"))
	}
	if k := s.notSatisfiedAlerts(); k != 1 {
		t.Errorf("the API lists %d not-satisfied alerts, want 1", k)
	}
	mt.shot("ctz-06-mttq-alert")
}
