package auth

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const unitA = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"

// wantReason fails t unless err is a *TokenError with reason want.
func wantReason(t *testing.T, err error, want string) {
	t.Helper()
	var te *TokenError
	if !errors.As(err, &te) {
		t.Fatalf("error = %v (%T), want *TokenError %q", err, err, want)
	}
	if te.Reason != want {
		t.Fatalf("reason = %q (%v), want %q", te.Reason, err, want)
	}
}

func TestPrincipalFromClaims(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]any
		roles  string // dot path
		want   Principal
		reason string // expected TokenError reason; "" for success
	}{
		{
			name:   "full",
			claims: map[string]any{"sub": "u1", "name": "Nguyễn Văn A", "preferred_username": "nva", "email": "a@x.vn", "roles": []any{"admin", "planner"}, "unit_id": unitA},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "Nguyễn Văn A", Email: "a@x.vn", Roles: []string{RolePlanner, RoleAdmin}, UnitID: unitA},
		},
		{
			name:   "name falls back to preferred_username",
			claims: map[string]any{"sub": "u1", "preferred_username": "nva"},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "nva"},
		},
		{
			name:   "name falls back to sub",
			claims: map[string]any{"sub": "u1", "name": ""},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "u1"},
		},
		{
			name:   "roles case-insensitive, deduplicated, unknown dropped, known order",
			claims: map[string]any{"sub": "u1", "roles": []any{"MTTQ", "offline_access", "Host", "mttq", 42, "party_committee", "planner"}},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "u1", Roles: []string{RolePlanner, RoleHost, RoleMTTQ, RolePartyCommittee}},
		},
		{
			name:   "nested roles path",
			claims: map[string]any{"sub": "u1", "realm_access": map[string]any{"roles": []any{"officer", "uma_authorization"}}},
			roles:  "realm_access.roles",
			want:   Principal{Subject: "u1", Name: "u1", Roles: []string{RoleOfficer}},
		},
		{
			name:   "roles as a string are no roles",
			claims: map[string]any{"sub": "u1", "roles": "planner admin"},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "u1"},
		},
		{
			name:   "path through a non-object is no roles",
			claims: map[string]any{"sub": "u1", "realm_access": []any{"admin"}},
			roles:  "realm_access.roles",
			want:   Principal{Subject: "u1", Name: "u1"},
		},
		{
			name:   "unit canonicalised",
			claims: map[string]any{"sub": "u1", "unit_id": strings.ToUpper(unitA)},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "u1", UnitID: unitA},
		},
		{
			name:   "null unit is none",
			claims: map[string]any{"sub": "u1", "unit_id": nil},
			roles:  "roles",
			want:   Principal{Subject: "u1", Name: "u1"},
		},
		{name: "missing sub", claims: map[string]any{"name": "x"}, roles: "roles", reason: ReasonMissingSubject},
		{name: "empty sub", claims: map[string]any{"sub": ""}, roles: "roles", reason: ReasonMissingSubject},
		{name: "sub not a string", claims: map[string]any{"sub": 7.0}, roles: "roles", reason: ReasonMissingSubject},
		{name: "unit not a UUID", claims: map[string]any{"sub": "u1", "unit_id": "hanoi"}, roles: "roles", reason: ReasonInvalidUnit},
		{name: "unit empty string", claims: map[string]any{"sub": "u1", "unit_id": ""}, roles: "roles", reason: ReasonInvalidUnit},
		{name: "unit a number", claims: map[string]any{"sub": "u1", "unit_id": 12.0}, roles: "roles", reason: ReasonInvalidUnit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := principalFromClaims(tc.claims, tc.roles, "unit_id")
			if tc.reason != "" {
				wantReason(t, err, tc.reason)
				return
			}
			if err != nil {
				t.Fatalf("principalFromClaims: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("principal = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHasRole(t *testing.T) {
	p := Principal{Roles: []string{RoleHost, RoleMTTQ}}
	tests := []struct {
		role string
		want bool
	}{
		{RoleHost, true},
		{"MTTQ", true},
		{RoleAdmin, false},
		{"", false},
	}
	for _, tc := range tests {
		if got := p.HasRole(tc.role); got != tc.want {
			t.Errorf("HasRole(%q) = %v, want %v", tc.role, got, tc.want)
		}
	}
}

func TestTokenError(t *testing.T) {
	cause := errors.New("boom")
	err := error(&TokenError{Reason: ReasonExpired, Err: cause})
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is(err, cause) = false, want true")
	}
	if got, want := err.Error(), "auth: invalid token: expired: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&TokenError{Reason: ReasonMissingSubject}).Error(), "auth: invalid token: missing_subject"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestKnownRolesOrder(t *testing.T) {
	want := []string{"planner", "host", "officer", "monitor", "mttq", "party_committee", "admin", "inspection_board"}
	if !reflect.DeepEqual(KnownRoles, want) {
		t.Fatalf("KnownRoles = %v, want %v", KnownRoles, want)
	}
}
