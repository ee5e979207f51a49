package planimport

import "strings"

// UnitRef is a unit a row may name: the plan's unit or one below it.
type UnitRef struct {
	ID, Code, Name string
}

// Resolve fills each row's UnitID from its Unit cell: an official code or
// a name (matched without regard to case, diacritics or a leading kind such
// as "Xã" when that is unambiguous) among units. A blank cell leaves UnitID
// empty (the plan's unit). It returns a problem for each cell that names no
// unit or several.
func Resolve(rows []Row, units []UnitRef) []Problem {
	byCode := map[string]string{}
	byName := map[string][]string{}
	for _, u := range units {
		if u.Code != "" {
			byCode[strings.ToLower(strings.TrimSpace(u.Code))] = u.ID
		}
		for _, k := range nameKeys(u.Name) {
			if !containsStr(byName[k], u.ID) {
				byName[k] = append(byName[k], u.ID)
			}
		}
	}
	var errs []Problem
	for i := range rows {
		r := &rows[i]
		raw := strings.TrimSpace(r.Unit)
		if raw == "" {
			continue
		}
		if id, ok := byCode[strings.ToLower(raw)]; ok {
			r.UnitID = id
			continue
		}
		ids := byName[fold(raw)]
		switch len(ids) {
		case 1:
			r.UnitID = ids[0]
		case 0:
			errs = append(errs, Problem{Row: r.Row, Column: ColUnit, Code: "unknown_unit", Value: raw})
		default:
			errs = append(errs, Problem{Row: r.Row, Column: ColUnit, Code: "ambiguous_unit", Value: raw})
		}
	}
	return errs
}

// unitKinds are the kind words a unit's name may start with.
var unitKinds = []string{"thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "huyen", "quan", "tinh", "xa"}

// nameKeys are the folded forms a unit's name is found by: the whole name
// and, for "Xã Tân Phong", also "tan phong".
func nameKeys(name string) []string {
	f := fold(name)
	keys := []string{f}
	for _, k := range unitKinds {
		if rest, ok := strings.CutPrefix(f, k+" "); ok && rest != "" {
			keys = append(keys, rest)
			break
		}
	}
	return keys
}

func containsStr(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
