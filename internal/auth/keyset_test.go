package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// forgeries are n tokens for p signed by a key the provider never
// published: half under unknown kids, half under the provider's own kid.
func forgeries(t *testing.T, p *testProvider, knownKID string, n int) []string {
	t.Helper()
	forger := newECKey(t, "")
	toks := make([]string, n)
	for i := range toks {
		k := forger
		k.kid = fmt.Sprintf("forged-%d", i)
		if i%2 == 1 {
			k.kid = knownKID
		}
		toks[i] = k.sign(t, p.claims(nil))
	}
	return toks
}

// verifyAll verifies toks from 32 goroutines at once and fails the test
// unless each is refused as a bad signature.
func verifyAll(t *testing.T, v *OIDC, toks []string) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan string)
	errs := make(chan error, len(toks))
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tok := range next {
				_, err := v.Verify(t.Context(), tok)
				errs <- err
			}
		}()
	}
	for _, tok := range toks {
		next <- tok
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		wantReason(t, err, ReasonBadSignature)
		if t.Failed() {
			return
		}
	}
}

// A flood of forged tokens is refused without a flood of key-set requests:
// within the refresh interval of the last fetch none fetches.
func TestOIDCForgedTokenFloodDoesNotFetchKeys(t *testing.T) {
	k1 := newECKey(t, "k1")
	p := newProvider(t, k1)
	v := newOIDC(t, p, OIDCConfig{})
	if _, err := v.Verify(t.Context(), k1.sign(t, p.claims(nil))); err != nil {
		t.Fatal(err)
	}
	verifyAll(t, v, forgeries(t, p, "k1", 1000))
	if _, jwks := p.hits(); jwks != 1 {
		t.Fatalf("JWKS fetched %d times for 1 valid and 1000 forged tokens, want 1", jwks)
	}
	// The real key still verifies.
	if _, err := v.Verify(t.Context(), k1.sign(t, p.claims(nil))); err != nil {
		t.Fatal(err)
	}
}

// Once the interval has passed, a flood of forged tokens arriving together
// shares one fetch, and the next interval starts from it.
func TestOIDCKeyRefreshIsCoalescedAndRateLimited(t *testing.T) {
	k1 := newECKey(t, "k1")
	p := newProvider(t, k1)
	v := newOIDC(t, p, OIDCConfig{KeyRefreshInterval: time.Minute})
	var mu sync.Mutex
	clock := time.Now()
	v.keys.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	if _, err := v.Verify(t.Context(), k1.sign(t, p.claims(nil))); err != nil {
		t.Fatal(err)
	}
	toks := forgeries(t, p, "k1", 1000)
	advance(59 * time.Second)
	verifyAll(t, v, toks)
	if _, jwks := p.hits(); jwks != 1 {
		t.Fatalf("JWKS fetched %d times within the interval, want 1", jwks)
	}
	advance(time.Second)
	verifyAll(t, v, toks)
	if _, jwks := p.hits(); jwks != 2 {
		t.Fatalf("JWKS fetched %d times after the interval, want 2 (one fetch shared by the flood)", jwks)
	}
	// A rotated key is picked up after the interval, not before.
	k2 := newECKey(t, "k2")
	p.setKeys(k1, k2)
	advance(30 * time.Second)
	_, err := v.Verify(t.Context(), k2.sign(t, p.claims(nil)))
	wantReason(t, err, ReasonBadSignature)
	advance(30 * time.Second)
	if _, err := v.Verify(t.Context(), k2.sign(t, p.claims(nil))); err != nil {
		t.Fatalf("new key after the interval: %v", err)
	}
	if _, jwks := p.hits(); jwks != 3 {
		t.Fatalf("JWKS fetched %d times, want 3", jwks)
	}
}
