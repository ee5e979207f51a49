package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
	"go.uber.org/zap"
)

// FeedChannel is the PostgreSQL notification channel on which the
// database announces every new alert and notification (payload: its seq;
// see the feed trigger in the migrations).
const FeedChannel = "doithoai_feed"

const (
	// feedPingChannel carries the feed's own health pings.
	feedPingChannel = "doithoai_feed_ping"
	// feedFallback wakes every subscriber even when no notification came,
	// so a notification lost to a broken connection delays an item, never
	// drops it.
	feedFallback = 5 * time.Second
	// feedIdle is how long the listener waits silently before it pings
	// itself; no answer within another feedIdle means the connection is dead.
	feedIdle = 30 * time.Second
	// feedConnectTimeout bounds connecting and LISTENing.
	feedConnectTimeout = 10 * time.Second
	feedMinBackoff     = 500 * time.Millisecond
	feedMaxBackoff     = 30 * time.Second
)

// Feed tells its subscribers when new feed rows (alerts, notifications)
// are stored. It holds one PostgreSQL LISTEN connection per process on
// FeedChannel and fans each notification out to every subscriber as a
// coalescing wake-up; subscribers then read what is new with FeedSince.
// It also wakes everyone on a fallback tick and whenever the listener has
// (re)connected, so a lost notification delays an item, never drops it.
// Run must be running for the wake-ups to come.
type Feed struct {
	db  *bun.DB
	log *zap.Logger

	mu   sync.Mutex
	subs map[*FeedSubscription]struct{}

	running atomic.Bool
	// done is closed when Run returns.
	done chan struct{}
}

// FeedSubscription is one subscriber's wake-up: a buffer of one, so any
// number of notifications between two reads collapse into one read.
type FeedSubscription struct {
	feed *Feed
	wake chan struct{}
}

// NewFeed builds a feed that listens on db. Pass the store's DB, or a
// separate handle when the store's goes through a pooler in transaction
// mode, where LISTEN does not work; it must use the pgdriver driver.
func NewFeed(db *bun.DB, log *zap.Logger) *Feed {
	if log == nil {
		log = zap.NewNop()
	}
	return &Feed{
		db:   db,
		log:  log.Named("feed"),
		subs: map[*FeedSubscription]struct{}{},
		done: make(chan struct{}),
	}
}

// Run listens for new rows until ctx is cancelled, waking every subscriber
// on each notification, on a fallback tick, and whenever the listener has
// (re)connected. A failed listener reconnects with backoff; Run itself
// returns nil when ctx is cancelled, and an error only if it cannot run at
// all. Done is closed when Run returns. Run may be called once per Feed.
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

// Done is closed when Run returns: subscribers stop waiting with it.
func (f *Feed) Done() <-chan struct{} { return f.done }

// Stopped reports whether Run has returned.
func (f *Feed) Stopped() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// Subscribe adds a subscriber. Subscribe before the first read, so nothing
// stored after that read can go by without a wake-up; Close it when done.
func (f *Feed) Subscribe() *FeedSubscription {
	s := &FeedSubscription{feed: f, wake: make(chan struct{}, 1)}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	return s
}

// Wake receives when something may be new since the last receive.
func (s *FeedSubscription) Wake() <-chan struct{} { return s.wake }

// Close removes the subscriber.
func (s *FeedSubscription) Close() {
	s.feed.mu.Lock()
	delete(s.feed.subs, s)
	s.feed.mu.Unlock()
}

// wakeAll tells every subscriber that something may be new, without
// blocking: one that has not yet read since its last wake-up keeps one
// pending.
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
	return true, f.receive(ctx, ln)
}

// receive wakes the subscribers on every notification of ln until the
// connection fails (an error) or ctx is cancelled (nil). A connection
// silent for feedIdle is pinged; silent for another feedIdle, it is dead.
func (f *Feed) receive(ctx context.Context, ln *pgdriver.Listener) error {
	pinged := false
	for {
		channel, _, err := ln.ReceiveTimeout(ctx, feedIdle)
		if ctx.Err() != nil {
			return nil
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
				return errors.New("listener connection silent: no answer to ping")
			}
			pctx, cancel := context.WithTimeout(ctx, feedConnectTimeout)
			err := pgdriver.Notify(pctx, f.db, feedPingChannel, "")
			cancel()
			if err != nil {
				return fmt.Errorf("ping listener: %w", err)
			}
			pinged = true
		default:
			return fmt.Errorf("receive notification: %w", err)
		}
	}
}
