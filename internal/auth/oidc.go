package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Defaults of [OIDCConfig].
const (
	DefaultOIDCRolesClaim = "roles"
	DefaultOIDCUnitClaim  = "unit_id"
	// DefaultOIDCHTTPTimeout bounds each discovery or key-set request of the
	// default HTTP client, so a hung provider cannot stall key refreshes forever.
	DefaultOIDCHTTPTimeout = 10 * time.Second
)

// DefaultOIDCAlgorithms are the signature algorithms accepted when
// [OIDCConfig.Algorithms] is empty.
func DefaultOIDCAlgorithms() []string { return []string{oidc.RS256, oidc.ES256} }

// asymmetricAlgorithms are the algorithms OIDCConfig.Algorithms may name.
// Symmetric ones (HS*) and "none" are refused: a public key must never serve
// as an HMAC secret.
var asymmetricAlgorithms = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA,
}

// OIDCConfig configures [NewOIDC].
type OIDCConfig struct {
	// IssuerURL is the provider's issuer, e.g.
	// https://sso.example.vn/realms/doithoai; a token's "iss" must equal it.
	IssuerURL string
	// Audience must appear in "aud" (Keycloak: the client id, added to access
	// tokens by an audience mapper). Required.
	Audience string
	// JWKSURL is the provider's key set. When empty it is discovered from
	// IssuerURL + "/.well-known/openid-configuration".
	JWKSURL string
	// Algorithms are the accepted signature algorithms; DefaultOIDCAlgorithms
	// when empty. Only asymmetric algorithms are allowed.
	Algorithms []string
	// RolesClaim is the dot path to an array of role names; "roles" when empty.
	// Keycloak realm roles: "realm_access.roles". A claim of another type
	// yields no roles.
	RolesClaim string
	// UnitClaim is the dot path to the unit UUID; "unit_id" when empty
	// (in Keycloak, a user-attribute mapper).
	UnitClaim string
	// HTTPClient makes discovery and key-set requests; when nil, a client with
	// DefaultOIDCHTTPTimeout.
	HTTPClient *http.Client
	// KeyRefreshInterval is the least time between two fetches of the key
	// set; DefaultOIDCKeyRefreshInterval when zero.
	KeyRefreshInterval time.Duration
}

// OIDC verifies JWT bearer tokens issued by an OpenID Connect provider.
//
// Signatures are checked against the provider's JSON Web Key Set. Key
// refresh: the key set is fetched lazily on the first verification and
// cached in memory. It has no expiry timer; instead, when a token's signature
// cannot be verified by a cached key (typically because its "kid" is unknown
// after the provider rotated keys), the key set is fetched again — one
// request at a time, concurrent verifications waiting on the same fetch — the
// cache is replaced by the fresh set, and the token is checked once more. The
// fetches are rate-limited: at most one per [OIDCConfig.KeyRefreshInterval]
// (default 30 s). A token no cached key verifies within that time of the last
// fetch is refused as a bad signature (401) without a request to the
// provider, so a flood of forged tokens costs the provider one request per
// interval. A rotated key is therefore picked up on the first token that uses
// it once the interval has passed since the last fetch (at once if that fetch
// is older), without a restart; a key removed by the provider stays trusted
// until the next fetch. While the last fetch failed, the verdict within the
// interval is "keys unavailable" (503), not a bad signature.
//
// Issuer, audience and expiry are checked by go-oidc: "exp" is required and
// has no leeway; "nbf", when present, is allowed five minutes of clock skew.
// Nonce and "azp" are not checked (the token is used as a bearer access token).
type OIDC struct {
	verifier   *oidc.IDTokenVerifier
	algorithms []string
	rolesClaim string
	unitClaim  string
	authURL    string
	tokenURL   string
	keys       *limitedKeySet
}

var _ Verifier = (*OIDC)(nil)

// NewOIDC returns a verifier for cfg. Unless cfg.JWKSURL is set, it runs
// discovery against the issuer now (with ctx) and fails if the discovered
// issuer differs from cfg.IssuerURL or no jwks_uri is published. Keys are
// fetched on first use. The HTTP client of cfg is kept for later key fetches;
// ctx's cancellation does not stop them.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.IssuerURL == "" {
		return nil, errors.New("auth: oidc: issuer URL is required")
	}
	if cfg.Audience == "" {
		return nil, errors.New("auth: oidc: audience is required")
	}
	algs := cfg.Algorithms
	if len(algs) == 0 {
		algs = DefaultOIDCAlgorithms()
	}
	for _, a := range algs {
		if !slices.Contains(asymmetricAlgorithms, a) {
			return nil, fmt.Errorf("auth: oidc: algorithm %q not allowed (want one of %s)", a, strings.Join(asymmetricAlgorithms, ", "))
		}
	}
	o := &OIDC{
		algorithms: slices.Clone(algs),
		rolesClaim: cmp.Or(cfg.RolesClaim, DefaultOIDCRolesClaim),
		unitClaim:  cmp.Or(cfg.UnitClaim, DefaultOIDCUnitClaim),
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: DefaultOIDCHTTPTimeout}
	}
	ctx = oidc.ClientContext(ctx, client)

	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		provider, err := oidc.NewProvider(ctx, cfg.IssuerURL)
		if err != nil {
			return nil, fmt.Errorf("auth: oidc: discovery at %s: %w", cfg.IssuerURL, err)
		}
		var meta struct {
			JWKSURL string `json:"jwks_uri"`
		}
		if err := provider.Claims(&meta); err != nil {
			return nil, fmt.Errorf("auth: oidc: read discovery document: %w", err)
		}
		if meta.JWKSURL == "" {
			return nil, fmt.Errorf("auth: oidc: discovery at %s published no jwks_uri", cfg.IssuerURL)
		}
		jwksURL = meta.JWKSURL
		ep := provider.Endpoint()
		o.authURL, o.tokenURL = ep.AuthURL, ep.TokenURL
	}
	o.keys = newLimitedKeySet(jwksURL, client, o.algorithms, cmp.Or(cfg.KeyRefreshInterval, DefaultOIDCKeyRefreshInterval))
	o.verifier = oidc.NewVerifier(cfg.IssuerURL, o.keys, &oidc.Config{
		ClientID:             cfg.Audience,
		SupportedSigningAlgs: o.algorithms,
	})
	return o, nil
}

// Endpoints returns the provider's authorization and token endpoint URLs found
// by discovery, for a browser login. Both are empty when JWKSURL was configured
// and no discovery ran.
func (o *OIDC) Endpoints() (authURL, tokenURL string) {
	return o.authURL, o.tokenURL
}

// Verify checks raw and returns its principal. A bad token yields a
// [*TokenError]; a failure to fetch the provider's keys yields another error.
func (o *OIDC) Verify(ctx context.Context, raw string) (Principal, error) {
	if err := checkAlgorithm(raw, o.algorithms); err != nil {
		return Principal{}, err
	}
	tok, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return Principal{}, oidcError(err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return Principal{}, tokenError(ReasonMalformed, fmt.Errorf("decode claims: %w", err))
	}
	return principalFromClaims(claims, o.rolesClaim, o.unitClaim)
}

// oidcError maps an error of go-oidc's IDTokenVerifier.Verify. Apart from
// *oidc.TokenExpiredError, go-oidc (v3.21) returns plain formatted errors, so
// the others are told apart by their wording; the tests pin each mapping.
func oidcError(err error) error {
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		return tokenError(ReasonExpired, err)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "fetching keys"):
		// The key set could not be fetched (provider down, or ctx done): no verdict on the token.
		return fmt.Errorf("auth: oidc: verify token: %w", err)
	case strings.HasPrefix(msg, "failed to verify signature"):
		return tokenError(ReasonBadSignature, err)
	case strings.Contains(msg, "issued by a different provider"):
		return tokenError(ReasonWrongIssuer, err)
	case strings.Contains(msg, "expected audience"):
		return tokenError(ReasonWrongAudience, err)
	case strings.Contains(msg, "nbf (not before)"):
		return tokenError(ReasonNotYetValid, err)
	default: // malformed JWT, undecodable claims, several signatures
		return tokenError(ReasonMalformed, err)
	}
}
