package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
)

// TestPlanCoversCommunes drives a province plan that schedules its
// communes' dialogues, through the API: the dialogue's unit is checked
// against the plan's area; a commune's own staff read their dialogue inside
// the province's plan and nothing of the other communes'; GET /dialogues
// lists across plans with its filters; a session cannot be recorded long
// before its start; and overdue alerts name the rung's recipient.
func TestPlanCoversCommunes(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	admin := env.NewClient(t)
	prov := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	c := admin.As(testenv.Staff(prov))
	c1 := c.CreateUnit("Phường Phố Hiến", "commune", prov)
	c2 := c.CreateUnit("Xã Vũ Thư", "commune", prov)
	other := admin.CreateUnit("Tỉnh Ninh Bình", "province", "")
	otherCommune := admin.As(testenv.Staff(other)).CreateUnit("Phường Hoa Lư", "commune", other)
	year := time.Now().In(domain.Location).Year() + 1
	at := func(month time.Month, unit string) map[string]any {
		d := map[string]any{"scheduled_at": time.Date(year, month, 10, 8, 0, 0, 0, domain.Location).Format(time.RFC3339),
			"kind": "periodic", "hosts": []map[string]any{{"name": "Chủ trì"}}}
		if unit != "" {
			d["unit_id"] = unit
		}
		return d
	}
	plan := func(dialogues ...map[string]any) *testenv.Response {
		return c.Do(http.MethodPost, "/api/v1/plans", map[string]any{"unit_id": prov, "year": year,
			"reference_no": "KH-" + uuid.NewString()[:8], "issuing_body": "Tỉnh ủy Hưng Yên", "dialogues": dialogues})
	}

	// The dialogue's unit must be the plan's or one below it.
	expectError(t, plan(at(3, ""), at(4, otherCommune)), 422, "validation_failed", "dialogues[1].unit_id", "outside_plan_unit")
	expectError(t, plan(at(3, uuid.NewString())), 422, "validation_failed", "dialogues[0].unit_id", "unknown_unit")
	expectError(t, plan(at(3, "xã-1")), 422, "validation_failed", "dialogues[0].unit_id", "invalid_id")

	r := plan(at(3, ""), at(4, c1), at(5, c2))
	mustStatus(t, r, http.StatusCreated, "province plan with commune dialogues")
	var p struct {
		ID        string `json:"id"`
		Dialogues []struct {
			ID     string `json:"id"`
			UnitID string `json:"unit_id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &p)
	if len(p.Dialogues) != 3 || p.Dialogues[0].UnitID != prov || p.Dialogues[1].UnitID != c1 || p.Dialogues[2].UnitID != c2 {
		t.Fatalf("dialogue units %+v, want province, commune 1, commune 2", p.Dialogues)
	}
	for _, d := range p.Dialogues {
		if got := getDialogue(t, c, d.ID); got.Live == nil || got.Live.Phase != domain.PhaseScheduled {
			t.Fatalf("dialogue %s: live state %+v, want its workflow scheduled", d.ID, got.Live)
		}
	}

	// The commune's own staff see their dialogue inside the province plan,
	// and only theirs.
	ward := c.As(testenv.User("planner.phohien", c1, auth.RolePlanner, auth.RoleMTTQ))
	r = ward.Do(http.MethodGet, "/api/v1/plans/"+p.ID, nil)
	mustStatus(t, r, http.StatusOK, "commune reads the province plan")
	var view struct {
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
		Live any `json:"live"`
	}
	r.Decode(t, &view)
	if len(view.Dialogues) != 1 || view.Dialogues[0].ID != p.Dialogues[1].ID || view.Live != nil {
		t.Fatalf("commune sees %+v (live %v), want only its own dialogue and no live state", view.Dialogues, view.Live)
	}
	listed := func(cl *testenv.Client, path string) []string {
		t.Helper()
		r := cl.Do(http.MethodGet, path, nil)
		mustStatus(t, r, http.StatusOK, path)
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		r.Decode(t, &page)
		var ids []string
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.Total != len(ids) {
			t.Fatalf("%s: total %d with %d items", path, page.Total, len(ids))
		}
		return ids
	}
	if got := listed(ward, "/api/v1/plans"); len(got) != 1 || got[0] != p.ID {
		t.Fatalf("commune's plan list %v, want the province plan", got)
	}
	mustStatus(t, ward.Do(http.MethodGet, "/api/v1/dialogues/"+p.Dialogues[1].ID, nil), http.StatusOK, "own dialogue")
	mustStatus(t, ward.Do(http.MethodGet, "/api/v1/dialogues/"+p.Dialogues[2].ID, nil), http.StatusNotFound, "the other commune's dialogue")
	mustStatus(t, ward.Do(http.MethodGet, "/api/v1/plans/"+p.ID+"/report", nil), http.StatusNotFound, "the province plan's report")
	mustStatus(t, ward.Do(http.MethodPost, "/api/v1/plans/"+p.ID+"/dialogues", at(6, "")), http.StatusNotFound, "adding to the province plan")
	outsider := c.As(testenv.User("planner.hoalu", otherCommune, auth.RolePlanner))
	mustStatus(t, outsider.Do(http.MethodGet, "/api/v1/plans/"+p.ID, nil), http.StatusNotFound, "another province's commune")

	// GET /dialogues across plans.
	if got := listed(ward, "/api/v1/dialogues"); len(got) != 1 || got[0] != p.Dialogues[1].ID {
		t.Fatalf("commune's dialogues %v, want its own", got)
	}
	if got := listed(c, "/api/v1/dialogues?plan_id="+p.ID); len(got) != 3 {
		t.Fatalf("province sees %d dialogues of its plan, want 3", len(got))
	}
	if got := listed(c, "/api/v1/dialogues?unit_id="+c2); len(got) != 1 || got[0] != p.Dialogues[2].ID {
		t.Fatalf("dialogues of commune 2: %v", got)
	}
	if got := listed(c, "/api/v1/dialogues?unit_id="+prov+"&subtree=false"); len(got) != 1 || got[0] != p.Dialogues[0].ID {
		t.Fatalf("the province's own dialogues: %v", got)
	}
	y := func(n int) string { return "/api/v1/dialogues?year=" + itoa(n) }
	if got := listed(c, y(year)); len(got) != 3 {
		t.Fatalf("dialogues in %d: %d, want 3", year, len(got))
	}
	if got := listed(c, y(year-1)); len(got) != 0 {
		t.Fatalf("dialogues in %d: %d, want 0", year-1, len(got))
	}
	if got := listed(c, "/api/v1/dialogues?from="+itoa(year)+"-04-01&to="+itoa(year)+"-05-01&phase=scheduled,survey_open"); len(got) != 1 || got[0] != p.Dialogues[1].ID {
		t.Fatalf("April's dialogues: %v", got)
	}
	expectError(t, c.Do(http.MethodGet, "/api/v1/dialogues?phase=done", nil), 422, "validation_failed", "phase", "invalid_enum")
	expectError(t, c.Do(http.MethodGet, y(year)+"&from=2026-01-01&to=2026-02-01", nil), 422, "validation_failed", "year", "conflict")
	mustStatus(t, ward.Do(http.MethodGet, "/api/v1/dialogues?unit_id="+c2, nil), http.StatusForbidden, "filter outside the commune")
	mustStatus(t, c.Do(http.MethodGet, "/api/v1/reports?unit_id="+prov+"&year="+itoa(year), nil), http.StatusOK, "roll-up by year")
}

// TestSessionNotBeforeItsStart: the survey of a dialogue two hours away has
// closed, but its session cannot be recorded yet (422 naming the earliest
// time), nor recorded as held long before its start.
func TestSessionNotBeforeItsStart(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	admin := env.NewClient(t)
	prov := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	c := admin.As(testenv.Staff(prov))
	start := time.Now().Add(2*time.Hour + 3*time.Second).Truncate(time.Second)
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": prov, "year": start.In(domain.Location).Year(), "reference_no": "KH-" + uuid.NewString()[:8], "issuing_body": "Tỉnh ủy",
		"policy":    map[string]any{"survey_lead": "PT2H2S", "survey_close": "PT2H1S", "session_grace": "PT3H"},
		"dialogues": []map[string]any{{"scheduled_at": start.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Chủ trì"}}}},
	})
	mustStatus(t, r, http.StatusCreated, "plan")
	var p struct {
		Dialogues []struct{ ID string } `json:"dialogues"`
	}
	r.Decode(t, &p)
	id := p.Dialogues[0].ID
	waitUntil(t, 30*time.Second, func() bool {
		d, err := env.Store.GetDialogue(context.Background(), id)
		return err == nil && d.Phase == domain.PhaseAwaitingSession
	})
	body := map[string]any{"held_at": time.Now().Format(time.RFC3339), "attendance": map[string]any{"total": 10}}
	r = c.Do(http.MethodPost, "/api/v1/dialogues/"+id+"/session", body)
	expectError(t, r, 422, "validation_failed", "held_at", "before_scheduled_start")
	earliest := start.Add(-30 * time.Minute).In(domain.Location).Format("15:04")
	if !strings.Contains(string(r.Body), earliest) {
		t.Errorf("the error does not name the earliest time %s: %s", earliest, r.Body)
	}
	if d := getDialogue(t, c, id); d.Session != nil || d.Phase != domain.PhaseAwaitingSession {
		t.Fatalf("dialogue after the refusal: %+v", d)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
