package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
)

// ContactRetentionWorkflowName is the registered name of ContactRetention.
const ContactRetentionWorkflowName = "ContactRetention"

// ContactRetentionWorkflowID is the retention workflow of a dialogue's
// respondents' contacts.
func ContactRetentionWorkflowID(dialogueID string) string { return "retention/" + dialogueID }

// ContactRetentionInput names the dialogue that has ended.
type ContactRetentionInput struct {
	DialogueID string `json:"dialogue_id"`
	UnitID     string `json:"unit_id"`
}

// ContactRetention keeps a closed dialogue's respondents' contacts for the
// configured time (a durable timer), then deletes them and logs the
// deletion. Its ID comes from the dialogue, so the dialogue starts it once
// whatever its retries.
func ContactRetention(ctx workflow.Context, in ContactRetentionInput) (int, error) {
	var acts *activities.Activities
	var keep time.Duration
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, acts.RetentionOfContacts).Get(ctx, &keep); err != nil {
		return 0, err
	}
	if err := workflow.Sleep(ctx, keep); err != nil {
		return 0, err
	}
	var n int
	err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.PurgeContacts,
		activities.PurgeContactsInput{DialogueID: in.DialogueID, UnitID: in.UnitID}).Get(ctx, &n)
	return n, err
}

// scheduleContactPurge starts the retention workflow of the dialogue's
// respondents' contacts, once it has ended (closed or cancelled).
func (d *dialogue) scheduleContactPurge(ctx workflow.Context) {
	s := []start{{id: ContactRetentionWorkflowID(d.in.DialogueID), input: ContactRetentionInput{DialogueID: d.in.DialogueID, UnitID: d.in.UnitID}}}
	if err := startWorkflows(ctx, ContactRetentionWorkflowName, workflow.GetInfo(ctx).TaskQueueName, s); err != nil {
		workflow.GetLogger(ctx).Error("contact retention not started", "error", err)
	}
}
