package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// openSurvey makes a dialogue whose survey is open and returns its link
// token.
func openSurvey(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	unit := &store.Unit{ID: uuid.NewString(), Level: "commune", Name: "Xã Hòa Bình"}
	if err := st.CreateUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(24 * time.Hour)
	pol := domain.DefaultPolicy()
	p := &store.Plan{ID: uuid.NewString(), UnitID: unit.ID, Year: at.In(domain.Location).Year(), ReferenceNo: "7-KH", IssuingBody: "Đảng ủy xã", Policy: pol, Status: "active"}
	spec := domain.DialogueSpec{ID: uuid.NewString(), Seq: 1, Kind: domain.KindPeriodic, ScheduledAt: at, Hosts: []domain.Host{{Name: "Chủ trì"}}}
	d := store.NewDialogueRow(p.ID, unit.ID, spec, pol)
	d.Phase = domain.PhaseSurveyOpen
	if err := st.SavePlan(ctx, p, []store.Dialogue{d}, store.Event{}); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetDialogue(ctx, d.ID)
	if err != nil || len(got.SurveyToken) != 64 {
		t.Fatalf("read the survey token: %v", err)
	}
	return got.SurveyToken
}

// replicas starts n API servers over one database, behind a trusted proxy
// (loopback), each with its own PostgreSQL-backed limiter.
func replicas(t *testing.T, st *store.Store, n int, budgets api.SurveyBudgets) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		hs := httptest.NewServer((&api.Server{Store: st, Logger: zap.NewNop(), TrustedProxies: config.MustProxies("127.0.0.0/8"),
			SurveyBudgets: budgets}).Handler())
		t.Cleanup(hs.Close)
		out[i] = hs.URL
	}
	return out
}

// A commune hall through three API replicas sharing one PostgreSQL: the
// production budgets with the address's and the link's refill a hundred
// times faster, so ten minutes take six seconds. 300 respondents behind
// one address (X-Forwarded-For from the trusted proxy), arriving over the
// scaled ten minutes, each read the form and send an answer with their
// device id (header or cookie) through any replica: all get through, while
// a phone of that address flooding through every replica meanwhile is cut
// off with 429 and Retry-After after its burst. Then a flooder rotating
// device ids from another address is stopped by that address's budget
// across the replicas, and the idle buckets of the hall are purged. Every
// answer is checked against the OpenAPI document.
func TestSurveyHallAcrossReplicas(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	token := openSurvey(t, st)
	const scale = 100
	d := api.DefaultSurveyBudgets
	hallBudgets := api.SurveyBudgets{Device: d.Device, Link: api.RateLimit{Every: d.Link.Every / scale, Burst: d.Link.Burst},
		Address: api.RateLimit{Every: d.Address.Every / scale, Burst: d.Address.Burst}, Idle: 500 * time.Millisecond}
	urls := replicas(t, st, 3, hallBudgets)
	const hall = "203.0.113.7"
	window := 10 * time.Minute / scale
	path := "/api/v1/survey/" + token

	// The flooder: one phone, as fast as it goes, until the hall is done.
	stop := make(chan struct{})
	type tally struct{ passed, refused int }
	flood := make(chan tally, 1)
	floodStart := time.Now()
	go func() {
		var f tally
		clients := make([]*testenv.Client, len(urls))
		for i, u := range urls {
			clients[i] = testenv.NewClient(t, u)
		}
		for i := 0; ; i++ {
			select {
			case <-stop:
				flood <- f
				return
			default:
			}
			r := clients[i%len(clients)].Do(http.MethodPost, path+"/responses", map[string]any{"field": "Khác", "content": fmt.Sprintf("spam %d", i)},
				"X-Forwarded-For", hall, contract.DeviceHeader, "flooder-phone-0000000000")
			switch r.Status {
			case http.StatusCreated:
				f.passed++
			case http.StatusTooManyRequests:
				if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
					t.Errorf("429 without Retry-After: %v", r.Header)
				}
				f.refused++
			default:
				t.Errorf("flooder: %d %s", r.Status, r.Body)
			}
		}
	}()

	// The respondents: ten lanes, respondent i starting no earlier than
	// i/300 of the window.
	const respondents, lanes = 300, 10
	start := time.Now()
	var wg sync.WaitGroup
	for lane := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clients := make([]*testenv.Client, len(urls))
			for i, u := range urls {
				clients[i] = testenv.NewClient(t, u)
			}
			for i := lane; i < respondents; i += lanes {
				time.Sleep(time.Until(start.Add(time.Duration(i) * window / respondents)))
				dev := fmt.Sprintf("hall-phone-%04d-xxxxxxx", i)
				id := []string{"X-Forwarded-For", hall, contract.DeviceHeader, dev}
				if i%2 == 1 {
					id = []string{"X-Forwarded-For", hall, "Cookie", contract.DeviceCookie + "=" + dev}
				}
				if r := clients[i%3].Do(http.MethodGet, path, nil, id...); r.Status != http.StatusOK {
					t.Errorf("respondent %d reading the form: %d %s", i, r.Status, r.Body)
					continue
				}
				answer := map[string]any{"id": uuid.NewString(), "field": "Giao thông", "content": fmt.Sprintf("Ý kiến số %d", i)}
				if r := clients[(i+1)%3].Do(http.MethodPost, path+"/responses", answer, id...); r.Status != http.StatusCreated {
					t.Errorf("respondent %d answering: %d %s", i, r.Status, r.Body)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	f := <-flood
	elapsed := time.Since(floodStart)
	// The device's burst, then one every 6 s of the time it flooded.
	if most := d.Device.Burst + int(elapsed/d.Device.Every) + 1; f.refused == 0 || f.passed > most {
		t.Errorf("the flooder got %d answers through and %d refused, want at most %d through", f.passed, f.refused, most)
	}
	var n int
	if err := st.DB.NewRaw("SELECT count(*) FROM survey_responses WHERE content LIKE 'Ý kiến số %'").Scan(ctx, &n); err != nil || n != respondents {
		t.Errorf("%d answers of the hall stored (%v), want %d", n, err, respondents)
	}
	t.Logf("hall: %d respondents through; flooder %d through, %d refused", respondents, f.passed, f.refused)

	// Idle buckets are purged: once the hall's address is full again for
	// Idle, a replica's first request deletes its row, and every other
	// bucket full for as long (a phone's stays until it is).
	time.Sleep(time.Duration(d.Address.Burst)*hallBudgets.Address.Every + 1500*time.Millisecond)
	count := func(where string) int {
		var n int
		if err := st.DB.NewRaw("SELECT count(*) FROM rate_limits WHERE "+where).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	fresh := testenv.NewClient(t, replicas(t, st, 1, api.SurveyBudgets{Idle: time.Second})[0])
	if r := fresh.Do(http.MethodGet, path, nil, "X-Forwarded-For", "192.0.2.99", contract.DeviceHeader, "late-phone-xxxxxxxxxxx"); r.Status != http.StatusOK {
		t.Fatalf("late respondent: %d %s", r.Status, r.Body)
	}
	if n := count("key = 'survey:address:" + hall + "'"); n != 0 {
		t.Error("the hall's idle address bucket was not purged")
	}
	if n := count("tat < now() - interval '1 second'"); n != 0 {
		t.Errorf("%d buckets idle for over a second are left", n)
	}

	// A flooder rotating device ids from one address, on the production
	// budgets, through three replicas: the address's burst and no more.
	rot := replicas(t, st, 3, api.SurveyBudgets{})
	clients := []*testenv.Client{testenv.NewClient(t, rot[0]), testenv.NewClient(t, rot[1]), testenv.NewClient(t, rot[2])}
	passed := 0
	for i := 0; i < d.Address.Burst+50; i++ {
		r := clients[i%3].Do(http.MethodGet, path, nil, "X-Forwarded-For", "198.51.100.9", contract.DeviceHeader, fmt.Sprintf("rotating-%08d-xxxxxxx", i))
		if r.Status == http.StatusOK {
			passed++
			continue
		}
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("rotating flooder: %d %v %s, want 429 with Retry-After", r.Status, r.Header, r.Body)
		}
	}
	// Its burst, and a request for each half second it took at most.
	if passed < d.Address.Burst || passed >= d.Address.Burst+50 {
		t.Errorf("the rotating flooder got %d through, want the address's burst of %d (and a few refills)", passed, d.Address.Burst)
	}
}

// A public answer resent with its id is a replay (the same receipt, none
// stored twice); an id another survey's answer holds is a 422 on id
// (id_taken), and nothing is stored for this survey. Responses are checked
// against the OpenAPI document.
func TestPublicAnswerIDTakenByAnotherSurvey(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	first, second := openSurvey(t, st), openSurvey(t, st)
	c := testenv.NewClient(t, replicas(t, st, 1, api.DefaultSurveyBudgets)[0])
	id := uuid.NewString()
	answer := map[string]any{"id": id, "field": "Đất đai", "content": "Đề nghị công khai quy hoạch."}
	var got [2]contract.SurveyAccepted
	for i := range got {
		r := c.Do(http.MethodPost, "/api/v1/survey/"+first+"/responses", answer, contract.DeviceHeader, "phone-id-taken-0000000001")
		if r.Status != http.StatusCreated {
			t.Fatalf("answer %d: %d %s", i, r.Status, r.Body)
		}
		r.Decode(t, &got[i])
	}
	if got[0].Accepted != 1 || got[1].Accepted != 0 || got[1].Duplicates != 1 || got[0].Receipt == "" || got[1].Receipt != got[0].Receipt {
		t.Fatalf("an answer and its resend: %+v, %+v; want 1 accepted, then a duplicate with the same receipt", got[0], got[1])
	}
	r := c.Do(http.MethodPost, "/api/v1/survey/"+second+"/responses", answer, contract.DeviceHeader, "phone-id-taken-0000000002")
	var e contract.Error
	r.Decode(t, &e)
	if r.Status != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "id" || e.Fields[0].Code != "id_taken" || e.Fields[0].Message == "" || e.Fields[0].MessageEN == "" {
		t.Fatalf("the id of another survey's answer: %d %s; want 422 id_taken on id, in both languages", r.Status, r.Body)
	}
	var n int
	if err := st.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM survey_responses").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d answers stored (%v), want the first survey's one", n, err)
	}
}
