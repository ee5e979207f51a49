package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
)

// ErrNoAuth is NewVerifier's answer when no authentication is configured.
// The API can still start (health checks answer; readyz says what is
// missing) but refuses every authenticated request.
var ErrNoAuth = errors.New("no authentication configured: set AUTH_OIDC_ISSUER_URL (production) or AUTH_HS256_SECRET (dev, at least 32 bytes)")

// NewVerifier builds the bearer-token verifier the configuration names:
// OIDC against an issuer's published keys, or HS256 with a shared secret.
// Without either it returns ErrNoAuth.
func NewVerifier(ctx context.Context, cfg config.Config) (auth.Verifier, error) {
	mode := strings.ToLower(cfg.AuthMode)
	if mode == "" {
		switch {
		case cfg.AuthOIDCIssuerURL != "":
			mode = "oidc"
		case cfg.AuthHS256Secret != "":
			mode = "hs256"
		default:
			return nil, ErrNoAuth
		}
	}
	switch mode {
	case "oidc":
		if cfg.AuthOIDCIssuerURL == "" {
			return nil, errors.New("AUTH_MODE=oidc needs AUTH_OIDC_ISSUER_URL")
		}
		v, err := auth.NewOIDC(ctx, auth.OIDCConfig{
			IssuerURL: cfg.AuthOIDCIssuerURL, Audience: cfg.AuthAudience, JWKSURL: cfg.AuthOIDCJWKSURL,
			RolesClaim: cfg.AuthRolesClaim, UnitClaim: cfg.AuthUnitClaim, KeyRefreshInterval: cfg.AuthOIDCKeyRefreshInterval,
		})
		if err != nil {
			return nil, fmt.Errorf("oidc verifier: %w", err)
		}
		return v, nil
	case "hs256":
		v, err := auth.NewHS256(auth.HS256Config{Secret: []byte(cfg.AuthHS256Secret), Issuer: cfg.AuthIssuer, Audience: cfg.AuthAudience})
		if err != nil {
			return nil, fmt.Errorf("hs256 verifier: %w", err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("AUTH_MODE must be oidc or hs256, not %q", cfg.AuthMode)
}
