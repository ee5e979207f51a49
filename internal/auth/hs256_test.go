package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef") // 32 bytes

func newHS(t *testing.T, cfg HS256Config) *HS256 {
	t.Helper()
	if cfg.Secret == nil {
		cfg.Secret = testSecret
	}
	h, err := NewHS256(cfg)
	if err != nil {
		t.Fatalf("NewHS256: %v", err)
	}
	return h
}

func mint(t *testing.T, h *HS256, p Principal, ttl time.Duration) string {
	t.Helper()
	tok, err := h.Mint(p, ttl)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return tok
}

// hsClaims are valid claims for the default HS256 configuration, changed by edit.
func hsClaims(edit func(jwt.MapClaims)) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"iss": DefaultHS256Issuer, "aud": DefaultHS256Audience, "sub": "u1",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func signHS(t *testing.T, secret []byte, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return tok
}

// rawJWT assembles a compact token from a header, claims and a raw signature segment.
func rawJWT(t *testing.T, header, claims any, sig string) string {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return seg(header) + "." + seg(claims) + "." + sig
}

// tamperClaims rewrites claims of a signed token and keeps its signature.
func tamperClaims(t *testing.T, tok string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	edit(c)
	b, err = json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// flipChar replaces the character at index i of segment seg (0 header, 1 claims, 2 signature).
// The first character of a segment always carries data bits, so flipping it changes the bytes.
func flipChar(tok string, seg, i int) string {
	parts := strings.Split(tok, ".")
	b := []byte(parts[seg])
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	parts[seg] = string(b)
	return strings.Join(parts, ".")
}

func TestHS256RoundTrip(t *testing.T) {
	h := newHS(t, HS256Config{})
	tests := []struct {
		name string
		in   Principal
		want Principal
	}{
		{
			name: "full",
			in:   Principal{Subject: "u-42", Name: "Trần Thị B", Email: "b@x.vn", Roles: []string{RolePlanner, RoleMTTQ}, UnitID: unitA},
			want: Principal{Subject: "u-42", Name: "Trần Thị B", Email: "b@x.vn", Roles: []string{RolePlanner, RoleMTTQ}, UnitID: unitA},
		},
		{
			name: "minimal: name falls back to subject, no roles, no unit",
			in:   Principal{Subject: "u-1"},
			want: Principal{Subject: "u-1", Name: "u-1"},
		},
		{
			name: "roles normalised",
			in:   Principal{Subject: "u-2", Name: "C", Roles: []string{"ADMIN", "bogus", "planner", "Admin"}},
			want: Principal{Subject: "u-2", Name: "C", Roles: []string{RolePlanner, RoleAdmin}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.Verify(context.Background(), mint(t, h, tc.in, time.Minute))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("principal = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHS256Rejects(t *testing.T) {
	ctx := context.Background()
	h := newHS(t, HS256Config{})
	good := mint(t, h, Principal{Subject: "u1", Name: "A", Roles: []string{RolePlanner}}, time.Hour)

	otherSecret := newHS(t, HS256Config{Secret: []byte("another-secret-another-secret-32b")})
	otherIssuer := newHS(t, HS256Config{Issuer: "someone-else"})
	otherAudience := newHS(t, HS256Config{Audience: "another-service"})

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs256, err := jwt.NewWithClaims(jwt.SigningMethodRS256, hsClaims(nil)).SignedString(rsaKey)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"payload tampered (sub changed, signature kept)", tamperClaims(t, good, func(c map[string]any) { c["sub"] = "u2" }), ReasonBadSignature},
		{"payload tampered (role added, signature kept)", tamperClaims(t, good, func(c map[string]any) { c["roles"] = []string{"admin"} }), ReasonBadSignature},
		{"payload char flipped", flipChar(good, 1, 0), ReasonMalformed}, // '{' no longer decodes: eyJ → AyJ
		{"signature tampered", flipChar(good, 2, 0), ReasonBadSignature},
		{"signature removed", good[:strings.LastIndex(good, ".")+1], ReasonBadSignature},
		{"wrong secret", mint(t, otherSecret, Principal{Subject: "u1"}, time.Hour), ReasonBadSignature},
		{"expired beyond leeway", mint(t, h, Principal{Subject: "u1"}, -time.Minute), ReasonExpired},
		{"nbf in the future", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() })), ReasonNotYetValid},
		{"iat in the future", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { c["iat"] = time.Now().Add(10 * time.Minute).Unix() })), ReasonNotYetValid},
		{"wrong issuer", mint(t, otherIssuer, Principal{Subject: "u1"}, time.Hour), ReasonWrongIssuer},
		{"missing issuer", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { delete(c, "iss") })), ReasonMalformed},
		{"missing audience", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { delete(c, "aud") })), ReasonMalformed},
		{"wrong audience", mint(t, otherAudience, Principal{Subject: "u1"}, time.Hour), ReasonWrongAudience},
		{"missing exp", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { delete(c, "exp") })), ReasonMalformed},
		{"alg none", rawJWT(t, map[string]string{"alg": "none", "typ": "JWT"}, hsClaims(nil), ""), ReasonUnsupportedAlgorithm},
		{"alg None", rawJWT(t, map[string]string{"alg": "None", "typ": "JWT"}, hsClaims(nil), ""), ReasonUnsupportedAlgorithm},
		{"alg HS512", rawJWT(t, map[string]string{"alg": "HS512", "typ": "JWT"}, hsClaims(nil), "c2ln"), ReasonUnsupportedAlgorithm},
		{"RS256-signed", rs256, ReasonUnsupportedAlgorithm},
		{"garbage", "not a token", ReasonMalformed},
		{"garbage with dots", "a.b.c", ReasonMalformed},
		{"two segments", "eyJhbGciOiJIUzI1NiJ9.e30", ReasonMalformed},
		{"empty", "", ReasonMalformed},
		{"missing sub", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { delete(c, "sub") })), ReasonMissingSubject},
		{"bad unit_id", signHS(t, testSecret, hsClaims(func(c jwt.MapClaims) { c["unit_id"] = "unit-7" })), ReasonInvalidUnit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := h.Verify(ctx, tc.token)
			if err == nil {
				t.Fatalf("Verify accepted the token: %+v", p)
			}
			wantReason(t, err, tc.want)
			if strings.Contains(err.Error(), string(testSecret)) {
				t.Fatalf("error reveals the secret: %v", err)
			}
		})
	}
}

func TestHS256Leeway(t *testing.T) {
	h := newHS(t, HS256Config{Leeway: time.Minute})
	// Expired 20 s ago: inside the one-minute leeway.
	if _, err := h.Verify(context.Background(), mint(t, h, Principal{Subject: "u1"}, -20*time.Second)); err != nil {
		t.Fatalf("Verify within leeway: %v", err)
	}
}

func TestNewHS256Config(t *testing.T) {
	short := []byte("too-short-secret-31-bytes-long!")
	if _, err := NewHS256(HS256Config{Secret: short}); err == nil {
		t.Fatal("NewHS256 accepted a 31-byte secret")
	} else if !strings.Contains(err.Error(), "at least 32") || strings.Contains(err.Error(), string(short)) {
		t.Fatalf("error = %q, want a message about the 32-byte minimum that does not quote the secret", err)
	}

	h := newHS(t, HS256Config{})
	if h.issuer != DefaultHS256Issuer || h.audience != DefaultHS256Audience {
		t.Fatalf("defaults: issuer %q audience %q", h.issuer, h.audience)
	}
	// A token of the explicit default configuration is accepted by the defaulted one.
	explicit := newHS(t, HS256Config{Issuer: "doithoai-dev", Audience: "doithoai", Leeway: 30 * time.Second})
	if _, err := h.Verify(context.Background(), mint(t, explicit, Principal{Subject: "u1"}, time.Minute)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestHS256MintRefuses(t *testing.T) {
	h := newHS(t, HS256Config{})
	tests := []struct {
		name string
		p    Principal
	}{
		{"no subject", Principal{Name: "A"}},
		{"unit not a UUID", Principal{Subject: "u1", UnitID: "hanoi"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tok, err := h.Mint(tc.p, time.Minute); err == nil {
				t.Fatalf("Mint = %q, want an error", tok)
			}
		})
	}
}
