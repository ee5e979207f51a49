package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// chromiumPath finds the browser the test drives: Debian's Chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser test needs Chromium and found none at /usr/bin/chromium or on PATH.\n" +
		"Install it with: apt-get install -y chromium fonts-noto-core (as root; .ci/run does this)")
	return ""
}

// browser is one headless Chromium for a test; every user gets a tab in a
// browser context of their own (their own cookies, as on their own
// computer).
type browser struct {
	t    *testing.T
	base string
	ctx  context.Context
	// shots is this run's screenshot folder, moved to publish at the end.
	shots, publish string

	mu   sync.Mutex
	tabs []*tab
}

// startBrowser starts Chromium bound to ctx (the test's deadline; cancel
// it in a t.Cleanup registered before this call, not with defer, so the
// browser is still there for the screenshots of a failed test). The
// screenshots of the run are written to a folder of their own and, when the
// test ends, replace artifacts/screenshots at the repository root, so two
// runs at once never mix their pictures.
func startBrowser(t *testing.T, ctx context.Context, baseURL string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-dev-shm-usage", true),
		// A Vietnamese browser (Accept-Language). Debian's package ships
		// only the en-US locale, so date pickers still read mm/dd/yyyy.
		chromedp.Flag("lang", "vi-VN"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	artifacts, err := filepath.Abs(filepath.Join("..", "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	shots, err := os.MkdirTemp(artifacts, ".screenshots-")
	if err == nil {
		err = os.Chmod(shots, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, base: baseURL, ctx: bctx, shots: shots, publish: filepath.Join(artifacts, "screenshots")}
	t.Cleanup(b.finish)
	return b
}

// tab opens a tab for who in a fresh browser context; phone emulates an
// iPhone 13 (390×844, touch, mobile user agent).
func (b *browser) tab(who string, phone bool) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	tb := &tab{b: b, t: b.t, ctx: ctx, cancel: cancel, who: who}
	b.mu.Lock()
	b.tabs = append(b.tabs, tb)
	b.mu.Unlock()
	// Collect what the pages write to the console: a script error or a
	// Content-Security-Policy refusal is a broken page.
	msgs := chromedp.Console(ctx)
	if phone {
		tb.do(chromedp.Emulate(device.IPhone13))
	} else {
		tb.do()
	}
	// Remember what the browser sends with each form, to explain a refusal.
	err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok && ev.Request.Method == "POST" {
			tb.mu.Lock()
			tb.lastPost = fmt.Sprintf("POST %s with Origin: %v", ev.Request.URL, ev.Request.Headers["Origin"])
			tb.mu.Unlock()
		}
	})
	if err != nil {
		b.t.Fatal(err)
	}
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
				tb.mu.Lock()
				tb.console = append(tb.console, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1))
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

// finish checks the consoles, keeps a screenshot of every tab as it was
// when the test failed, closes the tabs and publishes the screenshots.
func (b *browser) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer func() {
		if err := os.RemoveAll(b.publish); err != nil {
			b.t.Errorf("remove old screenshots: %v", err)
		}
		if err := os.Rename(b.shots, b.publish); err != nil {
			b.t.Errorf("publish screenshots: %v", err)
		}
	}()
	for _, tb := range b.tabs {
		defer tb.cancel()
		tb.mu.Lock()
		for _, m := range tb.console {
			if !tb.allowed(m) {
				b.t.Errorf("browser console of %s: %s", tb.who, m)
			}
		}
		tb.mu.Unlock()
		if b.t.Failed() {
			ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
			if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
				_ = os.WriteFile(filepath.Join(b.shots, "failed-"+tb.who+".png"), png, 0o644)
				if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
					b.t.Logf("tab %s was at %s (screenshot failed-%s.png)", tb.who, loc, tb.who)
				}
			}
			cancel()
		}
	}
}

// tab is one user's tab.
type tab struct {
	b      *browser
	t      *testing.T
	ctx    context.Context
	cancel context.CancelFunc
	who    string

	mu      sync.Mutex
	console []string
	// lastPost is the last form the browser sent, with its Origin header.
	lastPost string
	// expect404 are paths this tab opens on purpose to get the error page;
	// the browser logs their 404 to the console.
	expect404 []string
}

func (tb *tab) allowed(msg string) bool {
	if strings.Contains(msg, "/favicon.ico") {
		return true // the browser asks for one; the site has none
	}
	if !strings.Contains(msg, "status of 404") {
		return false
	}
	for _, p := range tb.expect404 {
		if strings.Contains(msg, tb.b.base+p) {
			return true
		}
	}
	return false
}

// byID selects an element by its id, which may hold dots ("f-op0.field").
func byID(id string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf("[id=%q]", id)) }

// stepTimeout bounds one browser step.
const stepTimeout = 30 * time.Second

// do runs browser actions, failing the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.doWithin(stepTimeout, actions...)
}

func (tb *tab) doWithin(d time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: browser step failed: %v", tb.who, err)
	}
}

// run runs one browser action that returns a value.
func run[T any](tb *tab, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: browser step failed: %v", tb.who, err)
	}
	return v
}

// eval evaluates JavaScript in the page (promises awaited).
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	return run(tb, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// open loads a page of the site and returns the HTTP status of the
// document.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	resp := run(tb, chromedp.NavigateResponse(tb.b.base+path))
	if resp == nil {
		tb.t.Fatalf("%s: no response for %s", tb.who, path)
	}
	return resp.Status
}

// openOK loads a page and expects 200 and no untranslated key.
func (tb *tab) openOK(path string) {
	tb.t.Helper()
	if st := tb.open(path); st != 200 {
		tb.t.Fatalf("%s: GET %s: status %d, want 200; page says: %.500s", tb.who, path, st, tb.text("main"))
	}
	tb.noKeyLeaks(path)
}

// submit clicks a button that submits a form and waits for the page the
// browser lands on; it returns that page's status.
func (tb *tab) submit(button string) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("%s: submit with %s: %v", tb.who, button, err)
	}
	if resp == nil {
		tb.t.Fatalf("%s: submit with %s: no response", tb.who, button)
	}
	if resp.Status == 403 {
		tb.mu.Lock()
		tb.t.Errorf("%s: the site refused the form (403); the browser sent %s", tb.who, tb.lastPost)
		tb.mu.Unlock()
	}
	return resp.Status
}

// follow clicks a link and waits for the page it opens; it returns that
// page's status.
func (tb *tab) follow(link string) int64 {
	tb.t.Helper()
	return tb.submit(link)
}

// text is the visible text of the first element matching css.
func (tb *tab) text(css string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || document.body).innerText`, css))
}

// path is the current location's path and query.
func (tb *tab) path() string {
	tb.t.Helper()
	return eval[string](tb, `location.pathname + location.search`)
}

// waitJS polls a JavaScript predicate until it is truthy, within d.
func (tb *tab) waitJS(what, js string, d time.Duration) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(d)))
	if err != nil {
		tb.t.Fatalf("%s: waiting for %s (%s): %v\npage %s says: %.1500s", tb.who, what, js, err, tb.path(), tb.text("main"))
	}
}

// shot saves a full-page PNG of the tab as artifacts/screenshots/<name>.png.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	png := run(tb, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(tb.b.shots, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// keyLeak is a translation key shown instead of its text ("!plan.title").
var keyLeak = regexp.MustCompile(`!\w+\.\w+`)

// noKeyLeaks fails when the page shows a translation key.
func (tb *tab) noKeyLeaks(where string) {
	tb.t.Helper()
	body := eval[string](tb, `document.title + "\n" + document.body.innerText + "\n" +
		Array.from(document.querySelectorAll("[aria-label],[placeholder],[title],input[type=submit]"))
			.map(e => [e.getAttribute("aria-label"), e.getAttribute("placeholder"), e.getAttribute("title"), e.value].join(" ")).join("\n")`)
	if m := keyLeak.FindAllString(body, 5); len(m) > 0 {
		tb.t.Errorf("%s: %s shows untranslated keys %v", tb.who, where, m)
	}
}

// bothLanguages renders path in English (?lang=en), checks the page is
// English and leaks no key, and switches back to Vietnamese, checking the
// same; the two renderings must differ. With enShot, the English page is
// kept as a screenshot of that name.
func (tb *tab) bothLanguages(path string, enShot ...string) {
	tb.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	tb.openOK(path + sep + "lang=en")
	if l := eval[string](tb, `document.documentElement.lang`); l != "en" {
		tb.t.Errorf("%s: %s?lang=en has <html lang=%q>", tb.who, path, l)
	}
	en := tb.text("main")
	for _, name := range enShot {
		tb.shot(name)
	}
	tb.openOK(path + sep + "lang=vi")
	if l := eval[string](tb, `document.documentElement.lang`); l != "vi" {
		tb.t.Errorf("%s: %s?lang=vi has <html lang=%q>", tb.who, path, l)
	}
	if vi := tb.text("main"); vi == en {
		tb.t.Errorf("%s: %s reads the same in English and Vietnamese: %.300s", tb.who, path, vi)
	}
}

// signIn signs in through the real sign-in page: choose the demo user,
// press the button, land on the user's start page.
func (tb *tab) signIn(subject string) {
	tb.t.Helper()
	tb.openOK("/login")
	radio := fmt.Sprintf(`input[name=user][value=%q]`, subject)
	tb.do(chromedp.Click(chromedp.CSS(radio), chromedp.NodeVisible))
	if st := tb.submit(`form[action="/login"] button[type=submit]`); st != 200 {
		tb.t.Fatalf("%s: sign-in landed on %s with status %d: %.500s", tb.who, tb.path(), st, tb.text("main"))
	}
	if strings.HasPrefix(tb.path(), "/login") {
		tb.t.Fatalf("%s: still on the sign-in page after signing in: %.500s", tb.who, tb.text("main"))
	}
}

// expectNotFound opens a page that must not be reachable for this user:
// the error page with status 404.
func (tb *tab) expectNotFound(path string) {
	tb.t.Helper()
	tb.mu.Lock()
	tb.expect404 = append(tb.expect404, path)
	tb.mu.Unlock()
	if st := tb.open(path); st != 404 {
		tb.t.Errorf("%s: GET %s: status %d, want 404 (another unit's page); page says: %.300s", tb.who, path, st, tb.text("main"))
	}
	if !strings.Contains(tb.text("main"), tb.errText()) {
		tb.t.Errorf("%s: GET %s does not show the not-found error page: %.300s", tb.who, path, tb.text("main"))
	}
}

// errText is the not-found message in the tab's language.
func (tb *tab) errText() string {
	if eval[string](tb, `document.documentElement.lang`) == "en" {
		return "This page does not exist or is outside your scope."
	}
	return "Không tìm thấy trang này"
}

// reloadUntil reloads path until the JavaScript predicate js holds, within
// d: for what a page shows only when loaded again (server-rendered lists).
func (tb *tab) reloadUntil(what, path, js string, d time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(d)
	for {
		if st := tb.open(path); st != 200 {
			tb.t.Fatalf("%s: GET %s: status %d while waiting for %s: %.500s", tb.who, path, st, what, tb.text("main"))
		}
		if eval[bool](tb, "!!("+js+")") {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s: %s did not show %s within %v (%s): %.1500s", tb.who, path, what, d, js, tb.text("main"))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// noOverflow fails when the page is wider than the screen (a phone would
// scroll sideways).
func (tb *tab) noOverflow(where string) {
	tb.t.Helper()
	w := eval[[]int](tb, `[document.documentElement.scrollWidth, window.innerWidth]`)
	if w[0] > w[1] {
		tb.t.Errorf("%s: %s is %dpx wide on a %dpx screen", tb.who, where, w[0], w[1])
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }
