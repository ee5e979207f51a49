// Package unitmap is the administrative map's vocabulary in one place: the
// levels of the unit tree and their order, the official kinds each level
// allows, their Vietnamese and English labels, the national root, and the
// deterministic unit ids derived from official codes. The API's errors,
// the pages, the catalogue import and the generator all read it here.
package unitmap

import (
	"strings"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/domain"
)

// Kind is one official kind of unit at a level, with its labels.
type Kind struct {
	Name    string
	LabelVI string
	LabelEN string
	// Historic marks a kind that no longer exists since 1 July 2025.
	Historic bool
}

// Level is one level of the unit tree, with its labels and kinds.
type Level struct {
	Name string
	// Rank orders the levels from the root: a parent's rank is lower than
	// its child's.
	Rank    int
	LabelVI string
	LabelEN string
	// Historic marks the district level, gone since 1 July 2025.
	Historic bool
	Kinds    []Kind
}

// levels is the one table of levels and kinds, root first.
var levels = []Level{
	{Name: domain.LevelNational, Rank: 0, LabelVI: "Trung ương", LabelEN: "National"},
	{Name: domain.LevelProvince, Rank: 1, LabelVI: "Tỉnh, thành phố", LabelEN: "Province or city", Kinds: []Kind{
		{Name: domain.UnitKindTinh, LabelVI: "Tỉnh", LabelEN: "Province"},
		{Name: domain.UnitKindThanhPho, LabelVI: "Thành phố trực thuộc trung ương", LabelEN: "Centrally-run city"},
	}},
	{Name: domain.LevelDistrict, Rank: 2, LabelVI: "Quận, huyện, thị xã (trước 01/7/2025)", LabelEN: "District (before 1 July 2025)", Historic: true, Kinds: []Kind{
		{Name: domain.UnitKindHuyen, LabelVI: "Huyện", LabelEN: "Rural district"},
		{Name: domain.UnitKindQuan, LabelVI: "Quận", LabelEN: "Urban district"},
		{Name: domain.UnitKindThiXa, LabelVI: "Thị xã", LabelEN: "District-level town"},
		{Name: domain.UnitKindThanhPho, LabelVI: "Thành phố thuộc tỉnh", LabelEN: "Provincial city"},
	}},
	{Name: domain.LevelCommune, Rank: 3, LabelVI: "Xã, phường, đặc khu", LabelEN: "Commune, ward or special zone", Kinds: []Kind{
		{Name: domain.UnitKindXa, LabelVI: "Xã", LabelEN: "Commune"},
		{Name: domain.UnitKindPhuong, LabelVI: "Phường", LabelEN: "Ward"},
		{Name: domain.UnitKindDacKhu, LabelVI: "Đặc khu", LabelEN: "Special zone"},
		{Name: domain.UnitKindThiTran, LabelVI: "Thị trấn (trước 01/7/2025)", LabelEN: "Township (before 1 July 2025)", Historic: true},
	}},
}

// The national root (Trung ương): the one unit above the provinces, so a
// nation-wide roll-up has a unit to roll up to.
const (
	NationalCode   = "VN"
	NationalNameVI = "Trung ương"
)

// namespace is the UUID v5 namespace of unit ids derived from codes.
var namespace = uuid.MustParse("5d0f7c1e-6a0b-5c43-9b1e-2f4d0e7a9c11")

// IDForCode is the deterministic id of the unit with this official code, so
// importing the catalogue twice creates nothing twice. Codes are trimmed;
// the level is part of the name because the statistics office numbers
// provinces, districts and communes in separate series ("01" is Hà Nội,
// "00001" is a ward).
func IDForCode(level, code string) string {
	return uuid.NewSHA1(namespace, []byte(level+":"+strings.TrimSpace(code))).String()
}

// NationalID is the id of the national root.
func NationalID() string { return IDForCode(domain.LevelNational, NationalCode) }

// Levels lists the levels, root first.
func Levels() []Level {
	out := make([]Level, len(levels))
	copy(out, levels)
	return out
}

// LevelNames lists the level names, root first.
func LevelNames() []string {
	out := make([]string, len(levels))
	for i, l := range levels {
		out[i] = l.Name
	}
	return out
}

// LevelOf finds a level by name.
func LevelOf(name string) (Level, bool) {
	for _, l := range levels {
		if l.Name == name {
			return l, true
		}
	}
	return Level{}, false
}

// ValidLevel reports whether name is a level.
func ValidLevel(name string) bool {
	_, ok := LevelOf(name)
	return ok
}

// Rank is the level's rank from the root (0), or -1 for an unknown level.
func Rank(level string) int {
	if l, ok := LevelOf(level); ok {
		return l.Rank
	}
	return -1
}

// CanContain reports whether a unit of level parent may be the parent of a
// unit of level child: the parent's level is above the child's. (A commune
// sits under its province on the two-level map and under its district on
// the old one; a province under the national root or at the top.)
func CanContain(parent, child string) bool {
	p, c := Rank(parent), Rank(child)
	return p >= 0 && c > 0 && p < c
}

// KindsOf lists the kinds a level allows (none for the national root).
func KindsOf(level string) []Kind {
	l, _ := LevelOf(level)
	return append([]Kind(nil), l.Kinds...)
}

// KindNames lists the names of the kinds a level allows.
func KindNames(level string) []string {
	var out []string
	for _, k := range KindsOf(level) {
		out = append(out, k.Name)
	}
	return out
}

// ValidKind reports whether kind is allowed at level. The empty kind is
// allowed everywhere (units recorded before kinds existed).
func ValidKind(level, kind string) bool {
	if kind == "" {
		return ValidLevel(level)
	}
	_, ok := KindOf(level, kind)
	return ok
}

// KindOf finds a kind at a level.
func KindOf(level, kind string) (Kind, bool) {
	for _, k := range KindsOf(level) {
		if k.Name == kind {
			return k, true
		}
	}
	return Kind{}, false
}

// LevelLabel is the level's label in Vietnamese and English (the name
// itself for an unknown level).
func LevelLabel(level string) (vi, en string) {
	if l, ok := LevelOf(level); ok {
		return l.LabelVI, l.LabelEN
	}
	return level, level
}

// KindLabel is the kind's label at a level in Vietnamese and English (the
// level's label for the empty kind, the name itself for an unknown one).
func KindLabel(level, kind string) (vi, en string) {
	if kind == "" {
		return LevelLabel(level)
	}
	if k, ok := KindOf(level, kind); ok {
		return k.LabelVI, k.LabelEN
	}
	return kind, kind
}

// KindList is the kinds a level allows, for messages: "tinh (Tỉnh),
// thanh_pho (Thành phố trực thuộc trung ương)" in vi, with English labels
// in en.
func KindList(level string) (vi, en string) {
	var v, e []string
	for _, k := range KindsOf(level) {
		v = append(v, k.Name+" ("+k.LabelVI+")")
		e = append(e, k.Name+" ("+k.LabelEN+")")
	}
	return strings.Join(v, ", "), strings.Join(e, ", ")
}
