package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/doithoai/doithoai/activities"
)

// TestContactRetentionDeletesAfterTheConfiguredTime: the contacts are
// deleted once, when the configured time has passed since the dialogue
// ended, not before.
func TestContactRetentionDeletesAfterTheConfiguredTime(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	env.RegisterWorkflowWithOptions(ContactRetention, workflowOpts(ContactRetentionWorkflowName))
	var a *activities.Activities
	keep := 90 * 24 * time.Hour
	env.OnActivity(a.RetentionOfContacts, mock.Anything).Return(keep, nil)
	var purgedAt time.Time
	purges := 0
	env.OnActivity(a.PurgeContacts, mock.Anything, activities.PurgeContactsInput{DialogueID: "d1", UnitID: "u1"}).Return(
		func(_ context.Context, _ activities.PurgeContactsInput) (int, error) {
			purges++
			purgedAt = env.Now()
			return 2, nil
		})
	env.ExecuteWorkflow(ContactRetentionWorkflowName, ContactRetentionInput{DialogueID: "d1", UnitID: "u1"})
	var n int
	if err := env.GetWorkflowResult(&n); err != nil || n != 2 {
		t.Fatalf("result %d, %v; want 2 deleted", n, err)
	}
	if purges != 1 || purgedAt.Before(t0.Add(keep)) {
		t.Fatalf("purged %d times, at %v; want once, not before %v", purges, purgedAt, t0.Add(keep))
	}
}
