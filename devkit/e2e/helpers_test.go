package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/testenv"
)

// ids of created resources.
type created struct {
	ID string `json:"id"`
}

type dialogueDoc struct {
	ID             string    `json:"id"`
	PlanID         string    `json:"plan_id"`
	Phase          string    `json:"phase"`
	ScheduledAt    time.Time `json:"scheduled_at"`
	SurveyOpensAt  time.Time `json:"survey_opens_at"`
	SurveyClosesAt time.Time `json:"survey_closes_at"`
	SessionDueBy   time.Time `json:"session_due_by"`
	CancelReason   string    `json:"cancel_reason"`
	Session        *struct {
		Opinions    []map[string]any `json:"opinions"`
		Conclusions []map[string]any `json:"conclusions"`
	} `json:"session"`
	SurveySummary *summaryDoc `json:"survey_summary"`
	Notifications []struct {
		Recipient string `json:"recipient"`
		Subject   string `json:"subject"`
	} `json:"notifications"`
	Live *struct {
		Phase string `json:"phase"`
	} `json:"live"`
}

type summaryDoc struct {
	Total   int  `json:"total"`
	Final   bool `json:"final"`
	ByField []struct {
		Field string `json:"field"`
		Count int    `json:"count"`
	} `json:"by_field"`
	MainIssues []struct {
		Content string `json:"content"`
		Count   int    `json:"count"`
	} `json:"main_issues"`
}

type errorDoc struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
	Fields    []struct {
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"fields"`
	Details map[string]any `json:"details"`
}

func mustStatus(t testing.TB, r *testenv.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
}

// expectError checks a 4xx error body: status, code and (if given) that
// one field error names field with fieldCode.
func expectError(t *testing.T, r *testenv.Response, status int, code, field, fieldCode string) errorDoc {
	t.Helper()
	if r.Status != status {
		t.Errorf("want %d %s, got %d: %s", status, code, r.Status, r.Body)
		return errorDoc{}
	}
	var e errorDoc
	r.Decode(t, &e)
	if e.Code != code {
		t.Errorf("error code %q, want %q (%s)", e.Code, code, r.Body)
	}
	if e.Message == "" || e.MessageEN == "" {
		t.Errorf("error %s lacks a Vietnamese or English message: %s", code, r.Body)
	}
	if field != "" {
		found := false
		for _, f := range e.Fields {
			if f.Field == field && (fieldCode == "" || f.Code == fieldCode) {
				found = true
			}
		}
		if !found {
			t.Errorf("error %s does not name field %s (%s): %s", code, field, fieldCode, r.Body)
		}
	}
	return e
}

// waitFor is testenv.WaitFor.
func waitFor(t *testing.T, within time.Duration, what string, fn func() bool) {
	t.Helper()
	testenv.WaitFor(t, within, what, fn)
}

func getDialogue(t *testing.T, c *testenv.Client, id string) dialogueDoc {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/dialogues/"+id, nil)
	mustStatus(t, r, http.StatusOK, "get dialogue")
	var d dialogueDoc
	r.Decode(t, &d)
	return d
}

func waitPhase(t *testing.T, c *testenv.Client, id, phase string, within time.Duration) dialogueDoc {
	t.Helper()
	var d dialogueDoc
	waitFor(t, within, fmt.Sprintf("dialogue %s to reach %s", id, phase), func() bool {
		d = getDialogue(t, c, id)
		return d.Phase == phase
	})
	return d
}

// surveyLink reads a dialogue's public survey link path.
func surveyLink(t *testing.T, c *testenv.Client, dialogueID string) string {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/dialogues/"+dialogueID, nil)
	mustStatus(t, r, http.StatusOK, "get dialogue")
	var d struct {
		SurveyLink *struct {
			Token string `json:"token"`
			Path  string `json:"path"`
		} `json:"survey_link"`
	}
	r.Decode(t, &d)
	if d.SurveyLink == nil || len(d.SurveyLink.Token) != 64 || d.SurveyLink.Path != "/api/v1/survey/"+d.SurveyLink.Token {
		t.Fatalf("dialogue has no proper survey link: %s", r.Body)
	}
	return d.SurveyLink.Path
}

// readyForSession makes a plan of unit for this year with one dialogue three
// seconds away, a two-second survey and the given extra policy fields, and
// waits until its survey has closed; it returns the dialogue id.
func readyForSession(tb testing.TB, env *testenv.Env, c *testenv.Client, unit string, policy map[string]any) string {
	tb.Helper()
	return bench.ReadyForSession(tb, env.Store, c, unit, policy)
}
