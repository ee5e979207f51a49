package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const testAudience = "doithoai-api"

// testKey is a signing key and the kid it is published under.
type testKey struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv crypto.Signer
}

func newRSAKey(t *testing.T, kid string) testKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: jose.RS256, priv: k}
}

func newECKey(t *testing.T, kid string) testKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: jose.ES256, priv: k}
}

func (k testKey) public() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"}
}

// sign returns claims as a compact JWS signed by k.
func (k testKey) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: k.alg, Key: &jose.JSONWebKey{Key: k.priv, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// testProvider is an OpenID provider serving discovery and a JWKS that the
// test can change while a verifier is running.
type testProvider struct {
	*httptest.Server
	mu             sync.Mutex
	keys           []testKey
	jwksStatus     int // 0: 200
	jwksHits       int
	discoveryHits  int
	omitJWKSInMeta bool
}

func newProvider(t *testing.T, keys ...testKey) *testProvider {
	t.Helper()
	p := &testProvider{keys: keys}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		p.discoveryHits++
		meta := map[string]any{
			"issuer":                                p.URL,
			"authorization_endpoint":                p.URL + "/protocol/openid-connect/auth",
			"token_endpoint":                        p.URL + "/protocol/openid-connect/token",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		}
		if !p.omitJWKSInMeta {
			meta["jwks_uri"] = p.URL + "/protocol/openid-connect/certs"
		}
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(meta)
	})
	mux.HandleFunc("GET /protocol/openid-connect/certs", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.jwksHits++
		if p.jwksStatus != 0 {
			http.Error(w, "unavailable", p.jwksStatus)
			return
		}
		var set jose.JSONWebKeySet
		for _, k := range p.keys {
			set.Keys = append(set.Keys, k.public())
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func (p *testProvider) setKeys(keys ...testKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = keys
}

func (p *testProvider) hits() (discovery, jwks int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.discoveryHits, p.jwksHits
}

// claims are valid claims for p, changed by edit.
func (p *testProvider) claims(edit func(map[string]any)) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": p.URL, "aud": []string{testAudience, "account"}, "sub": "kc-user-1",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"preferred_username": "nva", "email": "a@x.vn",
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func newOIDC(t *testing.T, p *testProvider, cfg OIDCConfig) *OIDC {
	t.Helper()
	if cfg.IssuerURL == "" {
		cfg.IssuerURL = p.URL
	}
	if cfg.Audience == "" {
		cfg.Audience = testAudience
	}
	cfg.HTTPClient = p.Client()
	o, err := NewOIDC(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewOIDC: %v", err)
	}
	return o
}

func TestOIDCVerify(t *testing.T) {
	k1, kEC := newRSAKey(t, "k1"), newECKey(t, "ec1")
	p := newProvider(t, k1, kEC)
	kc := newOIDC(t, p, OIDCConfig{RolesClaim: "realm_access.roles"})
	plain := newOIDC(t, p, OIDCConfig{})

	tests := []struct {
		name  string
		v     *OIDC
		token string
		want  Principal
	}{
		{
			name: "keycloak realm roles, unknown dropped",
			v:    kc,
			token: k1.sign(t, p.claims(func(c map[string]any) {
				c["name"] = "Nguyễn Văn A"
				c["unit_id"] = unitA
				c["realm_access"] = map[string]any{"roles": []string{"offline_access", "MTTQ", "uma_authorization", "host"}}
				c["roles"] = []string{"admin"} // not the configured claim
			})),
			want: Principal{Subject: "kc-user-1", Name: "Nguyễn Văn A", Email: "a@x.vn", Roles: []string{RoleHost, RoleMTTQ}, UnitID: unitA},
		},
		{
			name:  "default roles claim",
			v:     plain,
			token: k1.sign(t, p.claims(func(c map[string]any) { c["roles"] = []string{"officer"} })),
			want:  Principal{Subject: "kc-user-1", Name: "nva", Email: "a@x.vn", Roles: []string{RoleOfficer}},
		},
		{
			name:  "roles claim of the wrong type",
			v:     kc,
			token: k1.sign(t, p.claims(func(c map[string]any) { c["realm_access"] = map[string]any{"roles": "admin"} })),
			want:  Principal{Subject: "kc-user-1", Name: "nva", Email: "a@x.vn"},
		},
		{
			name:  "audience as a single string, ES256 key",
			v:     plain,
			token: kEC.sign(t, p.claims(func(c map[string]any) { c["aud"] = testAudience })),
			want:  Principal{Subject: "kc-user-1", Name: "nva", Email: "a@x.vn"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.v.Verify(t.Context(), tc.token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("principal = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// hs256WithKey signs claims with HS256 using key as the HMAC secret.
func hs256WithKey(t *testing.T, kid string, key []byte, claims map[string]any) string {
	t.Helper()
	unsigned := rawJWT(t, map[string]string{"alg": "HS256", "typ": "JWT", "kid": kid}, claims, "")
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strings.TrimSuffix(unsigned, ".")))
	return unsigned + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func TestOIDCRejects(t *testing.T) {
	k1 := newRSAKey(t, "k1")
	rogue := newRSAKey(t, "rogue")
	impostor := newRSAKey(t, "k1") // claims the published kid
	p := newProvider(t, k1)
	v := newOIDC(t, p, OIDCConfig{RolesClaim: "realm_access.roles"})

	der, err := x509.MarshalPKIXPublicKey(k1.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	jwkJSON, err := json.Marshal(k1.public())
	if err != nil {
		t.Fatal(err)
	}
	good := k1.sign(t, p.claims(nil))

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"expired", k1.sign(t, p.claims(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), ReasonExpired},
		{"missing exp", k1.sign(t, p.claims(func(c map[string]any) { delete(c, "exp") })), ReasonExpired},
		{"nbf beyond the 5-minute skew", k1.sign(t, p.claims(func(c map[string]any) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() })), ReasonNotYetValid},
		{"wrong issuer", k1.sign(t, p.claims(func(c map[string]any) { c["iss"] = "https://sso.evil.example/realms/doithoai" })), ReasonWrongIssuer},
		{"wrong audience", k1.sign(t, p.claims(func(c map[string]any) { c["aud"] = []string{"account"} })), ReasonWrongAudience},
		{"alg none", rawJWT(t, map[string]string{"alg": "none", "typ": "JWT"}, p.claims(nil), ""), ReasonUnsupportedAlgorithm},
		{"key confusion: HS256 with the PEM public key as secret", hs256WithKey(t, "k1", pubPEM, p.claims(nil)), ReasonUnsupportedAlgorithm},
		{"key confusion: HS256 with the DER public key as secret", hs256WithKey(t, "k1", der, p.claims(nil)), ReasonUnsupportedAlgorithm},
		{"key confusion: HS256 with the JWK as secret", hs256WithKey(t, "k1", jwkJSON, p.claims(nil)), ReasonUnsupportedAlgorithm},
		{"signed by a key not in the JWKS", rogue.sign(t, p.claims(nil)), ReasonBadSignature},
		{"signed by another key under the published kid", impostor.sign(t, p.claims(nil)), ReasonBadSignature},
		{"payload tampered", tamperClaims(t, good, func(c map[string]any) { c["realm_access"] = map[string]any{"roles": []string{"admin"}} }), ReasonBadSignature},
		{"signature tampered", flipChar(good, 2, 0), ReasonBadSignature},
		{"missing sub", k1.sign(t, p.claims(func(c map[string]any) { delete(c, "sub") })), ReasonMissingSubject},
		{"bad unit", k1.sign(t, p.claims(func(c map[string]any) { c["unit_id"] = "ward-3" })), ReasonInvalidUnit},
		{"garbage", "Bearer xyz", ReasonMalformed},
		{"empty", "", ReasonMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pr, err := v.Verify(t.Context(), tc.token)
			if err == nil {
				t.Fatalf("Verify accepted the token: %+v", pr)
			}
			wantReason(t, err, tc.want)
		})
	}
}

func TestOIDCKeyRotation(t *testing.T) {
	oldKey, newKey := newRSAKey(t, "2025-old"), newRSAKey(t, "2026-new")
	p := newProvider(t, oldKey)
	v := newOIDC(t, p, OIDCConfig{})

	if _, err := v.Verify(t.Context(), oldKey.sign(t, p.claims(nil))); err != nil {
		t.Fatalf("Verify with the old key: %v", err)
	}
	if _, err := v.Verify(t.Context(), oldKey.sign(t, p.claims(nil))); err != nil {
		t.Fatalf("Verify with the old key again: %v", err)
	}
	if _, jwks := p.hits(); jwks != 1 {
		t.Fatalf("JWKS fetched %d times before rotation, want 1 (cached)", jwks)
	}

	// The provider rotates: only the new key is published now. Within the
	// refresh interval of the last fetch the new kid is not fetched for.
	p.setKeys(newKey)
	clock := time.Now()
	v.keys.mu.Lock()
	v.keys.now = func() time.Time { return clock }
	v.keys.mu.Unlock()
	_, err := v.Verify(t.Context(), newKey.sign(t, p.claims(nil)))
	wantReason(t, err, ReasonBadSignature)
	if _, jwks := p.hits(); jwks != 1 {
		t.Fatalf("JWKS fetched %d times within the refresh interval, want 1", jwks)
	}
	// Once the interval has passed, the first token with the new kid fetches.
	clock = clock.Add(DefaultOIDCKeyRefreshInterval)
	got, err := v.Verify(t.Context(), newKey.sign(t, p.claims(nil)))
	if err != nil {
		t.Fatalf("Verify with the new key after rotation: %v", err)
	}
	if got.Subject != "kc-user-1" {
		t.Fatalf("subject = %q", got.Subject)
	}
	if _, jwks := p.hits(); jwks != 2 {
		t.Fatalf("JWKS fetched %d times after rotation, want 2", jwks)
	}
	// The retired key is no longer trusted once the refetched set is cached.
	// go-oidc stores the new set just after it releases the waiting
	// verification, so allow a moment for that.
	oldToken := oldKey.sign(t, p.claims(nil))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		_, err = v.Verify(t.Context(), oldToken)
		if err != nil || time.Now().After(deadline) {
			break
		}
	}
	wantReason(t, err, ReasonBadSignature)
}

func TestOIDCKeysUnavailable(t *testing.T) {
	p := newProvider(t, newRSAKey(t, "k1"))
	v := newOIDC(t, p, OIDCConfig{})
	p.mu.Lock()
	p.jwksStatus = http.StatusServiceUnavailable
	p.mu.Unlock()

	_, err := v.Verify(t.Context(), p.keys[0].sign(t, p.claims(nil)))
	if err == nil {
		t.Fatal("Verify succeeded without keys")
	}
	var te *TokenError
	if errors.As(err, &te) {
		t.Fatalf("error = %v, want an error that is not a *TokenError (no verdict on the token)", err)
	}
}

func TestOIDCDiscovery(t *testing.T) {
	k1 := newRSAKey(t, "k1")
	p := newProvider(t, k1)

	discovered := newOIDC(t, p, OIDCConfig{})
	authURL, tokenURL := discovered.Endpoints()
	if authURL != p.URL+"/protocol/openid-connect/auth" || tokenURL != p.URL+"/protocol/openid-connect/token" {
		t.Fatalf("Endpoints() = %q, %q", authURL, tokenURL)
	}
	if d, _ := p.hits(); d != 1 {
		t.Fatalf("discovery hits = %d, want 1", d)
	}

	direct := newOIDC(t, p, OIDCConfig{JWKSURL: p.URL + "/protocol/openid-connect/certs"})
	if a, tk := direct.Endpoints(); a != "" || tk != "" {
		t.Fatalf("Endpoints() without discovery = %q, %q, want empty", a, tk)
	}
	if d, _ := p.hits(); d != 1 {
		t.Fatalf("discovery hits = %d, want still 1 when JWKSURL is given", d)
	}
	if _, err := direct.Verify(t.Context(), k1.sign(t, p.claims(nil))); err != nil {
		t.Fatalf("Verify with an explicit JWKS URL: %v", err)
	}
}

func TestNewOIDCErrors(t *testing.T) {
	p := newProvider(t, newRSAKey(t, "k1"))
	noJWKS := newProvider(t)
	noJWKS.omitJWKSInMeta = true

	tests := []struct {
		name string
		cfg  OIDCConfig
		want string // substring of the error
	}{
		{"no issuer", OIDCConfig{Audience: testAudience}, "issuer URL is required"},
		{"no audience", OIDCConfig{IssuerURL: p.URL}, "audience is required"},
		{"HS256 algorithm", OIDCConfig{IssuerURL: p.URL, Audience: testAudience, Algorithms: []string{"RS256", "HS256"}}, `"HS256" not allowed`},
		{"none algorithm", OIDCConfig{IssuerURL: p.URL, Audience: testAudience, Algorithms: []string{"none"}}, `"none" not allowed`},
		{"issuer differs from discovery", OIDCConfig{IssuerURL: p.URL + "/", Audience: testAudience}, "discovery"},
		{"discovery unreachable", OIDCConfig{IssuerURL: p.URL + "/realms/missing", Audience: testAudience}, "discovery"},
		{"no jwks_uri", OIDCConfig{IssuerURL: noJWKS.URL, Audience: testAudience}, "no jwks_uri"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.HTTPClient = p.Client()
			_, err := NewOIDC(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewOIDC error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
