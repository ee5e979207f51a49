package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/unitmap"
)

// mergerMap is a small map: the national root, province P with communes
// A, B, C, D, E, and province Q with commune F.
type mergerMap struct {
	st               *store.Store
	root, p, q       string
	a, b, c, d, e, f string
	effective        time.Time
	resolution       string
	units            map[string]*store.Unit
}

func newMergerMap(t *testing.T) *mergerMap {
	t.Helper()
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	root, err := st.EnsureNationalRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := &mergerMap{st: st, root: root.ID, units: map[string]*store.Unit{},
		effective: time.Date(2025, 7, 1, 0, 0, 0, 0, domain.Location), resolution: "1666/NQ-UBTVQH15"}
	add := func(name, level, kind, parent string) string {
		u := &store.Unit{ID: uuid.NewString(), Level: level, Kind: kind, Name: name, ParentID: &parent}
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		m.units[u.ID] = u
		return u.ID
	}
	m.p = add("Tỉnh P", domain.LevelProvince, domain.UnitKindTinh, m.root)
	m.q = add("Tỉnh Q", domain.LevelProvince, domain.UnitKindTinh, m.root)
	m.a = add("Xã A", domain.LevelCommune, domain.UnitKindXa, m.p)
	m.b = add("Xã B", domain.LevelCommune, domain.UnitKindXa, m.p)
	m.c = add("Xã C", domain.LevelCommune, domain.UnitKindXa, m.p)
	m.d = add("Phường D", domain.LevelCommune, domain.UnitKindPhuong, m.p)
	m.e = add("Xã E", domain.LevelCommune, domain.UnitKindXa, m.p)
	m.f = add("Xã F", domain.LevelCommune, domain.UnitKindXa, m.q)
	return m
}

func (m *mergerMap) merger(succ string, sources ...string) *store.Merger {
	return &store.Merger{ID: uuid.NewString(), SuccessorID: succ, SourceIDs: sources,
		EffectiveAt: m.effective, Reference: m.resolution, CreatedBy: "test"}
}

func TestRecordMergerMarksSourcesAndIsIdempotent(t *testing.T) {
	m := newMergerMap(t)
	ctx := context.Background()
	mg := m.merger(m.c, m.a, m.b)
	for i := 0; i < 2; i++ { // a retried merger changes nothing
		again := *mg
		if err := m.st.RecordMerger(ctx, &again); err != nil {
			t.Fatalf("record (run %d): %v", i+1, err)
		}
	}
	got, err := m.st.GetMerger(ctx, mg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SuccessorID != m.c || len(got.SourceIDs) != 2 || got.Reference != m.resolution || !got.EffectiveAt.Equal(m.effective) {
		t.Fatalf("stored merger %+v", got)
	}
	for _, id := range []string{m.a, m.b} {
		u, err := m.st.GetUnit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if u.SuccessorID == nil || *u.SuccessorID != m.c || u.MergedAt == nil || !u.MergedAt.Equal(m.effective) {
			t.Errorf("%s after the merger: successor %v merged_at %v", u.Name, u.SuccessorID, u.MergedAt)
		}
	}
	if succ, _ := m.st.GetUnit(ctx, m.c); succ.Merged() {
		t.Error("the successor is marked merged")
	}
	other := *mg
	other.Reference = "another resolution"
	if err := m.st.RecordMerger(ctx, &other); !errors.Is(err, store.ErrMergerChanged) {
		t.Errorf("same id, other contents: err = %v, want ErrMergerChanged", err)
	}
	var n int
	if err := m.st.DB.QueryRowContext(ctx, "SELECT count(*) FROM unit_merger_sources").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d merger sources (%v), want 2", n, err)
	}
}

func TestRecordMergerRefusals(t *testing.T) {
	m := newMergerMap(t)
	ctx := context.Background()
	if err := m.st.RecordMerger(ctx, m.merger(m.c, m.a)); err != nil {
		t.Fatal(err)
	}
	missing := uuid.NewString()
	cases := []struct {
		name    string
		merger  *store.Merger
		want    error
		wantFor string
	}{
		{"no sources", m.merger(m.c), store.ErrMergerNoSources, ""},
		{"source already merged", m.merger(m.d, m.a), store.ErrMergerSourceMerged, m.a},
		{"source is the successor", m.merger(m.d, m.b, m.d), store.ErrMergerSourceIsSuccessor, m.d},
		{"source is an ancestor", m.merger(m.d, m.p), store.ErrMergerSourceAncestor, m.p},
		{"levels differ", m.merger(m.q, m.e), store.ErrMergerLevelMismatch, m.e},
		{"successor merged", m.merger(m.a, m.e), store.ErrMergerSuccessorMerged, m.a},
		{"unknown source", m.merger(m.d, missing), store.ErrNotFound, ""},
		{"unknown successor", m.merger(missing, m.e), store.ErrNotFound, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := m.st.RecordMerger(ctx, tc.merger)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var me *store.MergerError
			if tc.wantFor != "" && (!errors.As(err, &me) || me.UnitID != tc.wantFor) {
				t.Errorf("err = %#v, want a MergerError for unit %s", err, tc.wantFor)
			}
			if _, err := m.st.GetMerger(ctx, tc.merger.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a refused merger was stored (%v)", err)
			}
		})
	}
	for _, id := range []string{m.b, m.d, m.e} { // nothing half-made
		if u, _ := m.st.GetUnit(ctx, id); u.Merged() {
			t.Errorf("%s marked merged by a refused merger", u.Name)
		}
	}
}

func TestSuccessorsAndPredecessorsFollowChains(t *testing.T) {
	m := newMergerMap(t)
	ctx := context.Background()
	// A and B merge into C; later C merges into D. E stays.
	first, second := m.merger(m.c, m.a, m.b), m.merger(m.d, m.c)
	second.EffectiveAt = m.effective.AddDate(1, 0, 0)
	for _, mg := range []*store.Merger{first, second} {
		if err := m.st.RecordMerger(ctx, mg); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ unit, want string }{{m.a, m.d}, {m.b, m.d}, {m.c, m.d}, {m.d, m.d}, {m.e, m.e}} {
		got, err := m.st.SuccessorOf(ctx, tc.unit)
		if err != nil || got.ID != tc.want {
			t.Errorf("SuccessorOf(%s) = %v, %v; want %s", m.units[tc.unit].Name, got, err, m.units[tc.want].Name)
		}
	}
	if _, err := m.st.SuccessorOf(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SuccessorOf(unknown) err = %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		unit string
		want []string
	}{{m.d, []string{m.a, m.b, m.c}}, {m.c, []string{m.a, m.b}}, {m.e, nil}} {
		got, err := m.st.PredecessorsOf(ctx, tc.unit)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, u := range got {
			ids[u.ID] = true
		}
		if len(got) != len(tc.want) {
			t.Errorf("PredecessorsOf(%s): %d units, want %d", m.units[tc.unit].Name, len(got), len(tc.want))
		}
		for _, id := range tc.want {
			if !ids[id] {
				t.Errorf("PredecessorsOf(%s) lacks %s", m.units[tc.unit].Name, m.units[id].Name)
			}
		}
	}
	for _, tc := range []struct {
		unit string
		want int
	}{{m.c, 2}, {m.a, 1}, {m.d, 1}, {m.e, 0}, {"", 2}} {
		ms, total, err := m.st.ListMergers(ctx, store.MergerFilter{UnitID: tc.unit})
		if err != nil || total != tc.want || len(ms) != tc.want {
			t.Errorf("ListMergers(%q) = %d (total %d), %v; want %d", tc.unit, len(ms), total, err, tc.want)
		}
	}
	if ms, _, _ := m.st.ListMergers(ctx, store.MergerFilter{}); len(ms) == 2 && (ms[0].ID != second.ID || len(ms[1].SourceIDs) != 2) {
		t.Errorf("ListMergers order/sources: %+v", ms)
	}
}

func TestUnitKindsAndNationalRoot(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	root, err := st.EnsureNationalRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.EnsureNationalRoot(ctx)
	if err != nil || again.ID != root.ID || root.ID != unitmap.NationalID() || root.Level != domain.LevelNational || *root.Code != "VN" {
		t.Fatalf("national root %+v / %+v, %v", root, again, err)
	}
	cases := []struct {
		level, kind string
		ok          bool
	}{
		{domain.LevelProvince, domain.UnitKindThanhPho, true},
		{domain.LevelProvince, domain.UnitKindXa, false},
		{domain.LevelDistrict, domain.UnitKindThanhPho, true},
		{domain.LevelDistrict, domain.UnitKindPhuong, false},
		{domain.LevelCommune, domain.UnitKindDacKhu, true},
		{domain.LevelCommune, domain.UnitKindThiTran, true},
		{domain.LevelCommune, domain.UnitKindHuyen, false},
		{domain.LevelNational, domain.UnitKindTinh, false},
		{domain.LevelCommune, "", true},
	}
	for _, tc := range cases {
		if unitmap.ValidKind(tc.level, tc.kind) != tc.ok {
			t.Errorf("unitmap.ValidKind(%s, %s) = %v", tc.level, tc.kind, !tc.ok)
		}
		u := &store.Unit{ID: uuid.NewString(), Level: tc.level, Kind: tc.kind, Name: tc.level + " " + tc.kind}
		err := st.CreateUnit(ctx, u)
		if (err == nil) != tc.ok {
			t.Errorf("create %s/%s: err = %v, want ok=%v (the database check agrees with unitmap)", tc.level, tc.kind, err, tc.ok)
		}
	}
}

// TestPastUnitsOf: the units whose history a unit's users read. F (in Q)
// merges into C, then C into A, and Q into P: A's users read C and F (own,
// through the chain); P's read Q's old subtree (Q, topmost) but nothing of
// their own subtree twice (C, and F under Q); E's users and the national
// root's (whose subtree holds everything) read nothing more.
func TestPastUnitsOf(t *testing.T) {
	m := newMergerMap(t)
	ctx := context.Background()
	for _, mg := range []*store.Merger{m.merger(m.c, m.f), m.merger(m.a, m.c), m.merger(m.p, m.q)} {
		if err := m.st.RecordMerger(ctx, mg); err != nil {
			t.Fatal(err)
		}
	}
	past := func(id string) map[string]bool {
		t.Helper()
		u, err := m.st.GetUnit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := m.st.PastUnitsOf(ctx, u.ID, u.Path)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, p := range ps {
			out[p.ID] = p.Own
		}
		return out
	}
	if got := past(m.a); len(got) != 2 || !got[m.c] || !got[m.f] {
		t.Errorf("A reads %v, want C and F, both its own", got)
	}
	if got := past(m.p); len(got) != 1 || got[m.q] != true {
		t.Errorf("P reads %v, want Q only (its own, topmost; F lies under Q, C under P)", got)
	}
	if got := past(m.e); len(got) != 0 {
		t.Errorf("E reads %v, want nothing", got)
	}
	if got, _ := m.st.PastUnitsOf(ctx, m.root, "/"+m.root+"/"); len(got) != 0 {
		t.Errorf("the national root reads %v as history, want nothing (it all lies in its subtree)", got)
	}
}
