package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
)

// An Idempotency-Key replays a response only to a caller with the same
// reach: the same subject whose token now names another unit (or other
// roles) runs the request again and is authorised afresh, instead of being
// handed the stored answer about a resource it can no longer read.
func TestIdempotentReplayNeedsTheSameReach(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Nam Định", "province", "")
	staff := admin.As(testenv.Staff(province))
	unitA := staff.CreateUnit("Huyện Ý Yên", "district", province)
	unitB := staff.CreateUnit("Huyện Hải Hậu", "district", province)

	inA := admin.As(testenv.User("same.sub", unitA, auth.RolePlanner))
	inB := admin.As(testenv.User("same.sub", unitB, auth.RolePlanner))
	hostInA := admin.As(testenv.User("same.sub", unitA, auth.RoleHost))

	at := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	r := inA.Do(http.MethodPost, "/api/v1/plans", map[string]any{"unit_id": unitA, "year": at.Year(), "reference_no": "3-KH/HU", "issuing_body": "Huyện ủy",
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Bí thư"}}}}})
	mustStatus(t, r, http.StatusCreated, "plan in A")
	var plan created
	r.Decode(t, &plan)

	adhoc := map[string]any{"scheduled_at": at.Add(time.Hour).Format(time.RFC3339), "topic": "Đất đai", "hosts": []map[string]any{{"name": "Chủ tịch"}}}
	path := "/api/v1/plans/" + plan.ID + "/dialogues"
	r = inA.Do(http.MethodPost, path, adhoc, "Idempotency-Key", "k-reach")
	mustStatus(t, r, http.StatusCreated, "ad hoc dialogue in A")
	var d created
	r.Decode(t, &d)
	expectStatus(t, inB.Do(http.MethodGet, "/api/v1/dialogues/"+d.ID, nil), http.StatusNotFound, "the dialogue read by the same subject in B")

	// Same subject, same key and body, another unit: not a replay.
	r = inB.Do(http.MethodPost, path, adhoc, "Idempotency-Key", "k-reach")
	if r.Status == http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("same key from the same subject in another unit = %d (replayed %q): %s, want the request authorised afresh", r.Status, r.Header.Get("Idempotent-Replayed"), r.Body)
	}
	expectError(t, r, http.StatusNotFound, "not_found", "", "")
	// Same subject and unit, another role that may not add dialogues: not a replay either.
	r = hostInA.Do(http.MethodPost, path, adhoc, "Idempotency-Key", "k-reach")
	expectError(t, r, http.StatusForbidden, "forbidden", "", "")
	// The original caller still gets its replay.
	r = inA.Do(http.MethodPost, path, adhoc, "Idempotency-Key", "k-reach")
	mustStatus(t, r, http.StatusCreated, "replay in A")
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("same key, same caller: not a replay: %s", r.Body)
	}
}
