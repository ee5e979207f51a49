package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

// CodeStreamUnavailable answers a stream request when the live feed is not
// running in this process.
const CodeStreamUnavailable = "stream_unavailable"

const (
	// streamBatch is how many items a stream reads per query.
	streamBatch = 500
	// streamKeepAlive is the interval of the comment lines that keep
	// proxies from closing an idle stream.
	streamKeepAlive = 15 * time.Second
	// streamHeldRetry is how soon a stream reads again when committed items
	// were held behind a transaction still open.
	streamHeldRetry = 100 * time.Millisecond
	// streamRetryMillis is the reconnection delay suggested to clients.
	streamRetryMillis = 3000
)

// streamAlerts serves GET /api/v1/alerts/stream: the alerts, reminders and
// notices of a unit (and by default the units below it) as Server-Sent
// Events, each with its seq as the event id, from Last-Event-ID on or, for
// a fresh stream, from now on.
func (s *Server) streamAlerts(c *gin.Context) {
	fs, after, ok := s.streamStart(c)
	if !ok {
		return
	}
	// Subscribe before the first read, so nothing stored after that read
	// can go by without a wake-up.
	sub := s.Feed.Subscribe()
	defer sub.Close()

	st, err := openEventStream(c)
	if err != nil {
		return
	}
	log := logger(c).With(zap.String("unit_id", fs.unitID), zap.Bool("subtree", fs.subtree))
	log.Info("stream opened", zap.Int64("after", after))
	s.followFeed(c.Request.Context(), st, sub, fs, after, log)
}

// streamStart checks a stream request and positions it: what the stream
// shows and the seq after which it starts. It answers the request itself
// and reports false when the stream is not to be opened.
func (s *Server) streamStart(c *gin.Context) (fs feedScope, after int64, ok bool) {
	var errs []contract.FieldError
	unitID := uuidQuery(c, "unit_id", &errs)
	subtree := subtreeParam(c, &errs)
	cl := callerOf(c)
	if c.Query("unit_id") == "" {
		unitID = cl.UnitID
	}
	lastID, resume := lastEventID(c, &errs)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return fs, 0, false
	}
	if s.Feed == nil || s.Feed.Stopped() {
		abort(c, newError(http.StatusServiceUnavailable, CodeStreamUnavailable,
			"Luồng cảnh báo trực tiếp không hoạt động trên máy chủ này; hãy dùng GET /api/v1/alerts.",
			"The live alert stream is not running on this server; use GET /api/v1/alerts."))
		return fs, 0, false
	}
	if unitID == "" || !s.checkUnitParam(c, unitID) {
		if unitID == "" {
			abort(c, validationError(fieldError("unit_id", "required")))
		}
		return fs, 0, false
	}
	fs = feedScope{unitID: unitID, subtree: subtree, alerts: cl.scope(kindAlerts), notices: cl.scope(kindNotices)}
	head, err := s.Store.FeedHead(c.Request.Context())
	if err != nil {
		abort(c, err)
		return fs, 0, false
	}
	after = head
	if resume {
		// An id beyond the head was not handed out by this database (a
		// restore, another environment): start from now rather than wait.
		after = min(lastID, head)
	}
	return fs, after, true
}

// openEventStream answers 200 with the event-stream headers and sends the
// retry field.
func openEventStream(c *gin.Context) (*sseStream, error) {
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
		return nil, err
	}
	return st, nil
}

// followFeed writes what is new after seq, then again on every wake-up of
// sub, until the client goes, the feed stops or a write fails.
func (s *Server) followFeed(ctx context.Context, st *sseStream, sub *store.FeedSubscription, fs feedScope, after int64, log *zap.Logger) {
	keepAlive := time.NewTicker(streamKeepAlive)
	defer keepAlive.Stop()
	for {
		var (
			held  bool
			err   error
			again <-chan time.Time
		)
		after, held, err = s.streamSince(ctx, st, fs, after)
		if held {
			// Items are committed but held behind a transaction still open,
			// whose end may wake nobody: look again shortly.
			again = time.After(streamHeldRetry)
		}
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
		case <-s.Feed.Done():
			log.Info("stream closed: server shutting down", zap.Int64("after", after))
			return
		case <-sub.Wake():
		case <-again:
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
// returns the seq of the last item written and whether committed items are
// held back behind a transaction still open (store.FeedSinceHeld).
func (s *Server) streamSince(ctx context.Context, st *sseStream, fs feedScope, after int64) (int64, bool, error) {
	var buf bytes.Buffer
	for {
		items, held, err := s.Store.FeedSinceHeld(ctx, fs.unitID, fs.subtree, fs.alerts, fs.notices, after, streamBatch)
		if err != nil {
			return after, false, err
		}
		if len(items) == 0 {
			return after, held, nil
		}
		buf.Reset()
		for _, it := range items {
			var v any = it.Alert
			if it.Notification != nil {
				v = it.Notification
			}
			data, err := json.Marshal(v)
			if err != nil {
				return after, false, fmt.Errorf("encode feed item %d: %w", it.Seq, err)
			}
			fmt.Fprintf(&buf, "id: %d\nevent: %s\ndata: %s\n\n", it.Seq, it.Type, data)
		}
		if err := st.send(buf.Bytes()); err != nil {
			return after, false, err
		}
		after = items[len(items)-1].Seq
		if len(items) < streamBatch {
			return after, held, nil
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
func lastEventID(c *gin.Context, errs *[]contract.FieldError) (int64, bool) {
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
