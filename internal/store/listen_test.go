package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/internal/store"
)

// wakeWait bounds every wait for a wake-up. It is a deadline, not a
// measured time: the feed's 5 s fallback tick alone would wake within it.
const wakeWait = 20 * time.Second

// runFeed runs a feed on the fixture's database until the test ends (or
// the returned stop is called, which waits for Run).
func runFeed(t *testing.T, f feedFixture) (*store.Feed, func()) {
	t.Helper()
	feed := store.NewFeed(f.st.DB, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
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
	return feed, stop
}

// awaitItems waits on sub's wake-ups, reading the unit's feed (and its
// subtree) after seq each time, until the items of seqs want have all
// shown up; it returns the seq read up to.
func awaitItems(t *testing.T, f feedFixture, sub *store.FeedSubscription, unitID string, after int64, want ...int64) int64 {
	t.Helper()
	deadline := time.After(wakeWait)
	for len(want) > 0 {
		select {
		case <-sub.Wake():
		case <-deadline:
			t.Fatalf("no wake-up brought seqs %v (read up to %d)", want, after)
		}
		items, err := f.st.FeedSince(context.Background(), unitID, true, nil, nil, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			want = slices.DeleteFunc(want, func(seq int64) bool { return seq == it.Seq })
			after = it.Seq
		}
	}
	return after
}

func TestFeedWakesSubscribersOnNewRows(t *testing.T) {
	f := newFeedFixture(t)
	feed, _ := runFeed(t, f)
	subs := []*store.FeedSubscription{feed.Subscribe(), feed.Subscribe()}
	head, err := f.st.FeedHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := f.alert(t, f.ward)
	n := f.notification(t, f.district, "reminder")
	for _, sub := range subs {
		awaitItems(t, f, sub, f.province, head, a.Seq, n.Seq)
	}
	// A closed subscription is woken no more.
	subs[1].Close()
	for len(subs[1].Wake()) > 0 {
		<-subs[1].Wake()
	}
	b := f.alert(t, f.ward)
	awaitItems(t, f, subs[0], f.province, head, b.Seq)
	if len(subs[1].Wake()) != 0 {
		t.Error("a closed subscription was woken")
	}
}

func TestFeedSurvivesALostListenerConnection(t *testing.T) {
	f := newFeedFixture(t)
	feed, _ := runFeed(t, f)
	sub := feed.Subscribe()
	defer sub.Close()
	ctx := context.Background()
	head, err := f.st.FeedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// listenerPID waits for the feed's one LISTEN connection other than
	// not and returns its server process id.
	listenerPID := func(not int) int {
		t.Helper()
		const q = `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ? AND query LIKE 'LISTEN%'`
		for deadline := time.Now().Add(wakeWait); ; time.Sleep(20 * time.Millisecond) {
			var pids []int
			if err := f.st.DB.NewRaw(q, not).Scan(ctx, &pids); err != nil {
				t.Fatal(err)
			}
			if len(pids) > 1 {
				t.Fatalf("%d listener connections %v, want one per process", len(pids), pids)
			}
			if len(pids) == 1 {
				return pids[0]
			}
			if time.Now().After(deadline) {
				t.Fatal("the feed is not listening")
			}
		}
	}
	// Cut the feed's LISTEN connection from the server side, and store an
	// alert while it may be down.
	pid := listenerPID(0)
	if _, err := f.st.DB.ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
		t.Fatal(err)
	}
	a := f.alert(t, f.ward)
	after := awaitItems(t, f, sub, f.province, head, a.Seq)
	// The feed listens again on a new connection, and notifications work.
	listenerPID(pid)
	b := f.alert(t, f.district)
	awaitItems(t, f, sub, f.province, after, b.Seq)
}

func TestFeedRunsOnceAndSaysWhenItStopped(t *testing.T) {
	f := newFeedFixture(t)
	feed := store.NewFeed(f.st.DB, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if feed.Stopped() {
		t.Fatal("Stopped before Run")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := feed.Run(ctx); err != nil {
		t.Fatalf("Run with a cancelled context: %v, want nil", err)
	}
	select {
	case <-feed.Done():
	default:
		t.Fatal("Done not closed after Run returned")
	}
	if !feed.Stopped() {
		t.Fatal("not Stopped after Run returned")
	}
	if err := feed.Run(context.Background()); err == nil {
		t.Fatal("a second Run of one feed did not fail")
	}
}
