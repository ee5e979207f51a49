// Package auth authenticates callers of the HTTP API by bearer token.
//
// A [Verifier] turns a raw token into a [Principal]: who the caller is, which
// of the known roles they hold and which administrative unit they belong to.
// [HS256] verifies tokens signed with a shared secret (dev and tests) and can
// mint them; [OIDC] verifies tokens issued by an OpenID Connect provider such
// as Keycloak (production). Any rejected token yields a [*TokenError] whose
// Reason is one of the Reason constants.
package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/domain"
)

// Role names: the domain's (the same names alerts are addressed to). Roles
// in tokens are matched case-insensitively against these.
const (
	RolePlanner        = domain.RolePlanner
	RoleHost           = domain.RoleHost
	RoleOfficer        = domain.RoleOfficer
	RoleMonitor        = domain.RoleMonitor
	RoleMTTQ           = domain.RoleMTTQ
	RolePartyCommittee = domain.RolePartyCommittee
	RoleAdmin          = domain.RoleAdmin
	RoleBoard          = domain.RoleInspectionBoard
)

// KnownRoles lists every role in canonical order; [Principal.Roles] follows it.
var KnownRoles = []string{
	RolePlanner, RoleHost, RoleOfficer, RoleMonitor, RoleMTTQ, RolePartyCommittee, RoleAdmin, RoleBoard,
}

// Principal is the authenticated caller, read from a verified token.
type Principal struct {
	// Subject is the "sub" claim, never empty.
	Subject string
	// Name is the display name: "name", else "preferred_username", else Subject.
	Name string
	// Email is the "email" claim, optional.
	Email string
	// Roles holds the known roles of the token, deduplicated, in KnownRoles order.
	Roles []string
	// UnitID is the administrative unit (a canonical UUID string), "" when the token has none.
	UnitID string
}

// HasRole reports whether p holds role (compared case-insensitively).
func (p Principal) HasRole(role string) bool {
	return slices.ContainsFunc(p.Roles, func(r string) bool { return strings.EqualFold(r, role) })
}

// Verifier checks a raw bearer token and returns its principal.
//
// A bad token yields a [*TokenError]. Any other error means the verifier could
// not decide (for example the provider's key endpoint is unreachable); the API
// should treat that as a temporary failure, not as a bad token.
type Verifier interface {
	Verify(ctx context.Context, raw string) (Principal, error)
}

// Reasons carried by [TokenError]. They are stable: the API returns them as error details.
const (
	ReasonMalformed            = "malformed"
	ReasonExpired              = "expired"
	ReasonNotYetValid          = "not_yet_valid"
	ReasonBadSignature         = "bad_signature"
	ReasonWrongIssuer          = "wrong_issuer"
	ReasonWrongAudience        = "wrong_audience"
	ReasonUnsupportedAlgorithm = "unsupported_algorithm"
	ReasonMissingSubject       = "missing_subject"
	ReasonInvalidUnit          = "invalid_unit"
)

// TokenError is returned by Verify for any bad token.
type TokenError struct {
	// Reason is one of the Reason constants.
	Reason string
	// Err is the underlying cause; it may be nil.
	Err error
}

// Error implements error.
func (e *TokenError) Error() string {
	if e.Err == nil {
		return "auth: invalid token: " + e.Reason
	}
	return "auth: invalid token: " + e.Reason + ": " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *TokenError) Unwrap() error { return e.Err }

func tokenError(reason string, err error) *TokenError {
	return &TokenError{Reason: reason, Err: err}
}

// checkAlgorithm parses the header of a compact JWS and refuses it unless its
// "alg" is one of allowed. It runs before the signature library sees the token,
// so "none", key-confusion attempts and other algorithms fail the same way
// whatever the library's own wording.
func checkAlgorithm(raw string, allowed []string) error {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return tokenError(ReasonMalformed, fmt.Errorf("token has %d segments, want 3", len(parts)))
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return tokenError(ReasonMalformed, fmt.Errorf("decode header: %w", err))
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(header, &h); err != nil {
		return tokenError(ReasonMalformed, fmt.Errorf("decode header: %w", err))
	}
	if !slices.Contains(allowed, h.Alg) {
		return tokenError(ReasonUnsupportedAlgorithm, fmt.Errorf("algorithm %q not accepted", h.Alg))
	}
	return nil
}

// principalFromClaims builds the principal from verified claims. rolesPath and
// unitPath are dot paths into the claims ("realm_access.roles").
func principalFromClaims(claims map[string]any, rolesPath, unitPath string) (Principal, error) {
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return Principal{}, tokenError(ReasonMissingSubject, nil)
	}
	p := Principal{Subject: sub, Email: stringClaim(claims, "email")}
	p.Name = stringClaim(claims, "name")
	if p.Name == "" {
		p.Name = stringClaim(claims, "preferred_username")
	}
	if p.Name == "" {
		p.Name = sub
	}
	if list, ok := claimAt(claims, rolesPath).([]any); ok {
		var roles []string
		for _, r := range list {
			if s, ok := r.(string); ok {
				roles = append(roles, s)
			}
		}
		p.Roles = normalizeRoles(roles)
	}
	unit, err := unitID(claimAt(claims, unitPath))
	if err != nil {
		return Principal{}, err
	}
	p.UnitID = unit
	return p, nil
}

// claimAt walks a dot path through nested JSON objects; nil when absent.
func claimAt(claims map[string]any, path string) any {
	var v any = claims
	for key := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

func stringClaim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// normalizeRoles keeps the known roles among roles (case-insensitively),
// once each, in KnownRoles order; nil when none is known.
func normalizeRoles(roles []string) []string {
	var out []string
	for _, known := range KnownRoles {
		if slices.ContainsFunc(roles, func(r string) bool { return strings.EqualFold(r, known) }) {
			out = append(out, known)
		}
	}
	return out
}

// unitID validates the unit claim: absent or null is "", a UUID string is
// returned in canonical form, anything else (including "") is invalid.
func unitID(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", tokenError(ReasonInvalidUnit, fmt.Errorf("unit claim is a %T, want a UUID string", v))
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return "", tokenError(ReasonInvalidUnit, fmt.Errorf("unit claim: %w", err))
	}
	return u.String(), nil
}

// SessionCookie is the cookie the web pages keep the user's token in; the
// API accepts it for reads (GET) only.
const SessionCookie = "doithoai_session"
