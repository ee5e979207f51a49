package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
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
