package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/store"
)

func TestMigrationsRollBackAndReapply(t *testing.T) {
	st, _ := testenv.NewDatabase(t) // already migrated up
	ctx := context.Background()
	again, err := st.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v, %v; want nothing", again, err)
	}
	for {
		rolled, err := st.Rollback(ctx)
		if err != nil {
			t.Fatalf("rollback: %v", err)
		}
		if len(rolled) == 0 {
			break
		}
	}
	var n int
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('units','plans','events','alerts')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d tables left after rolling everything back", n)
	}
	if applied, err := st.Migrate(ctx); err != nil || len(applied) == 0 {
		t.Fatalf("re-apply: %v %v", applied, err)
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	u := &store.Unit{ID: "7d1e0c4e-1b61-4b9b-9a43-8d1f4f2a1c11", Level: "province", Name: "Tỉnh A"}
	if err := st.CreateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	ev := store.NewEvent("k1", "alice", "planner", "unit.created", "unit", u.ID, u.ID, "req-1", map[string]any{"name": u.Name})
	for i := 0; i < 3; i++ { // exactly once per dedup key
		if err := st.AppendEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := st.ListEvents(ctx, "unit", u.ID)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %v %v, want exactly 1", evs, err)
	}
	for _, q := range []string{"UPDATE events SET actor = 'mallory'", "DELETE FROM events", "TRUNCATE events"} {
		_, err := st.DB.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
}

// An audit event of a change says what changed: the changed columns before
// and after, beside the event's own data.
func TestEventsCarryBeforeAfterSummary(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	unit := &store.Unit{ID: uuid.NewString(), Level: "district", Name: "Huyện A"}
	if err := st.CreateUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	a := &store.Alert{ID: uuid.NewString(), DedupKey: "test/" + uuid.NewString(), UnitID: unit.ID, RecipientRole: "mttq", Kind: "task_overdue",
		TitleVI: "t", TitleEN: "t", BodyVI: "b", BodyEN: "b"}
	if _, err := st.RaiseAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	ev := store.NewEvent("", "mttq.a", "mttq", "alert.acknowledged", "alert", a.ID, unit.ID, "req-1", map[string]any{"kind": a.Kind})
	if _, err := st.AckAlert(ctx, a.ID, "mttq.a", time.Now(), ev); err != nil {
		t.Fatal(err)
	}
	// Acknowledging again changes nothing and appends nothing.
	if _, err := st.AckAlert(ctx, a.ID, "someone.else", time.Now(), ev); err != nil {
		t.Fatal(err)
	}
	evs, err := st.ListEvents(ctx, "alert", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	var data struct {
		Kind   string             `json:"kind"`
		Before map[string]*string `json:"before"`
		After  map[string]*string `json:"after"`
	}
	if err := json.Unmarshal(evs[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Kind != "task_overdue" || data.Before["status"] == nil || *data.Before["status"] != "open" ||
		*data.After["status"] != "acknowledged" || *data.Before["acked_by"] != "" || *data.After["acked_by"] != "mttq.a" {
		t.Errorf("event data %s, want kind kept and status/acked_by before and after", evs[0].Data)
	}
}
