package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/web"
)

// The respondent's page gives a phone its device id in a cookie (HttpOnly,
// SameSite=Lax, Secure over https) and sends it to the API with every call,
// so the API's rate limit counts the phones of a hall one by one; the same
// phone keeps its id from the form to its answer, another phone has its own.
func TestSurveyPageCarriesTheDeviceID(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var mu sync.Mutex
	var seen []string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get(contract.DeviceHeader))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"accepted":1,"duplicates":0}`)
			return
		}
		_, _ = io.WriteString(w, `{"unit_name":"Xã Hòa Bình","kind":"periodic","scheduled_at":"2026-09-10T01:00:00Z","invited_groups":[],
			"opens_at":"2026-09-01T01:00:00Z","closes_at":"2026-09-09T01:00:00Z","fields":["Đất đai","Khác"]}`)
	})
	r := gin.New()
	(&web.Server{API: api, SecureCookies: true}).Register(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	phone := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	do := func(c *http.Client, method string, form url.Values) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+"/s/tok", strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", srv.URL)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	a := phone()
	resp := do(a, http.MethodGet, nil)
	var set string
	for _, ck := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, contract.DeviceCookie+"=") {
			set = ck
		}
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") || !strings.Contains(set, "Secure") {
		t.Fatalf("first visit: %d, device cookie %q; want one HttpOnly, SameSite=Lax, Secure", resp.StatusCode, set)
	}
	// The test server is plain http: hand the Secure cookie back by hand.
	id := strings.TrimPrefix(strings.SplitN(set, ";", 2)[0], contract.DeviceCookie+"=")
	u, _ := url.Parse(srv.URL)
	a.Jar.SetCookies(u, []*http.Cookie{{Name: contract.DeviceCookie, Value: id}})
	resp = do(a, http.MethodPost, url.Values{"field": {"Đất đai"}, "content": {"Đường làng hỏng"}})
	if resp.StatusCode != http.StatusSeeOther || len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Fatalf("answer: %d %v, want a redirect to the thank-you page and no new cookie", resp.StatusCode, resp.Header)
	}
	do(phone(), http.MethodGet, nil)

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 || !contract.ValidDeviceID(seen[0]) || seen[0] != id || seen[1] != id || seen[2] == id || !contract.ValidDeviceID(seen[2]) {
		t.Errorf("device ids the API saw: %q (cookie %q), want the phone's twice, then another phone's", seen, id)
	}
}
