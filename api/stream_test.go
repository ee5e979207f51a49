package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

// eventWait bounds every wait for an event. It is a deadline, not a
// measured time: the feed's 5 s fallback tick alone would deliver within it.
const eventWait = 20 * time.Second

// streamEnv is a database, a running feed and the API on a loopback port.
type streamEnv struct {
	st      *store.Store
	baseURL string
	// stopFeed cancels the feed's Run and waits for it.
	stopFeed func()
	// province > district > ward; stranger is an unrelated province.
	province, district, ward, stranger string
	// token is the province MTTQ's, who sees every item of the province.
	token string
}

func newStreamEnv(t *testing.T) *streamEnv {
	t.Helper()
	st, _ := testenv.NewDatabase(t)
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	feed := store.NewFeed(st.DB, log)
	srv := httptest.NewServer((&api.Server{Store: st, Feed: feed, Logger: log, Auth: testenv.Tokens(t)}).Handler())
	t.Cleanup(srv.Close)
	// Registered after srv.Close, so it runs first: stopping the feed ends
	// the streams, and only then does Close wait for the requests.
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- feed.Run(ctx) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("feed.Run: %v", err)
		}
	})
	t.Cleanup(stop)

	e := &streamEnv{st: st, baseURL: srv.URL, stopFeed: stop,
		province: uuid.NewString(), district: uuid.NewString(), ward: uuid.NewString(), stranger: uuid.NewString()}
	for _, u := range []*store.Unit{
		{ID: e.province, Level: "province", Name: "Tỉnh A"},
		{ID: e.district, ParentID: &e.province, Level: "district", Name: "Huyện B"},
		{ID: e.ward, ParentID: &e.district, Level: "commune", Name: "Phường C"},
		{ID: e.stranger, Level: "province", Name: "Tỉnh D"},
	} {
		if err := st.CreateUnit(context.Background(), u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	e.token = testenv.Token(t, testenv.User("mttq.province", e.province, auth.RoleMTTQ))
	return e
}

func (e *streamEnv) raise(t *testing.T, unitID string) *store.Alert {
	t.Helper()
	id := uuid.NewString()
	a := &store.Alert{ID: id, DedupKey: "stream-test/" + id, UnitID: unitID, RecipientRole: "planner", Kind: "session_missed",
		Level: 1, TitleVI: "Chưa ghi nhận kết quả hội nghị", TitleEN: "Session not recorded", BodyVI: "…", BodyEN: "…"}
	if created, err := e.st.RaiseAlert(context.Background(), a); err != nil || !created {
		t.Fatalf("raise alert: created %v, %v", created, err)
	}
	return a
}

// settle waits until the feed has settled every row up to seq (FeedHead
// reaches it): transaction ids are shared by the whole PostgreSQL cluster,
// and a write in flight in another test's database holds the feed's horizon
// back for a moment.
func (e *streamEnv) settle(t *testing.T, seq int64) {
	t.Helper()
	for deadline := time.Now().Add(eventWait); ; time.Sleep(20 * time.Millisecond) {
		head, err := e.st.FeedHead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if head >= seq {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("feed head %d did not reach %d", head, seq)
		}
	}
}

func (e *streamEnv) notify(t *testing.T, unitID, kind string) *store.Notification {
	t.Helper()
	id := uuid.NewString()
	n := &store.Notification{ID: id, DedupKey: "stream-test/" + id, UnitID: unitID, Recipient: "Nguyễn Văn A", Channel: "inbox",
		SubjectVI: "Nhắc việc", SubjectEN: "Reminder", BodyVI: "…", BodyEN: "…", Kind: kind}
	if created, err := e.st.SaveNotification(context.Background(), n); err != nil || !created {
		t.Fatalf("save notification: created %v, %v", created, err)
	}
	return n
}

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	ID, Event, Data string
}

// sseClient reads one event stream in the background.
type sseClient struct {
	t      *testing.T
	resp   *http.Response
	cancel context.CancelFunc
	events chan sseEvent
	// retry receives the retry field, which the server sends first.
	retry chan string
	done  chan error
}

// openStream connects to the stream at query with the given headers
// (key, value pairs) and waits until the server has sent its opening
// retry field, so the stream is subscribed and positioned.
func (e *streamEnv) openStream(t *testing.T, query string, headers ...string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.baseURL+"/api/v1/alerts/stream?"+query, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+e.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("open stream: %v", err)
	}
	c := &sseClient{t: t, resp: resp, cancel: cancel, events: make(chan sseEvent, 100), retry: make(chan string, 1), done: make(chan error, 1)}
	t.Cleanup(c.close)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("open stream: status %d", resp.StatusCode)
	}
	checkStreamResponse(t, req, resp)
	go c.read()
	select {
	case r := <-c.retry:
		if r != "3000" {
			t.Errorf("retry = %q, want 3000", r)
		}
	case err := <-c.done:
		t.Fatalf("stream ended before its retry field: %v", err)
	case <-time.After(eventWait):
		t.Fatal("no retry field from the stream")
	}
	return c
}

// read parses the stream line by line (the text/event-stream format).
func (c *sseClient) read() {
	sc := bufio.NewScanner(c.resp.Body)
	var ev sseEvent
	var hasData bool
	for sc.Scan() {
		line := sc.Text()
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch {
		case line == "":
			if hasData || ev.ID != "" {
				c.events <- ev
			}
			ev, hasData = sseEvent{}, false
		case field == "": // a comment
		case field == "id":
			ev.ID = value
		case field == "event":
			ev.Event = value
		case field == "data":
			if hasData {
				ev.Data += "\n"
			}
			ev.Data += value
			hasData = true
		case field == "retry":
			select {
			case c.retry <- value:
			default:
			}
		}
	}
	err := sc.Err()
	if err == nil {
		err = errors.New("stream ended")
	}
	c.done <- err
}

// next returns the next event, failing the test if none comes in time.
func (c *sseClient) next() sseEvent {
	c.t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case err := <-c.done:
		c.t.Fatalf("stream ended while waiting for an event: %v", err)
	case <-time.After(eventWait):
		c.t.Fatal("no event within the deadline")
	}
	return sseEvent{}
}

// expectAlert reads the next event and checks that it is alert a.
func (c *sseClient) expectAlert(a *store.Alert) {
	c.t.Helper()
	ev := c.next()
	if ev.Event != "alert" || ev.ID != strconv.FormatInt(a.Seq, 10) {
		c.t.Fatalf("event %q id %q (%s), want alert id %d (%s)", ev.Event, ev.ID, ev.Data, a.Seq, a.ID)
	}
	var got store.Alert
	if err := json.Unmarshal([]byte(ev.Data), &got); err != nil {
		c.t.Fatalf("alert data %q: %v", ev.Data, err)
	}
	if got.ID != a.ID || got.Seq != a.Seq || got.UnitID != a.UnitID || got.TitleVI != a.TitleVI || got.Status != "open" {
		c.t.Fatalf("alert data %+v, want %s seq %d of unit %s", got, a.ID, a.Seq, a.UnitID)
	}
}

func (c *sseClient) close() {
	c.cancel()
	c.resp.Body.Close()
}

// checkStreamResponse checks the stream's headers, and its request and
// status against the OpenAPI document (the body is an endless stream).
func checkStreamResponse(t *testing.T, req *http.Request, resp *http.Response) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Type":      "text/event-stream; charset=utf-8",
		"Cache-Control":     "no-cache",
		"X-Accel-Buffering": "no",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("stream route not in the spec: %v", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("stream request does not match the spec: %v", err)
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: true},
	})
	if err != nil {
		t.Errorf("stream response does not match the spec: %v", err)
	}
}

func TestStreamDeliversTheSubtreeAndResumesAfterLastEventID(t *testing.T) {
	e := newStreamEnv(t)
	// Something stored before the stream opens is not part of a fresh stream.
	e.settle(t, e.raise(t, e.ward).Seq)

	c := e.openStream(t, "unit_id="+e.district+"&subtree=true")
	// The alerts outside the district are stored first: had the stream
	// let them through, they would come before the ward's alert.
	e.raise(t, e.stranger)
	e.raise(t, e.province)
	first := e.raise(t, e.ward)
	c.expectAlert(first)

	// Disconnect; two alerts are stored while the client is away.
	c.close()
	e.raise(t, e.stranger)
	second := e.raise(t, e.ward)
	third := e.raise(t, e.district)

	c = e.openStream(t, "unit_id="+e.district, "Last-Event-ID", strconv.FormatInt(first.Seq, 10))
	c.expectAlert(second)
	c.expectAlert(third)
	// Nothing else was pending: the next event is the next alert stored.
	e.raise(t, e.stranger)
	fourth := e.raise(t, e.district)
	c.expectAlert(fourth)
	c.close()

	// The query form for polyfills resumes the same way.
	c = e.openStream(t, "unit_id="+e.district+"&last_event_id="+strconv.FormatInt(second.Seq, 10))
	c.expectAlert(third)
	c.expectAlert(fourth)
}

func TestStreamCarriesRemindersAndNoticesOfTheUnitOnly(t *testing.T) {
	e := newStreamEnv(t)
	c := e.openStream(t, "unit_id="+e.district+"&subtree=false")
	e.notify(t, e.ward, "reminder") // below the district: not with subtree=false
	reminder := e.notify(t, e.district, "reminder")
	e.raise(t, e.ward)
	notice := e.notify(t, e.district, "notice")
	for _, want := range []struct {
		event string
		n     *store.Notification
	}{{"reminder", reminder}, {"notice", notice}} {
		ev := c.next()
		if ev.Event != want.event || ev.ID != strconv.FormatInt(want.n.Seq, 10) {
			t.Fatalf("event %q id %q, want %s id %d", ev.Event, ev.ID, want.event, want.n.Seq)
		}
		var got store.Notification
		if err := json.Unmarshal([]byte(ev.Data), &got); err != nil || got.ID != want.n.ID || got.Kind != want.event {
			t.Fatalf("data %q (%v), want notification %s", ev.Data, err, want.n.ID)
		}
	}
}

func TestStreamEndsWhenTheFeedStops(t *testing.T) {
	e := newStreamEnv(t)
	c := e.openStream(t, "unit_id="+e.ward)
	e.stopFeed()
	select {
	case <-c.done:
	case <-time.After(eventWait):
		t.Fatal("the stream is still open after the feed stopped")
	}
	// A stopped feed serves no new streams.
	r := testenv.NewClient(t, e.baseURL).WithToken(e.token).Do("GET", "/api/v1/alerts/stream?unit_id="+e.ward, nil)
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("status %d after the feed stopped, want 503: %s", r.Status, r.Body)
	}
}

func TestStreamRefusals(t *testing.T) {
	e := newStreamEnv(t)
	cl := testenv.NewClient(t, e.baseURL).WithToken(e.token)
	checkError := func(r *testenv.Response, status int, code, field string) {
		t.Helper()
		if r.Status != status {
			t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
		}
		var body contract.Error
		r.Decode(t, &body)
		if body.Code != code {
			t.Errorf("code %q, want %q", body.Code, code)
		}
		if field != "" && (len(body.Fields) != 1 || body.Fields[0].Field != field) {
			t.Errorf("fields %+v, want one for %s", body.Fields, field)
		}
	}
	checkError(cl.WithToken("").Do("GET", "/api/v1/alerts/stream", nil), http.StatusUnauthorized, api.CodeUnauthenticated, "")
	checkError(cl.Do("GET", "/api/v1/alerts/stream?unit_id="+e.stranger, nil), http.StatusForbidden, api.CodeForbidden, "")
	officer := cl.As(testenv.User("officer", e.ward, auth.RoleOfficer))
	checkError(officer.Do("GET", "/api/v1/alerts/stream?unit_id="+e.district, nil), http.StatusForbidden, api.CodeForbidden, "")
	checkError(cl.As(testenv.User("host", e.ward, auth.RoleHost)).Do("GET", "/api/v1/alerts/stream", nil), http.StatusForbidden, api.CodeForbidden, "")
	checkError(cl.Do("GET", "/api/v1/alerts/stream?unit_id=nope", nil), http.StatusUnprocessableEntity, api.CodeValidation, "unit_id")
	checkError(cl.Do("GET", "/api/v1/alerts/stream?unit_id="+e.ward+"&subtree=maybe", nil), http.StatusUnprocessableEntity, api.CodeValidation, "subtree")
	checkError(cl.Do("GET", "/api/v1/alerts/stream?unit_id="+e.ward, nil, "Last-Event-ID", "x1"), http.StatusUnprocessableEntity, api.CodeValidation, "Last-Event-ID")
	checkError(cl.Do("GET", "/api/v1/alerts/stream?unit_id="+uuid.NewString(), nil), http.StatusForbidden, api.CodeForbidden, "")

	// Without a feed the stream is off.
	off := httptest.NewServer((&api.Server{Store: e.st, Auth: testenv.Tokens(t)}).Handler())
	defer off.Close()
	checkError(testenv.NewClient(t, off.URL).WithToken(e.token).Do("GET", fmt.Sprintf("/api/v1/alerts/stream?unit_id=%s", e.ward), nil),
		http.StatusServiceUnavailable, api.CodeStreamUnavailable, "")
}
