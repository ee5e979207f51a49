package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/web"
)

// TestDemoMap loads the demo's map and history against a real stack, twice
// (a second run of `go run ./cmd/dev --demo` reuses what the first made),
// then its province plan: Hưng Yên and its 104 communes, the former Vũ Thư
// district's 2025 plan held before the mergers ("25/30" communes), Xã Thư
// Vũ formed by a merger, whose planner reads a predecessor's dialogue.
func TestDemoMap(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := context.Background()
	minter := testenv.Tokens(t)
	login := &web.DevLogin{Minter: minter}
	var m *demoMap
	for run := 0; run < 2; run++ {
		var err error
		if _, m, err = setupDemo(ctx, env.BaseURL, minter, login, env.Store, zap.NewNop()); err != nil {
			t.Fatalf("demo setup, run %d: %v", run+1, err)
		}
	}
	if n := len(m.communes); n != 104 {
		t.Errorf("Hưng Yên has %d communes in the demo, want 104", n)
	}

	// The units: the successor and its four predecessors, all merged.
	succ, err := env.Store.GetUnit(ctx, m.id(demoSuccessor))
	if err != nil || succ.Name != "Xã Thư Vũ" || succ.Level != domain.LevelCommune {
		t.Fatalf("successor commune: %+v, %v", succ, err)
	}
	merged, err := env.Store.MergedAmong(ctx, []string{m.id(demoSuccessorOld), m.id(demoOldProvince)})
	if err != nil || merged[m.id(demoSuccessorOld)] != "Xã Thư Vũ" || !strings.HasPrefix(merged[m.id(demoOldProvince)], "Tỉnh Hưng Yên") {
		t.Errorf("mergers: %v, %v", merged, err)
	}

	// The history plan: 3 district and 30 commune dialogues, 25 held.
	c := testenv.NewClient(t, env.BaseURL).As(testenv.User("planner.thuvu", succ.ID, "planner"))
	hist := testenv.NewClient(t, env.BaseURL).As(testenv.User("planner.hungyen", m.id(demoProvince), "planner"))
	r := hist.Do(http.MethodGet, "/api/v1/plans?year=2025", nil)
	var plans struct {
		Items []struct {
			ID          string `json:"id"`
			ReferenceNo string `json:"reference_no"`
		} `json:"items"`
	}
	r.Decode(t, &plans)
	if r.Status != http.StatusOK || len(plans.Items) != 1 || plans.Items[0].ReferenceNo != demoHistoryRef {
		t.Fatalf("the province reads %d plans of 2025 (%d): %s", len(plans.Items), r.Status, r.Body)
	}
	r = hist.Do(http.MethodGet, "/api/v1/plans/"+plans.Items[0].ID+"/report", nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"held":28`) {
		t.Errorf("history plan report (%d): %.600s", r.Status, r.Body)
	}

	// The successor's planner reads the dialogue Xã Vũ Hội held in 2025.
	r = c.Do(http.MethodGet, "/api/v1/dialogues?unit_id="+m.id(demoSuccessorOld), nil)
	var ds struct {
		Items []struct {
			ID    string `json:"id"`
			Phase string `json:"phase"`
		} `json:"items"`
	}
	r.Decode(t, &ds)
	if r.Status != http.StatusOK || len(ds.Items) != 1 || ds.Items[0].Phase != domain.PhaseClosed {
		t.Fatalf("Xã Thư Vũ's planner reads Xã Vũ Hội's dialogues (%d): %s", r.Status, r.Body)
	}
	if r := c.Do(http.MethodGet, "/api/v1/dialogues/"+ds.Items[0].ID+"/report", nil); r.Status != http.StatusOK {
		t.Errorf("the predecessor's dialogue report: %d %s", r.Status, r.Body)
	}

	// Today's plan: the province schedules Xã Thư Vũ's dialogue.
	pc := &demoClient{base: env.BaseURL + "/api/v1", http: http.DefaultClient, token: testenv.Token(t, testenv.User("planner.hungyen", m.id(demoProvince), "planner"))}
	planID, dlg, _, err := demoPlan(ctx, pc, m.id(demoProvince), succ.ID)
	if err != nil || planID == "" || dlg == "" {
		t.Fatalf("demo plan: %q %q %v", planID, dlg, err)
	}
	if d, err := env.Store.GetDialogue(ctx, dlg); err != nil || d.UnitID != succ.ID {
		t.Errorf("the demo's first dialogue: %+v, %v; want it in Xã Thư Vũ", d, err)
	}
	if us := webUsers(ctx, env.Store); len(us) != 11 {
		t.Errorf("the sign-in page offers %d users, want the admin and 10 demo users", len(us))
	}
}
