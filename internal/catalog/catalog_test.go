package catalog_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/catalog"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/unitmap"
)

func load(t *testing.T) *catalog.Catalogue {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The official figures since 1 July 2025: 34 provinces, 3,321 communes
// (2,621 xã, 687 phường, 13 đặc khu).
func TestCatalogueCounts(t *testing.T) {
	c := load(t)
	n := c.Count()
	want := map[string]int{domain.UnitKindXa: 2621, domain.UnitKindPhuong: 687, domain.UnitKindDacKhu: 13}
	if n.Provinces != 34 || n.Communes != 3321 || len(n.CommunesByKind) != len(want) {
		t.Fatalf("counts %+v, want 34 provinces and 3,321 communes of three kinds", n)
	}
	for k, v := range want {
		if n.CommunesByKind[k] != v {
			t.Errorf("%s: %d, want %d", k, n.CommunesByKind[k], v)
		}
	}
	cities := 0
	for _, p := range c.Provinces() {
		if p.Kind == domain.UnitKindThanhPho {
			cities++
		}
	}
	if cities != 6 {
		t.Errorf("%d centrally-run cities, want 6", cities)
	}
	if got := len(c.CommunesOf("33")); got != 104 {
		t.Errorf("Hưng Yên has %d communes, want 104", got)
	}
}

// Codes are unique, every commune hangs under a province of the catalogue,
// every old unit under a unit listed before it, and every old commune of
// Hưng Yên and Thái Bình merged into a commune of today's Hưng Yên.
func TestCatalogueIsConsistent(t *testing.T) {
	c := load(t)
	level := map[string]string{unitmap.NationalCode: domain.LevelNational}
	parentOf := map[string]string{}
	check := func(e catalog.Entry) {
		if _, dup := level[e.Code]; dup {
			t.Errorf("code %s twice", e.Code)
		}
		pl, ok := level[e.Parent]
		if !ok || !unitmap.CanContain(pl, e.Level) {
			t.Errorf("%s (%s): parent %s (%q) missing, later, or not above it", e.Code, e.Name, e.Parent, pl)
		}
		level[e.Code], parentOf[e.Code] = e.Level, e.Parent
	}
	for _, e := range c.Current {
		check(e)
	}
	byLevel := map[string]int{}
	successors := map[string]bool{}
	for _, h := range c.History {
		check(h.Entry)
		byLevel[h.Level]++
		switch h.Level {
		case domain.LevelDistrict:
			if h.Successor != "" {
				t.Errorf("district %s has a successor; districts were abolished", h.Name)
			}
		default:
			if level[h.Successor] != h.Level {
				t.Errorf("%s (%s): successor %q is not a %s of today", h.Code, h.Name, h.Successor, h.Level)
			}
			if h.Level == domain.LevelCommune && parentOf[h.Successor] != "33" {
				t.Errorf("%s: successor %s is not in Hưng Yên", h.Name, h.Successor)
			}
			successors[h.Successor] = true
		}
	}
	if byLevel[domain.LevelProvince] != 2 || byLevel[domain.LevelDistrict] != 18 || byLevel[domain.LevelCommune] != 381 {
		t.Errorf("old map %v, want 2 provinces, 18 districts, 381 communes", byLevel)
	}
	for _, e := range c.CommunesOf("33") {
		if !successors[e.Code] {
			t.Errorf("%s (%s) has no predecessor", e.Code, e.Name)
		}
	}
}

func countByKind(t *testing.T, st *store.Store, level string) map[string]int {
	t.Helper()
	rows, err := st.DB.QueryContext(context.Background(),
		"SELECT kind, count(*) FROM units WHERE level = ? AND code NOT LIKE 'truoc2025-%' GROUP BY kind", level)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

// One run loads 34 provinces and 3,321 communes with their kinds and the
// old map merged into today's units; a second run changes nothing; a
// stored unit that differs is reported and left alone.
func TestImportTwiceChangesNothing(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	c := load(t)
	var progress strings.Builder
	im := &catalog.Importer{Store: st, Progress: &progress, Actor: "test"}
	first, err := im.Import(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if first.Created != len(c.Current)+len(c.History) || first.MergersCreated != 105 || first.Differing != 0 {
		t.Fatalf("first run %+v, want %d units and 105 mergers created", first, len(c.Current)+len(c.History))
	}
	if !strings.Contains(progress.String(), "units: 3756/3756 written") {
		t.Errorf("progress %q lacks the last step", progress.String())
	}
	communes := countByKind(t, st, domain.LevelCommune)
	if communes["xa"] != 2621 || communes["phuong"] != 687 || communes["dac_khu"] != 13 || len(communes) != 3 {
		t.Errorf("communes by kind %v", communes)
	}
	if p := countByKind(t, st, domain.LevelProvince); p["tinh"]+p["thanh_pho"] != 34 {
		t.Errorf("provinces by kind %v", p)
	}
	second, err := im.Import(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed() || second.Unchanged != first.Created || second.MergersUnchanged != 105 || second.Differing != 0 {
		t.Fatalf("second run %+v, want nothing changed", second)
	}
	t.Logf("import of %d units and 105 mergers: first run %s, second run %s (ratio %.2f)",
		first.Created+1, first.Took.Round(time.Millisecond), second.Took.Round(time.Millisecond),
		float64(second.Took)/float64(first.Took))

	checkHistory(t, st)

	hn := unitmap.IDForCode(domain.LevelProvince, "01")
	if _, err := st.DB.ExecContext(ctx, "UPDATE units SET name = 'Hà Nội (đổi tên)' WHERE id = ?", hn); err != nil {
		t.Fatal(err)
	}
	third, err := im.Import(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if third.Differing != 1 || len(third.Differences) != 1 || third.Differences[0].Field != "name" || third.Changed() {
		t.Fatalf("third run %+v, want the renamed unit reported", third)
	}
	if u, _ := st.GetUnit(ctx, hn); u.Name != "Hà Nội (đổi tên)" {
		t.Errorf("the import rewrote the stored name to %q", u.Name)
	}
}

// The old map hangs under today's: Vũ Thư's communes lead to today's
// communes of Hưng Yên, and the former Thái Bình to Hưng Yên.
func checkHistory(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	oldTB := unitmap.IDForCode(domain.LevelProvince, catalog.HistoricPrefix+"34")
	hy := unitmap.IDForCode(domain.LevelProvince, "33")
	if s, err := st.SuccessorOf(ctx, oldTB); err != nil || s.ID != hy {
		t.Errorf("successor of the former Thái Bình: %v, %v", s, err)
	}
	preds, err := st.PredecessorsOf(ctx, hy)
	if err != nil || len(preds) != 2 {
		t.Errorf("predecessors of Hưng Yên: %d, %v; want the former Hưng Yên and Thái Bình", len(preds), err)
	}
	vuThu := unitmap.IDForCode(domain.LevelDistrict, catalog.HistoricPrefix+"344")
	old, _, err := st.ListUnits(ctx, store.UnitFilter{ParentID: vuThu})
	if err != nil || len(old) != 30 {
		t.Fatalf("Vũ Thư's old communes: %d, %v; want 30", len(old), err)
	}
	for _, u := range old {
		s, err := st.SuccessorOf(ctx, u.ID)
		if err != nil || s.Level != domain.LevelCommune || s.Merged() || s.ParentID == nil || *s.ParentID != hy {
			t.Errorf("%s: successor %+v, %v; want a commune of today's Hưng Yên", u.Name, s, err)
		}
		if u.MergedAt == nil || !u.MergedAt.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, domain.Location)) {
			t.Errorf("%s merged at %v, want 2025-07-01", u.Name, u.MergedAt)
		}
	}
}
