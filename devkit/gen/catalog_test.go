package gen

import (
	"testing"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/catalog"
	"github.com/doithoai/doithoai/internal/domain"
)

// TestCountryOnTheCatalogue: the country scale's units are the catalogue's
// 34 provinces and 3,321 communes (2,621 xã, 687 phường, 13 đặc khu) with
// their codes and ids, and its year is the same on every build.
func TestCountryOnTheCatalogue(t *testing.T) {
	o, err := Options{Seed: 1, Year: 2025, Scale: ScaleCountry}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		t.Fatal(err)
	}
	build := func() *model {
		m, err := buildCatalogUnits(o)
		if err != nil {
			t.Fatal(err)
		}
		m.buildYear(o, cal)
		return m
	}
	m := build()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]catalog.Entry{}
	for _, e := range cat.Current {
		want[e.Code] = e
	}
	levels, kinds := map[string]int{}, map[string]int{}
	for _, u := range m.units {
		levels[u.Level]++
		if u.Level == domain.LevelCommune {
			kinds[u.OfficialKind]++
		}
		e, ok := want[u.Code]
		if !ok || e.ID() != u.ID || e.Name != u.Name || e.Kind != u.OfficialKind || u.Kind+" "+u.Short != u.Name {
			t.Fatalf("unit %+v does not match the catalogue's %+v", u, e)
		}
		if u.Parent != nil && u.Parent.Code != e.Parent {
			t.Errorf("unit %s under %s, want %s", u.Code, u.Parent.Code, e.Parent)
		}
	}
	if levels[domain.LevelProvince] != 34 || levels[domain.LevelCommune] != 3321 || levels[domain.LevelDistrict] != 0 {
		t.Errorf("levels %v, want 34 provinces and 3,321 communes", levels)
	}
	if kinds[domain.UnitKindXa] != 2621 || kinds[domain.UnitKindPhuong] != 687 || kinds[domain.UnitKindDacKhu] != 13 {
		t.Errorf("commune kinds %v, want 2,621 / 687 / 13", kinds)
	}
	if n := len(m.dialogues); n < 8000 || n > 12000 {
		t.Errorf("%d dialogues in a country-year, want about 10,000", n)
	}
	again := build()
	if len(again.dialogues) != len(m.dialogues) {
		t.Fatalf("a second build has %d dialogues, the first %d", len(again.dialogues), len(m.dialogues))
	}
	for i, d := range m.dialogues {
		a := again.dialogues[i]
		if a.Spec.ID != d.Spec.ID || !a.Spec.ScheduledAt.Equal(d.Spec.ScheduledAt) || a.Fate != d.Fate || a.Spec.Title != d.Spec.Title {
			t.Fatalf("dialogue %d differs between two builds: %+v / %+v", i, d.Spec, a.Spec)
		}
	}
}
