package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// DefaultOIDCKeyRefreshInterval is the least time between two fetches of
// the provider's key set when [OIDCConfig.KeyRefreshInterval] is zero.
const DefaultOIDCKeyRefreshInterval = 30 * time.Second

// errKeyRefreshCoolingDown is the verdict on a token no cached key verifies
// while the key set was fetched less than the refresh interval ago.
var errKeyRefreshCoolingDown = errors.New("no cached key verifies the token and the key set was fetched too recently to fetch it again")

// limitedKeySet is an oidc.KeySet over a provider's JWKS that fetches the
// set at most once per interval: a token no cached key verifies (a new
// "kid" after a rotation, or a forgery) triggers a fetch only when the last
// one started at least interval ago; concurrent triggers share one fetch;
// during the cool-down such tokens fail verification (401) without any
// request to the provider. go-oidc's RemoteKeySet, which it replaces,
// fetches again for every such token.
type limitedKeySet struct {
	url      string
	client   *http.Client
	algs     []jose.SignatureAlgorithm
	interval time.Duration
	now      func() time.Time

	mu        sync.Mutex
	keys      []jose.JSONWebKey
	lastFetch time.Time // when the last fetch started; zero: never
	lastErr   error     // the last fetch's error, nil if it succeeded
	inflight  chan struct{}
}

func newLimitedKeySet(url string, client *http.Client, algs []string, interval time.Duration) *limitedKeySet {
	ks := &limitedKeySet{url: url, client: client, interval: interval, now: time.Now}
	for _, a := range algs {
		ks.algs = append(ks.algs, jose.SignatureAlgorithm(a))
	}
	return ks
}

// VerifySignature implements oidc.KeySet. Errors wrapping a failed fetch
// say "fetching keys" (no verdict on the token, see oidcError); every other
// error is a bad signature.
func (ks *limitedKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSigned(jwt, ks.algs)
	if err != nil {
		return nil, fmt.Errorf("malformed jwt: %w", err)
	}
	kid := ""
	if len(jws.Signatures) > 0 {
		kid = jws.Signatures[0].Header.KeyID
	}
	ks.mu.Lock()
	keys := ks.keys
	ks.mu.Unlock()
	if payload, ok := verifyWith(jws, keys, kid); ok {
		return payload, nil
	}
	keys, err = ks.refresh(ctx)
	if err != nil {
		return nil, err
	}
	if payload, ok := verifyWith(jws, keys, kid); ok {
		return payload, nil
	}
	return nil, errors.New("no key of the provider's key set verifies the token")
}

func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) ([]byte, bool) {
	for i := range keys {
		if kid == "" || keys[i].KeyID == kid {
			if payload, err := jws.Verify(&keys[i]); err == nil {
				return payload, true
			}
		}
	}
	return nil, false
}

// refresh fetches the key set unless a fetch is under way (it waits for
// that one) or the last one started less than the interval ago (it answers
// errKeyRefreshCoolingDown, or the last fetch's error if that failed).
func (ks *limitedKeySet) refresh(ctx context.Context) ([]jose.JSONWebKey, error) {
	ks.mu.Lock()
	wait := ks.inflight
	if wait == nil {
		if !ks.lastFetch.IsZero() && ks.now().Sub(ks.lastFetch) < ks.interval {
			err := ks.lastErr
			ks.mu.Unlock()
			if err != nil {
				return nil, fmt.Errorf("fetching keys %w", err)
			}
			return nil, errKeyRefreshCoolingDown
		}
		wait = make(chan struct{})
		ks.inflight, ks.lastFetch = wait, ks.now()
		go ks.fetch(wait)
	}
	ks.mu.Unlock()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("fetching keys %w", ctx.Err())
	case <-wait:
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.lastErr != nil {
		return nil, fmt.Errorf("fetching keys %w", ks.lastErr)
	}
	return ks.keys, nil
}

// fetch runs one fetch (not bound to any request's context) and publishes
// its outcome: a fetched set replaces the cache; a failure keeps it.
func (ks *limitedKeySet) fetch(done chan struct{}) {
	keys, err := ks.get()
	ks.mu.Lock()
	if err == nil {
		ks.keys = keys
	}
	ks.lastErr = err
	ks.inflight = nil
	ks.mu.Unlock()
	close(done)
}

func (ks *limitedKeySet) get() ([]jose.JSONWebKey, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultOIDCHTTPTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ks.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := ks.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get key set: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read key set: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get key set: %s", resp.Status)
	}
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("decode key set: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, r := range raw.Keys {
		var k jose.JSONWebKey
		if err := json.Unmarshal(r, &k); err != nil {
			continue // a key type or algorithm go-jose does not know: not ours to use
		}
		if k.Use == "enc" || !k.IsPublic() {
			continue
		}
		keys = append(keys, k)
	}
	return keys, nil
}
