package lifecycle

import (
	"strings"

	"github.com/doithoai/doithoai/internal/domain"
)

// Escalation recipient kinds: whom a rung of the ladder alerts.
const (
	RecipientAssignee             = "assignee"               // the officer/agency the task is assigned to
	RecipientMonitor              = "monitor"                // the standing-committee member in charge of the area
	RecipientMTTQ                 = "mttq"                   // MTTQ of the task's unit
	RecipientParentMTTQ           = "parent_mttq"            // MTTQ of the parent unit
	RecipientParentPartyCommittee = "parent_party_committee" // party committee of the parent unit
)

// UnitScope says which unit a recipient belongs to.
type UnitScope int

// Unit scopes.
const (
	// TaskUnit is the task's own unit.
	TaskUnit UnitScope = iota
	// ParentUnit is the parent of the task's unit (the task's unit itself
	// at the top of the tree).
	ParentUnit
	// AssigneeUnit is the unit the assignee works in.
	AssigneeUnit
)

// Person says whom by name an alert to a recipient names, if anyone.
type Person int

// Persons named by alerts.
const (
	// NoPerson addresses the role in the unit, nobody by name.
	NoPerson Person = iota
	// AssigneePerson names the assignee (AssigneeName).
	AssigneePerson
	// MonitorPerson names the task's monitor.
	MonitorPerson
)

// RecipientKind is one kind of escalation recipient: its labels, and how an
// alert to it resolves to a unit, a role and perhaps a person.
type RecipientKind struct {
	Kind    string
	LabelVI string
	LabelEN string
	Unit    UnitScope
	Role    string
	Person  Person
}

// recipientKinds is the one table of recipient kinds, in the order forms
// and messages list them. A new kind is a row here, a value of the
// EscalationRequest enum in api/openapi.yaml, and its labels.
var recipientKinds = []RecipientKind{
	{RecipientAssignee, "Cơ quan, cán bộ được giao", "The assignee", AssigneeUnit, domain.RoleOfficer, AssigneePerson},
	{RecipientMonitor, "Người theo dõi", "The monitor", TaskUnit, domain.RoleMonitor, MonitorPerson},
	{RecipientMTTQ, "Ủy ban MTTQ cùng cấp", "MTTQ of the unit", TaskUnit, domain.RoleMTTQ, NoPerson},
	{RecipientParentMTTQ, "Ủy ban MTTQ cấp trên", "MTTQ of the parent unit", ParentUnit, domain.RoleMTTQ, NoPerson},
	{RecipientParentPartyCommittee, "Cấp ủy cấp trên", "Party committee of the parent unit", ParentUnit, domain.RolePartyCommittee, NoPerson},
}

// RecipientKinds lists every recipient kind, in table order.
func RecipientKinds() []RecipientKind {
	return append([]RecipientKind(nil), recipientKinds...)
}

// RecipientNames lists the names of the recipient kinds, in table order.
func RecipientNames() []string {
	out := make([]string, len(recipientKinds))
	for i, k := range recipientKinds {
		out[i] = k.Kind
	}
	return out
}

// Recipient finds a recipient kind by name.
func Recipient(kind string) (RecipientKind, bool) {
	for _, k := range recipientKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return RecipientKind{}, false
}

// ValidRecipient reports whether r names an escalation recipient.
func ValidRecipient(r string) bool {
	_, ok := Recipient(r)
	return ok
}

// DefaultLadder is the ladder a plan climbs when it sets none: at the
// deadline the assignee and the monitor; three working days later MTTQ of
// the unit; ten working days later MTTQ and the party committee of the
// parent unit. It is domain.DefaultEscalation, which Policy decoding
// applies (the domain package cannot import this one).
func DefaultLadder() []domain.EscalationStep {
	return domain.DefaultEscalation()
}

// NeedsParent reports whether resolving this kind needs the parent unit.
func (k RecipientKind) NeedsParent() bool { return k.Unit == ParentUnit }

// UnitOf resolves the unit an alert to this kind goes to; parentUnitID is
// the parent of the task's unit ("" when unknown or at the top).
func (k RecipientKind) UnitOf(st TaskState, parentUnitID string) string {
	unit := st.UnitID
	switch k.Unit {
	case ParentUnit:
		unit = parentUnitID
	case AssigneeUnit:
		unit = st.Assignee.UnitID
	}
	if unit == "" {
		return st.UnitID
	}
	return unit
}

// PersonOf is the person an alert to this kind names ("" for a role).
func (k RecipientKind) PersonOf(st TaskState) string {
	switch k.Person {
	case AssigneePerson:
		return AssigneeName(st.Assignee)
	case MonitorPerson:
		return st.Monitor
	}
	return ""
}

// AssigneeName is how alerts name an assignee: the officer with the agency
// in brackets, or the agency.
func AssigneeName(a domain.Assignee) string {
	if a.Officer != "" {
		return a.Officer + " (" + a.Agency + ")"
	}
	return a.Agency
}

// recipientList words the kinds as "a, b or c" (Vietnamese "a, b hoặc c").
func recipientList(or string) string {
	names := RecipientNames()
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + or + " " + names[len(names)-1]
}
