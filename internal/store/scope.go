package store

import (
	"strings"

	"github.com/uptrace/bun"
)

// Scope narrows a read to the rows a caller may see. A nil *Scope reads
// everything (internal callers: workflows, reports, the generator); the API
// always passes one built from the caller's roles and unit, and an empty
// Scope sees nothing, so a forgotten grant denies rather than leaks.
type Scope struct {
	// All sees every row (a global administrator's units and audit).
	All bool
	// Grants are the slices of the unit tree the caller sees.
	Grants []Grant
	// OfficerUnit and Officer, when set, also show the tasks assigned to
	// that unit (the officer's agency) or to that officer by name, and the
	// notices about those tasks (tasks and notifications only).
	OfficerUnit string
	Officer     string
	// OfficerPast are the units merged into OfficerUnit, whose tasks (and
	// their notices) the officer reads as history.
	OfficerPast []string
}

// Grant is one slice of the unit tree: one unit (Subtree false) or the
// unit and every unit below it. For alerts, Roles keeps only the alerts
// addressed to those recipient roles (nil keeps all).
type Grant struct {
	UnitID  string
	Path    string
	Subtree bool
	Roles   []string
}

// Tables whose rows an officer sees by assignment (Scope.OfficerUnit).
const (
	assignedTasks   = "tasks"
	assignedNotices = "notifications"
)

// apply adds the scope's condition on the unit columns cols (a row is
// visible when any of them is in a granted unit). roleCol, when not empty,
// is the recipient-role column Grant.Roles restricts; assigned names the
// table (assignedTasks, assignedNotices) where OfficerUnit and Officer
// apply, "" elsewhere.
func (sc *Scope) apply(q *bun.SelectQuery, cols []string, roleCol string, assigned string) *bun.SelectQuery {
	if sc == nil || sc.All {
		return q
	}
	cond, args := sc.where(cols, roleCol, assigned)
	return q.Where(cond, args...)
}

// applyPlans keeps the plans of a granted unit and the plans that schedule
// a dialogue in a granted unit (a commune's dialogue in its province's
// plan), on the plans columns unit_id and id.
func (sc *Scope) applyPlans(q *bun.SelectQuery) *bun.SelectQuery {
	if sc == nil || sc.All {
		return q
	}
	own, ownArgs := sc.where([]string{"unit_id"}, "", "")
	via, viaArgs := sc.where([]string{"sd.unit_id"}, "", "")
	return q.Where("("+own+" OR id IN (SELECT sd.plan_id FROM dialogues sd WHERE "+via+"))", append(ownArgs, viaArgs...)...)
}

// where is the scope's condition (see apply) and its arguments; "false"
// when nothing is granted.
func (sc *Scope) where(cols []string, roleCol string, assigned string) (string, []any) {
	var (
		parts []string
		args  []any
	)
	for _, g := range sc.Grants {
		var unitConds []string
		for _, col := range cols {
			if g.Subtree {
				unitConds = append(unitConds, col+" IN (SELECT id FROM units WHERE path LIKE ?)")
				args = append(args, escapeLike(g.Path)+"%")
			} else {
				unitConds = append(unitConds, col+" = ?")
				args = append(args, g.UnitID)
			}
		}
		cond := "(" + strings.Join(unitConds, " OR ") + ")"
		if roleCol != "" && g.Roles != nil {
			if len(g.Roles) == 0 {
				continue
			}
			cond = "(" + cond + " AND " + roleCol + " IN (?))"
			args = append(args, bun.In(g.Roles))
		}
		parts = append(parts, cond)
	}
	switch {
	case assigned == assignedTasks && sc.OfficerUnit != "":
		parts = append(parts, "(assignee_unit_id IN (?) OR assignee_officer = ?)")
		args = append(args, bun.In(sc.officerUnits()), sc.Officer)
	case assigned == assignedNotices && sc.OfficerUnit != "":
		parts = append(parts, "task_id IN (SELECT id FROM tasks WHERE assignee_unit_id IN (?) OR assignee_officer = ?)")
		args = append(args, bun.In(sc.officerUnits()), sc.Officer)
	}
	if len(parts) == 0 {
		return "false", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// officerUnits is OfficerUnit and the units merged into it.
func (sc *Scope) officerUnits() []string {
	return append([]string{sc.OfficerUnit}, sc.OfficerPast...)
}

// Sees reports whether a row of unit path unitPath (and, for alerts, of
// recipient role role; "" for other rows) is inside the scope. Unlike
// apply it needs the unit's path, not a query.
func (sc *Scope) Sees(unitID, unitPath, role string) bool {
	if sc == nil || sc.All {
		return true
	}
	for _, g := range sc.Grants {
		in := unitID == g.UnitID
		if g.Subtree {
			in = strings.HasPrefix(unitPath, g.Path)
		}
		if !in {
			continue
		}
		if role == "" || g.Roles == nil {
			return true
		}
		for _, r := range g.Roles {
			if r == role {
				return true
			}
		}
	}
	return false
}
