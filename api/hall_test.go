package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
)

// hallEngine is the public survey link's limiter in front of a handler
// that answers 204, on a clock the test moves (the in-memory limiter of a
// server without a store), with the production budgets.
func hallEngine(now *time.Time) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Now: func() time.Time { return *now }}
	s.limiter = newSurveyLimiter(s.SurveyLimit, s.SurveyBudgets, nil)
	r := gin.New()
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	r.GET("/api/v1/survey/:token", s.limit(), ok)
	r.POST("/api/v1/survey/:token/responses", s.limit(), ok)
	return r
}

func hallRequest(h http.Handler, method, token, addr, device string) *httptest.ResponseRecorder {
	path := "/api/v1/survey/" + token
	if method == http.MethodPost {
		path += "/responses"
	}
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = addr + ":40000"
	if device != "" {
		req.Header.Set(contract.DeviceHeader, device)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkRefusal fails unless rec is a 429 rate_limited with Retry-After.
func checkRefusal(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if rec.Code != http.StatusTooManyRequests || err != nil || secs < 1 || !strings.Contains(rec.Body.String(), CodeRateLimited) ||
		!strings.Contains(rec.Body.String(), "thử lại sau") || !strings.Contains(rec.Body.String(), "try again in") {
		t.Fatalf("%s: %d Retry-After %q %s, want 429 rate_limited with Retry-After in seconds", what, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}

// A commune hall on the production budgets, over ten minutes of a clock
// the test moves: 300 respondents behind one address — half of them at the
// same instant, the rest spread over the ten minutes, each reading the
// form and sending an answer half a minute later, one in ten a second
// answer — all get through, while a phone flooding from the same address
// ten times a second is cut off with 429 and Retry-After after its burst
// and then gets one request per refill. A flooder inventing a new device
// id for each request is stopped by the address's budget, one spread over
// many addresses by the link's, and a client without a device id by the
// stricter budget for such clients.
func TestSurveyHallOnTheProductionBudgets(t *testing.T) {
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	now := start
	h := hallEngine(&now)
	token := strings.Repeat("ab", 32)
	const hall = "203.0.113.7"

	type event struct {
		at     time.Duration
		method string
		device string // "" for the flooder
	}
	var events []event
	window := 10 * time.Minute
	for i := range 300 {
		var arrive time.Duration
		if i >= 150 {
			arrive = time.Duration(i-150) * (window - 2*time.Minute) / 150
		}
		dev := fmt.Sprintf("phone-%03d-xxxxxxxxxxxxx", i)
		events = append(events, event{arrive, http.MethodGet, dev}, event{arrive + 30*time.Second, http.MethodPost, dev})
		if i%10 == 0 {
			events = append(events, event{arrive + time.Minute, http.MethodGet, dev}, event{arrive + 90*time.Second, http.MethodPost, dev})
		}
	}
	for at := time.Duration(0); at < window; at += 100 * time.Millisecond {
		events = append(events, event{at, http.MethodPost, ""})
	}
	slices.SortStableFunc(events, func(a, b event) int { return int(a.at - b.at) })

	const flooder = "flooder-device-0000000"
	flooderPassed, flooderRefused, respondents := 0, 0, 0
	for _, e := range events {
		now = start.Add(e.at)
		if e.device == "" {
			rec := hallRequest(h, e.method, token, hall, flooder)
			if rec.Code == http.StatusNoContent {
				flooderPassed++
				continue
			}
			checkRefusal(t, "the flooder", rec)
			flooderRefused++
			continue
		}
		respondents++
		if rec := hallRequest(h, e.method, token, hall, e.device); rec.Code != http.StatusNoContent {
			t.Fatalf("respondent %s at %v: %d %s, want through", e.device, e.at, rec.Code, rec.Body)
		}
	}
	// Its burst of 20, then one every 6 s.
	if want := 20 + int(window/(6*time.Second)); flooderPassed > want || flooderRefused == 0 {
		t.Errorf("the flooder got %d through and %d refused, want at most %d through", flooderPassed, flooderRefused, want)
	}
	t.Logf("%d respondent requests through; the flooder %d through, %d refused", respondents, flooderPassed, flooderRefused)

	// A flooder rotating device ids from another address: the address's
	// burst (600) and no more.
	now = now.Add(time.Hour)
	n := 0
	for ; n < 1000; n++ {
		rec := hallRequest(h, http.MethodGet, token, "198.51.100.9", fmt.Sprintf("rotating-%06d-xxxxxxxxx", n))
		if rec.Code != http.StatusNoContent {
			checkRefusal(t, "the rotating flooder", rec)
			break
		}
	}
	if n != DefaultSurveyBudgets.Address.Burst {
		t.Errorf("the rotating flooder got %d through, want the address's burst of %d", n, DefaultSurveyBudgets.Address.Burst)
	}
	// Rotating addresses too: the link's burst (3,000).
	now = now.Add(time.Hour)
	n = 0
	for ; n < 4000; n++ {
		rec := hallRequest(h, http.MethodGet, token, fmt.Sprintf("10.%d.%d.1", n/250, n%250), fmt.Sprintf("spread-%06d-xxxxxxxxxxx", n))
		if rec.Code != http.StatusNoContent {
			checkRefusal(t, "the spread flooder", rec)
			break
		}
	}
	if n != DefaultSurveyBudgets.Link.Burst {
		t.Errorf("the spread flooder got %d through, want the link's burst of %d", n, DefaultSurveyBudgets.Link.Burst)
	}
	// Another link is not affected.
	if rec := hallRequest(h, http.MethodGet, strings.Repeat("cd", 32), "10.0.0.1", "another-link-xxxxxxxxxx"); rec.Code != http.StatusNoContent {
		t.Errorf("another link: %d, want through", rec.Code)
	}
	// No device id: the stricter budget (10), and a cookie for next time.
	now = now.Add(time.Hour)
	for i := range DefaultSurveyLimit.Burst {
		if rec := hallRequest(h, http.MethodGet, token, "192.0.2.50", ""); rec.Code != http.StatusNoContent {
			t.Fatalf("client without a device id, request %d: %d", i+1, rec.Code)
		}
	}
	rec := hallRequest(h, http.MethodGet, token, "192.0.2.50", "")
	checkRefusal(t, "a client without a device id over its budget", rec)
	if ck := rec.Header().Get("Set-Cookie"); !strings.HasPrefix(ck, contract.DeviceCookie+"=") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Errorf("no device cookie offered to a client without one: %q", ck)
	}
	if rec := hallRequest(h, http.MethodGet, token, "192.0.2.50", "now-with-a-device-id-xx"); rec.Code != http.StatusNoContent {
		t.Errorf("the same address with a device id: %d, want through (the device's own budget)", rec.Code)
	}
}

// The device id comes from X-Device-ID, else the cookie; a malformed one
// is none. Over https (PUBLIC_URL) the cookie offered is Secure, and none
// is offered to a client that has one.
func TestSurveyDeviceIdentity(t *testing.T) {
	for _, tc := range []struct {
		header, cookie string
		device         string
		offered        bool
	}{
		{header: "header-device-id-xxxxxx", cookie: "cookie-device-id-xxxxxx", device: "header-device-id-xxxxxx"},
		{cookie: "cookie-device-id-xxxxxx", device: "cookie-device-id-xxxxxx"},
		{header: "short", cookie: "cookie-device-id-xxxxxx", device: "cookie-device-id-xxxxxx"},
		{header: "not a device id at all!", offered: true},
		{offered: true},
	} {
		s := &Server{SecureCookies: true}
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/survey/x", nil)
		c.Request.RemoteAddr = "192.0.2.1:1"
		if tc.header != "" {
			c.Request.Header.Set(contract.DeviceHeader, tc.header)
		}
		if tc.cookie != "" {
			c.Request.AddCookie(&http.Cookie{Name: contract.DeviceCookie, Value: tc.cookie})
		}
		got := s.surveyClientOf(c)
		ck := rec.Header().Get("Set-Cookie")
		if got.Device != tc.device || (ck != "") != tc.offered {
			t.Errorf("%+v: device %q, Set-Cookie %q", tc, got.Device, ck)
		}
		if tc.offered && (!strings.Contains(ck, "Secure") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax")) {
			t.Errorf("offered cookie %q, want HttpOnly, SameSite=Lax and Secure", ck)
		}
	}
}
