package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/notify"
)

// StreamClient follows the alert stream (GET /api/v1/alerts/stream) the way
// a browser's EventSource does: when its connection ends it connects again
// with Last-Event-ID, here to the next of its API replicas, so a client of
// a replica that dies goes on at another without losing or repeating an
// event. It counts every event it is sent by id.
type StreamClient struct {
	// Name says which replica it started on.
	Name string

	tb     testing.TB
	bases  []string
	path   string
	token  string
	mu     sync.Mutex
	seen   map[string]int // event id → times sent
	alerts map[string]int // alert id → times sent
	lastID string
	conns  []string // the base of each connection made
}

// FollowStream starts a stream client on bases[0] (then bases[1], … after
// each disconnection) for unitID's subtree as the holder of token.
func FollowStream(tb testing.TB, name string, bases []string, unitID, token string) *StreamClient {
	s := &StreamClient{Name: name, tb: tb, bases: bases, token: token,
		path: "/api/v1/alerts/stream?subtree=true&unit_id=" + unitID,
		seen: map[string]int{}, alerts: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	tb.Cleanup(func() { cancel(); <-done })
	ready := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			s.follow(ctx, s.bases[i%len(s.bases)], ready)
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond): // EventSource waits retry: ms; shorter here
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		tb.Fatalf("stream %s: not connected within 30 s", name)
	}
	return s
}

// follow reads one connection until it ends.
func (s *StreamClient) follow(ctx context.Context, base string, ready chan struct{}) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+s.path, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Accept", "text/event-stream")
	s.mu.Lock()
	if s.lastID != "" {
		req.Header.Set("Last-Event-ID", s.lastID)
	}
	s.mu.Unlock()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, base)
	s.mu.Unlock()
	select {
	case <-ready:
	default:
		close(ready)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var id, event, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data != "" {
				s.record(id, event, data)
			}
			id, event, data = "", "", ""
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func (s *StreamClient) record(id, event, data string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[id]++
	s.lastID = id
	if event == "alert" {
		var a struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(data), &a); err == nil {
			s.alerts[a.ID]++
		}
	}
}

// Alerts returns how many times each alert was sent, by alert id.
func (s *StreamClient) Alerts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := make(map[string]int, len(s.alerts))
	for k, v := range s.alerts {
		cp[k] = v
	}
	return cp
}

// Repeats counts the events sent more than once (by event id).
func (s *StreamClient) Repeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.seen {
		if v > 1 {
			n++
		}
	}
	return n
}

// Connections lists the base URL of each connection made, in order.
func (s *StreamClient) Connections() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{}, s.conns...)
}

// WebhookSink is the webhook endpoint of several units (/hook/<unit id>):
// it verifies each delivery's signature with its unit's secret and counts
// deliveries by the X-Doithoai-Delivery id.
type WebhookSink struct {
	URL string

	tb      testing.TB
	mu      sync.Mutex
	secrets map[string]string
	got     map[string]int
	events  map[string]notify.Event
	bad     int
	resent  int
}

// NewWebhookSink starts the sink; it closes when the test ends.
func NewWebhookSink(tb testing.TB) *WebhookSink {
	w := &WebhookSink{tb: tb, secrets: map[string]string{}, got: map[string]int{}, events: map[string]notify.Event{}}
	srv := httptest.NewServer(http.HandlerFunc(w.serve))
	tb.Cleanup(srv.Close)
	w.URL = srv.URL
	return w
}

// Hook registers unit's secret and returns the URL to give the unit.
func (w *WebhookSink) Hook(unitID, secret string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.secrets[unitID] = secret
	return w.URL + "/hook/" + unitID
}

func (w *WebhookSink) serve(rw http.ResponseWriter, r *http.Request) {
	unit := strings.TrimPrefix(r.URL.Path, "/hook/")
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	var ev notify.Event
	if err := notify.Verify(w.secrets[unit], r.Header, body, time.Now(), 5*time.Minute); err != nil || json.Unmarshal(body, &ev) != nil || ev.UnitID != unit {
		w.bad++
		rw.WriteHeader(http.StatusUnauthorized)
		return
	}
	// A conforming receiver (see notify.Webhook): a delivery id it has
	// accepted before is a resend — a worker killed between the post and
	// its record sends again — and is answered as done, not taken twice.
	id := r.Header.Get(notify.HeaderDelivery)
	if w.got[id] > 0 {
		w.resent++
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	w.got[id]++
	w.events[id] = ev
	rw.WriteHeader(http.StatusNoContent)
}

// Resent counts deliveries that arrived again after being accepted (and
// were dropped, as the webhook contract asks of receivers).
func (w *WebhookSink) Resent() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.resent
}

// Alerts returns how many times each alert was accepted, by alert id
// (resends of an accepted id are dropped: see Resent).
func (w *WebhookSink) Alerts() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for id, n := range w.got {
		if w.events[id].Type == "alert" {
			out[id] = n
		}
	}
	return out
}

// Refused counts deliveries whose signature or unit did not check out.
func (w *WebhookSink) Refused() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.bad
}
