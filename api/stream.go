package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/store"
)

// FeedChannel is the PostgreSQL notification channel on which the
// database announces every new alert and notification (payload: its seq).
const FeedChannel = "doithoai_feed"

// CodeStreamUnavailable answers a stream request when the live feed is not
// running in this process.
const CodeStreamUnavailable = "stream_unavailable"

const (
	// feedPingChannel carries the feed's own health pings.
	feedPingChannel = "doithoai_feed_ping"
	// feedFallback wakes every stream even when no notification came, so a
	// notification lost to a broken connection delays an item, never drops it.
	feedFallback = 5 * time.Second
	// feedIdle is how long the listener waits silently before it pings
	// itself; no answer within another feedIdle means the connection is dead.
	feedIdle = 30 * time.Second
	// feedConnectTimeout bounds connecting and LISTENing.
	feedConnectTimeout = 10 * time.Second
	feedMinBackoff     = 500 * time.Millisecond
	feedMaxBackoff     = 30 * time.Second

	// streamBatch is how many items a stream reads per query.
	streamBatch = 500
	// streamKeepAlive is the interval of the comment lines that keep
	// proxies from closing an idle stream.
	streamKeepAlive = 15 * time.Second
	// streamRetryMillis is the reconnection delay suggested to clients.
	streamRetryMillis = 3000
)

// Feed wakes the Server-Sent Event streams of alerts and notices when
// something new is stored. It holds one PostgreSQL LISTEN connection per
// process and fans each notification out to every stream as a coalescing
// wake-up; the streams then read what is new from the store themselves.
// Run must be running for streams to be served.
type Feed struct {
	st  *store.Store
	db  *bun.DB
	log *zap.Logger

	mu   sync.Mutex
	subs map[*feedSub]struct{}

	running atomic.Bool
	// done is closed when Run returns: the streams end with it.
	done chan struct{}
}

// feedSub is one stream's wake-up: a buffer of one, so any number of
// notifications between two reads collapse into one read.
type feedSub struct {
	wake chan struct{}
}

// NewFeed builds the feed of st. listenDB is the database the LISTEN
// connection is opened on; nil means st.DB. Pass a separate handle when
// st.DB goes through a pooler in transaction mode, where LISTEN does not
// work. Both must use the pgdriver driver.
func NewFeed(st *store.Store, listenDB *bun.DB, log *zap.Logger) *Feed {
	if listenDB == nil {
		listenDB = st.DB
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Feed{
		st:   st,
		db:   listenDB,
		log:  log.Named("feed"),
		subs: map[*feedSub]struct{}{},
		done: make(chan struct{}),
	}
}

// Run listens for new items until ctx is cancelled, waking every stream on
// each notification, on a fallback tick, and whenever the listener has
// (re)connected. A failed listener reconnects with backoff; Run itself
// returns nil when ctx is cancelled, and an error only if it cannot run at
// all. The streams end when Run returns. Run may be called once per Feed.
func (f *Feed) Run(ctx context.Context) error {
	if !f.running.CompareAndSwap(false, true) {
		return errors.New("run feed: already running")
	}
	defer close(f.done)
	if _, ok := f.db.Driver().(pgdriver.Driver); !ok {
		return fmt.Errorf("run feed: the listen database uses %T, not pgdriver", f.db.Driver())
	}
	var wg sync.WaitGroup
	wg.Go(func() { f.listen(ctx) })
	defer wg.Wait()
	tick := time.NewTicker(feedFallback)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			f.log.Info("feed stopped")
			return nil
		case <-tick.C:
			f.wakeAll()
		}
	}
}

// listen keeps one listener connected until ctx is cancelled, backing off
// exponentially (with jitter) while connecting fails.
func (f *Feed) listen(ctx context.Context) {
	backoff := feedMinBackoff
	for {
		connected, err := f.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			backoff = feedMinBackoff
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		f.log.Warn("feed listener failed; reconnecting", zap.Error(err), zap.Duration("in", wait))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(2*backoff, feedMaxBackoff)
	}
}

// session runs one listener connection until it fails or ctx is cancelled.
// It reports whether it got as far as listening.
func (f *Feed) session(ctx context.Context) (connected bool, err error) {
	ln := pgdriver.NewListener(f.db)
	// Receiving blocks on the socket and ignores ctx: closing the listener
	// is what ends it.
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer func() {
		if stop() {
			_ = ln.Close()
		}
	}()

	lctx, cancel := context.WithTimeout(ctx, feedConnectTimeout)
	err = ln.Listen(lctx, FeedChannel, feedPingChannel)
	cancel()
	if err != nil {
		return false, fmt.Errorf("listen on %s: %w", FeedChannel, err)
	}
	f.log.Info("feed listener connected")
	// Whatever was stored while no one listened is read now.
	f.wakeAll()

	pinged := false
	for {
		channel, _, err := ln.ReceiveTimeout(ctx, feedIdle)
		if ctx.Err() != nil {
			return true, nil
		}
		var netErr net.Error
		switch {
		case err == nil:
			pinged = false
			if channel == FeedChannel {
				f.wakeAll()
			}
		case errors.As(err, &netErr) && netErr.Timeout():
			if pinged {
				return true, errors.New("listener connection silent: no answer to ping")
			}
			pctx, cancel := context.WithTimeout(ctx, feedConnectTimeout)
			err := pgdriver.Notify(pctx, f.db, feedPingChannel, "")
			cancel()
			if err != nil {
				return true, fmt.Errorf("ping listener: %w", err)
			}
			pinged = true
		default:
			return true, fmt.Errorf("receive notification: %w", err)
		}
	}
}

func (f *Feed) subscribe() *feedSub {
	s := &feedSub{wake: make(chan struct{}, 1)}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	return s
}

func (f *Feed) unsubscribe(s *feedSub) {
	f.mu.Lock()
	delete(f.subs, s)
	f.mu.Unlock()
}

// wakeAll tells every stream that something may be new, without blocking:
// a stream that has not yet read since its last wake-up keeps one pending.
func (f *Feed) wakeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// stopped reports whether Run has returned.
func (f *Feed) stopped() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// streamAlerts serves GET /api/v1/alerts/stream: the alerts, reminders and
// notices of a unit (and by default the units below it) as Server-Sent
// Events, each with its seq as the event id, from Last-Event-ID on or, for
// a fresh stream, from now on.
func (s *Server) streamAlerts(c *gin.Context) {
	var errs []FieldError
	unitID := uuidQuery(c, "unit_id", &errs)
	subtree := subtreeParam(c, &errs)
	cl := callerOf(c)
	if c.Query("unit_id") == "" {
		unitID = cl.UnitID
	}
	lastID, resume := lastEventID(c, &errs)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if s.Feed == nil || s.Feed.stopped() {
		abort(c, newError(http.StatusServiceUnavailable, CodeStreamUnavailable,
			"Luồng cảnh báo trực tiếp không hoạt động trên máy chủ này; hãy dùng GET /api/v1/alerts.",
			"The live alert stream is not running on this server; use GET /api/v1/alerts."))
		return
	}
	ctx := c.Request.Context()
	if unitID == "" || !s.checkUnitParam(c, unitID) {
		if unitID == "" {
			abort(c, validationError(fieldError("unit_id", "required")))
		}
		return
	}
	fs := feedScope{unitID: unitID, subtree: subtree, alerts: cl.scope(kindAlerts), notices: cl.scope(kindNotices)}
	head, err := s.Store.FeedHead(ctx)
	if err != nil {
		abort(c, err)
		return
	}
	after := head
	if resume {
		// An id beyond the head was not handed out by this database (a
		// restore, another environment): start from now rather than wait.
		after = min(lastID, head)
	}

	// Subscribe before the first read, so nothing stored after that read
	// can go by without a wake-up.
	sub := s.Feed.subscribe()
	defer s.Feed.unsubscribe(sub)

	// The server's WriteTimeout would cut a long stream; lift it here.
	rc := http.NewResponseController(c.Writer)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		logger(c).Warn("stream: lift write deadline", zap.Error(err))
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)

	st := &sseStream{c: c, rc: rc}
	if err := st.send(fmt.Appendf(nil, "retry: %d\n\n", streamRetryMillis)); err != nil {
		return
	}
	log := logger(c).With(zap.String("unit_id", unitID), zap.Bool("subtree", subtree))
	log.Info("stream opened", zap.Int64("after", after))

	keepAlive := time.NewTicker(streamKeepAlive)
	defer keepAlive.Stop()
	for {
		after, err = s.streamSince(ctx, st, fs, after)
		if err != nil {
			if ctx.Err() == nil {
				// The client reconnects with Last-Event-ID and misses nothing.
				log.Warn("stream ended on error", zap.Error(err), zap.Int64("after", after))
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-s.Feed.done:
			log.Info("stream closed: server shutting down", zap.Int64("after", after))
			return
		case <-sub.wake:
		case <-keepAlive.C:
			if err := st.send([]byte(": keep-alive\n\n")); err != nil {
				return
			}
		}
	}
}

// feedScope is what one stream shows: a unit (and its subtree), narrowed
// to the alerts and notices its caller may see.
type feedScope struct {
	unitID          string
	subtree         bool
	alerts, notices *store.Scope
}

// streamSince writes every item after seq, in batches, until caught up, and
// returns the seq of the last item written.
func (s *Server) streamSince(ctx context.Context, st *sseStream, fs feedScope, after int64) (int64, error) {
	var buf bytes.Buffer
	for {
		items, err := s.Store.FeedSince(ctx, fs.unitID, fs.subtree, fs.alerts, fs.notices, after, streamBatch)
		if err != nil {
			return after, err
		}
		if len(items) == 0 {
			return after, nil
		}
		buf.Reset()
		for _, it := range items {
			var v any = it.Alert
			if it.Notification != nil {
				v = it.Notification
			}
			data, err := json.Marshal(v)
			if err != nil {
				return after, fmt.Errorf("encode feed item %d: %w", it.Seq, err)
			}
			fmt.Fprintf(&buf, "id: %d\nevent: %s\ndata: %s\n\n", it.Seq, it.Type, data)
		}
		if err := st.send(buf.Bytes()); err != nil {
			return after, err
		}
		after = items[len(items)-1].Seq
		if len(items) < streamBatch {
			return after, nil
		}
	}
}

// sseStream writes and flushes raw event-stream text.
type sseStream struct {
	c  *gin.Context
	rc *http.ResponseController
}

func (st *sseStream) send(b []byte) error {
	if _, err := st.c.Writer.Write(b); err != nil {
		return fmt.Errorf("write event stream: %w", err)
	}
	if err := st.rc.Flush(); err != nil {
		return fmt.Errorf("flush event stream: %w", err)
	}
	return nil
}

// lastEventID reads the resume point: the Last-Event-ID header that
// EventSource sends on reconnection, or the last_event_id query parameter
// of polyfills that cannot set headers. The header wins.
func lastEventID(c *gin.Context, errs *[]FieldError) (int64, bool) {
	field, v := "Last-Event-ID", c.GetHeader("Last-Event-ID")
	if v == "" {
		field, v = "last_event_id", c.Query("last_event_id")
	}
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		*errs = append(*errs, fieldError(field, "invalid_integer"))
		return 0, false
	}
	return n, true
}
