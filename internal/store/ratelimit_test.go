package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/store"
)

// The bucket lives in the database: burst requests pass, the next is
// refused with the wait until one token is back, another key has its own
// bucket, concurrent takers (as from several replicas) never get more than
// the burst, and idle full buckets are purged.
func TestRateTokenBucket(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	every := time.Hour
	for i := range 3 {
		d, err := st.TakeRateToken(ctx, "a", every, 3)
		if err != nil || !d.Allowed {
			t.Fatalf("request %d within the burst: %+v %v", i+1, d, err)
		}
	}
	d, err := st.TakeRateToken(ctx, "a", every, 3)
	if err != nil || d.Allowed {
		t.Fatalf("over the burst: %+v %v, want refused", d, err)
	}
	if d.Wait <= every-time.Minute || d.Wait > every {
		t.Errorf("wait %v, want just under %v", d.Wait, every)
	}
	if d, err := st.TakeRateToken(ctx, "b", every, 3); err != nil || !d.Allowed {
		t.Errorf("another key: %+v %v, want its own bucket", d, err)
	}

	// 20 concurrent takers on a fresh key with a burst of 5: exactly 5 pass.
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := st.TakeRateToken(ctx, "c", every, 5)
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if passed != 5 {
		t.Errorf("%d concurrent requests passed, want the burst of 5", passed)
	}

	// A fast bucket refills: after its interval one more request passes.
	fast := 200 * time.Millisecond
	for range 2 {
		if d, _ := st.TakeRateToken(ctx, "d", fast, 2); !d.Allowed {
			t.Fatal("fast bucket refused within its burst")
		}
	}
	d, _ = st.TakeRateToken(ctx, "d", fast, 2)
	if d.Allowed || d.Wait > fast {
		t.Fatalf("fast bucket over its burst: %+v, want refused with a wait ≤ %v", d, fast)
	}
	time.Sleep(d.Wait + 20*time.Millisecond)
	if d, _ := st.TakeRateToken(ctx, "d", fast, 2); !d.Allowed {
		t.Errorf("after the wait it said (%v) the request is still refused", d.Wait)
	}

	time.Sleep(3 * fast)
	n, err := st.PurgeRateLimits(ctx, fast)
	if err != nil || n != 1 {
		t.Errorf("purge: %d %v, want the one idle full bucket (d)", n, err)
	}
}

// Several buckets are taken all or none: a request one bucket refuses
// takes nothing from the others, the wait is the longest of the empty
// ones, and concurrent takers over overlapping buckets (as from several
// replicas) neither deadlock nor get more than the smallest burst.
func TestRateTokensAllOrNone(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	hour := time.Hour
	device := func(id string) []store.RateBucket {
		return []store.RateBucket{{Key: "dev:" + id, Every: hour, Burst: 2}, {Key: "addr", Every: hour, Burst: 5}}
	}
	for i := range 2 {
		if d, err := st.TakeRateTokens(ctx, device("a")); err != nil || !d.Allowed {
			t.Fatalf("request %d of device a: %+v %v", i+1, d, err)
		}
	}
	// Device a is empty: its refused requests leave the address alone.
	for range 10 {
		d, err := st.TakeRateTokens(ctx, device("a"))
		if err != nil || d.Allowed || d.Wait <= hour-time.Minute || d.Wait > hour {
			t.Fatalf("device a over its burst: %+v %v, want refused with a wait just under an hour", d, err)
		}
	}
	for _, id := range []string{"b", "b", "c"} {
		if d, err := st.TakeRateTokens(ctx, device(id)); err != nil || !d.Allowed {
			t.Fatalf("device %s: %+v %v, want the address's 3 remaining requests", id, d, err)
		}
	}
	d, err := st.TakeRateTokens(ctx, device("d"))
	if err != nil || d.Allowed || d.Wait <= hour-time.Minute {
		t.Fatalf("a new device on the empty address: %+v %v, want refused", d, err)
	}
	var n int
	if err := st.DB.NewRaw("SELECT count(*) FROM rate_limits WHERE key = 'dev:d' AND tat > now()").Scan(ctx, &n); err != nil || n != 0 {
		t.Errorf("the refused device d's bucket was taken from: %d %v", n, err)
	}
	if _, err := st.TakeRateTokens(ctx, []store.RateBucket{{Key: "x", Every: hour, Burst: 1}, {Key: "x", Every: hour, Burst: 1}}); err == nil {
		t.Error("a bucket named twice was accepted")
	}

	// 40 concurrent takers, each with its own bucket plus two shared ones
	// named in different orders: exactly the smaller shared burst passes.
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bs := []store.RateBucket{{Key: "link", Every: hour, Burst: 7}, {Key: "hall", Every: hour, Burst: 9}, {Key: fmt.Sprintf("phone:%d", i), Every: hour, Burst: 1}}
			if i%2 == 1 {
				slices.Reverse(bs)
			}
			d, err := st.TakeRateTokens(ctx, bs)
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if passed != 7 {
		t.Errorf("%d concurrent requests passed, want the link's burst of 7", passed)
	}
}
