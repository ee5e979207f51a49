package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// A survey batch is decoded and checked while the store copies it, and
// still stored whole or not at all: a fault anywhere in 5,000 answers,
// even the last, stores none of them and is named by its index; a body
// at fault is refused for its faults before the survey's window is
// considered; a batch over the limit or with another key is refused.
func TestSurveyBatchStreamedAllOrNothing(t *testing.T) {
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	unit := &store.Unit{ID: uuid.NewString(), Level: "commune", Name: "Xã Lô"}
	if err := st.CreateUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(24 * time.Hour)
	pol := domain.DefaultPolicy()
	p := &store.Plan{ID: uuid.NewString(), UnitID: unit.ID, Year: at.In(domain.Location).Year(), ReferenceNo: "9-KH", IssuingBody: "Đảng ủy xã", Policy: pol, Status: "active"}
	open := store.NewDialogueRow(p.ID, unit.ID, domain.DialogueSpec{ID: uuid.NewString(), Seq: 1, Kind: domain.KindPeriodic, ScheduledAt: at, Hosts: []domain.Host{{Name: "A"}}}, pol)
	open.Phase = domain.PhaseSurveyOpen
	closed := store.NewDialogueRow(p.ID, unit.ID, domain.DialogueSpec{ID: uuid.NewString(), Seq: 2, Kind: domain.KindPeriodic, ScheduledAt: at, Hosts: []domain.Host{{Name: "A"}}}, pol)
	if err := st.SavePlan(ctx, p, []store.Dialogue{open, closed}, store.Event{}); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer((&api.Server{Store: st, Logger: zap.NewNop(), Auth: testenv.Tokens(t)}).Handler())
	t.Cleanup(hs.Close)
	token := testenv.Token(t, testenv.User("planner", unit.ID, auth.RolePlanner))
	post := func(dialogueID string, body []byte) (int, contract.Error, contract.SurveyAccepted) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/dialogues/"+dialogueID+"/survey/responses", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e contract.Error
		var ok contract.SurveyAccepted
		if resp.StatusCode == http.StatusCreated {
			err = json.NewDecoder(resp.Body).Decode(&ok)
		} else {
			err = json.NewDecoder(resp.Body).Decode(&e)
		}
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, e, ok
	}
	answers := func(n int, edit func(i int, a map[string]any)) []byte {
		list := make([]map[string]any, n)
		for i := range list {
			list[i] = map[string]any{"id": uuid.NewString(), "field": "Đất đai", "content": fmt.Sprintf("Ý kiến %d", i)}
			if edit != nil {
				edit(i, list[i])
			}
		}
		b, _ := json.Marshal(map[string]any{"responses": list})
		return b
	}
	stored := func() int {
		t.Helper()
		_, n, err := st.ListSurveyResponses(ctx, store.SurveyFilter{DialogueID: open.ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	fields := func(e contract.Error) string {
		var out []string
		for _, f := range e.Fields {
			out = append(out, f.Field+" "+f.Code)
		}
		return strings.Join(out, ", ")
	}

	cases := []struct {
		name   string
		dlg    string
		body   []byte
		status int
		want   string // the refusal's fields
	}{
		{"the last of 5,000 empty", open.ID, answers(5000, func(i int, a map[string]any) {
			if i == 4999 {
				a["content"] = " "
			}
		}), 422, "responses[4999].content required"},
		{"faults in two answers", open.ID, answers(300, func(i int, a map[string]any) {
			switch i {
			case 10:
				a["field"] = ""
			case 250:
				a["id"] = "not-a-uuid"
			}
		}), 422, "responses[10].field required, responses[250].id invalid_id"},
		{"two malformed ids", open.ID, answers(2, func(i int, a map[string]any) { a["id"] = "x" }), 422, "responses[0].id invalid_id, responses[1].id invalid_id"},
		{"one id twice", open.ID, answers(3, func(i int, a map[string]any) { a["id"] = "6d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b" }), 422,
			"responses[1].id duplicate, responses[2].id duplicate"},
		{"an unknown key in an answer", open.ID, answers(3, func(i int, a map[string]any) {
			if i == 2 {
				a["colour"] = "red"
			}
		}), 422, "responses[2].colour unknown_field"},
		{"a number for a text", open.ID, answers(3, func(i int, a map[string]any) {
			if i == 1 {
				a["content"] = 7
			}
		}), 422, "responses[1].content invalid_type"},
		{"another key of the body", open.ID, []byte(`{"responses":[{"field":"a","content":"b"}],"extra":1}`), 422, "extra unknown_field"},
		{"responses not a list", open.ID, []byte(`{"responses":"x"}`), 422, "responses invalid_type"},
		{"an empty list", open.ID, []byte(`{"responses":[]}`), 422, "responses empty"},
		{"too many", open.ID, answers(api.MaxSurveyBatch+1, nil), 422, "responses too_many"},
		{"cut short", open.ID, []byte(`{"responses":[{"field":"a","content":"b"},{"field":"a"`), 400, ""},
		{"at fault and closed", closed.ID, answers(2, func(i int, a map[string]any) { a["field"] = "" }), 422, "responses[0].field required, responses[1].field required"},
		{"closed", closed.ID, answers(2, nil), 409, ""},
	}
	for _, c := range cases {
		status, e, _ := post(c.dlg, c.body)
		if status != c.status || fields(e) != c.want {
			t.Errorf("%s: %d %q (%s), want %d %q", c.name, status, fields(e), e.Code, c.status, c.want)
		}
		if n := stored(); n != 0 {
			t.Fatalf("%s: %d answers stored, want none", c.name, n)
		}
	}

	body := answers(5000, nil)
	if status, e, ok := post(open.ID, body); status != 201 || ok.Accepted != 5000 || stored() != 5000 {
		t.Fatalf("a good batch: %d %+v %+v, %d stored; want 5,000 accepted and stored", status, e, ok, stored())
	}
	if status, _, ok := post(open.ID, body); status != 201 || ok.Accepted != 0 || ok.Duplicates != 5000 || stored() != 5000 {
		t.Fatalf("the batch again: %d %+v, %d stored; want 0 accepted, 5,000 duplicates", status, ok, stored())
	}
}
