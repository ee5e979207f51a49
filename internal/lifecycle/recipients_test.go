package lifecycle

import (
	"testing"

	"github.com/doithoai/doithoai/internal/domain"
)

func TestRecipientTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range RecipientKinds() {
		if k.Kind == "" || k.LabelVI == "" || k.LabelEN == "" || k.Role == "" {
			t.Errorf("incomplete row %+v", k)
		}
		if seen[k.Kind] {
			t.Errorf("kind %s twice", k.Kind)
		}
		seen[k.Kind] = true
		if !ValidRecipient(k.Kind) {
			t.Errorf("%s not valid", k.Kind)
		}
	}
	if ValidRecipient("host") || ValidRecipient("") {
		t.Error("unknown kinds are valid")
	}
	for i, st := range DefaultLadder() {
		for _, r := range st.Recipients {
			if !ValidRecipient(r) {
				t.Errorf("default rung %d names unknown recipient %s", i+1, r)
			}
		}
	}
	// The deprecated names in domain (kept for its default ladder and the
	// pages until they switch) must stay equal to the table's.
	for _, p := range [][2]string{{domain.RecipientAssignee, RecipientAssignee}, {domain.RecipientMonitor, RecipientMonitor},
		{domain.RecipientMTTQ, RecipientMTTQ}, {domain.RecipientParentMTTQ, RecipientParentMTTQ},
		{domain.RecipientParentPartyCommittee, RecipientParentPartyCommittee}} {
		if p[0] != p[1] {
			t.Errorf("domain %s differs from lifecycle %s", p[0], p[1])
		}
	}
}

// TestRecipientResolution pins the unit, role and person of each kind to
// what RaiseTaskAlerts did before the table.
func TestRecipientResolution(t *testing.T) {
	st := TaskState{UnitID: "ward", Monitor: "Đ/c Hoàng", Assignee: domain.Assignee{Agency: "UBND", Officer: "An", UnitID: "below"}}
	cases := []struct {
		kind, parent, unit, role, person string
	}{
		{RecipientAssignee, "district", "below", domain.RoleOfficer, "An (UBND)"},
		{RecipientMonitor, "district", "ward", domain.RoleMonitor, "Đ/c Hoàng"},
		{RecipientMTTQ, "district", "ward", domain.RoleMTTQ, ""},
		{RecipientParentMTTQ, "district", "district", domain.RoleMTTQ, ""},
		{RecipientParentPartyCommittee, "district", "district", domain.RolePartyCommittee, ""},
		{RecipientParentMTTQ, "", "ward", domain.RoleMTTQ, ""}, // at the top of the tree
	}
	for _, c := range cases {
		k, ok := Recipient(c.kind)
		if !ok {
			t.Fatalf("%s missing", c.kind)
		}
		if u, p := k.UnitOf(st, c.parent), k.PersonOf(st); u != c.unit || k.Role != c.role || p != c.person {
			t.Errorf("%s: unit %s role %s person %q, want %s %s %q", c.kind, u, k.Role, p, c.unit, c.role, c.person)
		}
	}
	noUnit := st
	noUnit.Assignee.UnitID, noUnit.Assignee.Officer = "", ""
	if k, _ := Recipient(RecipientAssignee); k.UnitOf(noUnit, "") != "ward" || k.PersonOf(noUnit) != "UBND" {
		t.Errorf("assignee without a unit: %s %s", k.UnitOf(noUnit, ""), k.PersonOf(noUnit))
	}
}
