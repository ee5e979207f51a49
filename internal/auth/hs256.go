package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Defaults of [HS256Config].
const (
	DefaultHS256Issuer   = "doithoai-dev"
	DefaultHS256Audience = "doithoai"
	DefaultHS256Leeway   = 30 * time.Second
)

// minSecretLen is the shortest HS256 secret accepted (256 bits).
const minSecretLen = 32

// HS256Config configures [NewHS256].
type HS256Config struct {
	// Secret is the shared HMAC key, at least 32 bytes.
	Secret []byte
	// Issuer is the required "iss"; DefaultHS256Issuer when empty.
	Issuer string
	// Audience must appear in "aud"; DefaultHS256Audience when empty.
	Audience string
	// Leeway is the clock skew allowed on exp, nbf and iat; DefaultHS256Leeway when zero.
	Leeway time.Duration
}

// HS256 verifies and mints tokens signed with a shared secret. It is meant for
// development and tests. Only the HS256 algorithm is accepted, "exp" is
// required, and "iss" and "aud" must match the configuration.
type HS256 struct {
	secret   []byte
	issuer   string
	audience string
	parser   *jwt.Parser
}

var _ Verifier = (*HS256)(nil)

// NewHS256 returns an HS256 verifier for cfg, applying the defaults.
func NewHS256(cfg HS256Config) (*HS256, error) {
	if len(cfg.Secret) < minSecretLen {
		return nil, fmt.Errorf("auth: HS256 secret is %d bytes, need at least %d", len(cfg.Secret), minSecretLen)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultHS256Issuer
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultHS256Audience
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultHS256Leeway
	}
	return &HS256{
		secret:   slices.Clone(cfg.Secret),
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithAudience(cfg.Audience),
			jwt.WithLeeway(cfg.Leeway),
			jwt.WithIssuedAt(),
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// Verify checks raw and returns its principal, or a [*TokenError].
func (h *HS256) Verify(_ context.Context, raw string) (Principal, error) {
	if err := checkAlgorithm(raw, []string{jwt.SigningMethodHS256.Alg()}); err != nil {
		return Principal{}, err
	}
	claims := jwt.MapClaims{}
	_, err := h.parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, fmt.Errorf("unexpected signing method %q", t.Method.Alg())
		}
		return h.secret, nil
	})
	if err != nil {
		return Principal{}, tokenError(jwtReason(err), err)
	}
	return principalFromClaims(claims, "roles", "unit_id")
}

// jwtReason maps a golang-jwt error to a Reason. Claim errors may be joined;
// the first match in this order wins.
func jwtReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return ReasonMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return ReasonBadSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return ReasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return ReasonNotYetValid
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return ReasonWrongIssuer
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return ReasonWrongAudience
	default: // a missing exp, iss or aud, or a claim of the wrong type
		return ReasonMalformed
	}
}

// Mint signs a token for p, valid for ttl from now, with the claims iat, nbf,
// exp, iss, aud, sub, name, email, roles and unit_id. It refuses a principal
// that Verify would reject (no subject, a unit that is not a UUID). A negative
// ttl yields an already expired token, which tests use.
func (h *HS256) Mint(p Principal, ttl time.Duration) (string, error) {
	if p.Subject == "" {
		return "", errors.New("auth: mint: principal has no subject")
	}
	roles := normalizeRoles(p.Roles)
	if roles == nil {
		roles = []string{}
	}
	now := time.Now()
	claims := jwt.MapClaims{
		"iss":   h.issuer,
		"aud":   []string{h.audience},
		"sub":   p.Subject,
		"iat":   jwt.NewNumericDate(now),
		"nbf":   jwt.NewNumericDate(now),
		"exp":   jwt.NewNumericDate(now.Add(ttl)),
		"roles": roles,
	}
	if p.Name != "" {
		claims["name"] = p.Name
	}
	if p.Email != "" {
		claims["email"] = p.Email
	}
	if p.UnitID != "" {
		unit, err := unitID(p.UnitID)
		if err != nil {
			return "", fmt.Errorf("auth: mint: %w", err)
		}
		claims["unit_id"] = unit
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(h.secret)
	if err != nil {
		return "", fmt.Errorf("auth: mint: sign: %w", err)
	}
	return signed, nil
}
