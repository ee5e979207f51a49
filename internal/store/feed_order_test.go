package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/doithoai/doithoai/internal/store"
)

// TestFeedConcurrentWritersNeitherMissNorRepeat: eight writers insert
// alerts and notices at once, without any lock, each transaction holding
// its rows open for a random while (some with two items, some rolled
// back), so commits land out of seq order. Two readers follow the feed the
// way a stream does (FeedSince after the last seq read, again and again);
// one reconnects from its last seq every few reads, as a client with
// Last-Event-ID does. Each must see every committed item exactly once, in
// increasing seq order, and no rolled-back one.
func TestFeedConcurrentWritersNeitherMissNorRepeat(t *testing.T) {
	f := newFeedFixture(t)
	ctx := context.Background()
	head, err := f.st.FeedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 8, 40
	var (
		mu        sync.Mutex
		committed = map[string]bool{}
		wg        sync.WaitGroup
	)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				ids, err := writeFeedTx(ctx, f, w, i)
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				for _, id := range ids {
					committed[id] = true
				}
				mu.Unlock()
			}
		}(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	results := make([]map[string]int, 2)
	var rg sync.WaitGroup
	for r := range results {
		rg.Add(1)
		go func(r int) {
			defer rg.Done()
			results[r] = followFeedForTest(t, f, head, done, r == 1)
		}(r)
	}
	rg.Wait()
	if t.Failed() {
		return
	}
	for r, seen := range results {
		for id := range committed {
			if seen[id] != 1 {
				t.Errorf("reader %d saw committed item %s %d times", r, id, seen[id])
			}
		}
		for id, k := range seen {
			if !committed[id] {
				t.Errorf("reader %d saw %s (%d times), which was never committed", r, id, k)
			}
		}
	}
	if len(committed) < writers*perWriter/2 {
		t.Fatalf("only %d items committed", len(committed))
	}
}

// writeFeedTx writes one or two feed items in one transaction held open for
// up to 20 ms, and rolls one transaction in seven back; it returns the ids
// committed.
func writeFeedTx(ctx context.Context, f feedFixture, w, i int) ([]string, error) {
	var ids []string
	rollback := (w+i)%7 == 3
	err := f.st.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ids = ids[:0]
		for k := 0; k < 1+(w+i)%2; k++ {
			id := uuid.NewString()
			var err error
			if (i+k)%2 == 0 {
				_, err = tx.NewInsert().Model(&store.Alert{ID: id, DedupKey: "test/" + id, UnitID: f.ward, RecipientRole: "planner", Kind: "session_missed",
					TitleVI: "Cảnh báo", TitleEN: "Alert", BodyVI: "Nội dung", BodyEN: "Body", Status: "open"}).Exec(ctx)
			} else {
				_, err = tx.NewInsert().Model(&store.Notification{ID: id, DedupKey: "test/" + id, UnitID: f.district, Recipient: "A", Channel: "inbox",
					SubjectVI: "Nhắc việc", SubjectEN: "Reminder", BodyVI: "Nội dung", BodyEN: "Body", Kind: "reminder"}).Exec(ctx)
			}
			if err != nil {
				return err
			}
			ids = append(ids, id)
			time.Sleep(time.Duration(rand.IntN(10_000)) * time.Microsecond)
		}
		if rollback {
			return errRollback
		}
		return nil
	})
	if rollback && err == errRollback {
		return nil, nil
	}
	return ids, err
}

var errRollback = fmt.Errorf("roll back on purpose")

// followFeedForTest reads the province's feed from after until writers are
// done and a read after that comes back empty, checking that seqs only
// grow; with reconnect, every fourth read starts over from the last seq
// seen (a fresh FeedSince, as a reconnecting stream does). It returns how
// often each item was seen.
func followFeedForTest(t *testing.T, f feedFixture, after int64, done <-chan struct{}, reconnect bool) map[string]int {
	seen := map[string]int{}
	finished := false
	for reads := 0; ; reads++ {
		select {
		case <-done:
			finished = true
		default:
		}
		limit := 500
		if reconnect && reads%4 == 0 {
			limit = 3 // a small page: the next read continues from the last seq
		}
		items, held, err := f.st.FeedSinceHeld(context.Background(), f.province, true, nil, nil, after, limit)
		if err != nil {
			t.Error(err)
			return seen
		}
		for _, it := range items {
			if it.Seq <= after {
				t.Errorf("seq %d after %d: the feed went backwards", it.Seq, after)
			}
			after = it.Seq
			id := ""
			if it.Alert != nil {
				id = it.Alert.ID
			} else {
				id = it.Notification.ID
			}
			seen[id]++
		}
		if finished && len(items) == 0 && !held {
			return seen
		}
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
	}
}
