package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/internal/lifecycle"
)

// backgroundActivity is for writes the workflow must get done eventually:
// it retries until the database is back.
func backgroundActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// commandActivity is for writes done inside an Update handler: a caller is
// waiting, so it gives up after a few attempts and the caller gets an error
// while the workflow state stays unchanged.
func commandActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    200 * time.Millisecond,
			BackoffCoefficient: 2,
			MaximumInterval:    2 * time.Second,
			MaximumAttempts:    4,
		},
	})
}

// invalid refuses a workflow's input no client can send (a start the
// service itself builds wrong): its English text is for the operator.
func invalid(msg string) error {
	return temporal.NewApplicationError(msg, ErrTypeInvalid)
}

// InvalidFieldsError is how a workflow refuses a command whose fields a
// lifecycle rule finds at fault: an invalid ApplicationError whose one
// detail is the rule's field errors (field, code and words), so the API
// answers 422 with them, as it does when it checks the same rule at its
// edge. FieldErrorsOf reads them back.
func InvalidFieldsError(errs []lifecycle.FieldError) error {
	return temporal.NewApplicationErrorWithOptions(lifecycle.Err(errs).Error(), ErrTypeInvalid, temporal.ApplicationErrorOptions{Details: []any{errs}})
}

// FieldErrorsOf returns the field errors an ApplicationError made by
// InvalidFieldsError carries; ok is false for any other error.
func FieldErrorsOf(appErr *temporal.ApplicationError) (errs []lifecycle.FieldError, ok bool) {
	if appErr == nil || appErr.Type() != ErrTypeInvalid || !appErr.HasDetails() {
		return nil, false
	}
	if err := appErr.Details(&errs); err != nil || len(errs) == 0 {
		return nil, false
	}
	return errs, true
}

// invalidFields returns the field errors of a rule as the validator's
// error, nil when there are none.
func invalidFields(errs []lifecycle.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return InvalidFieldsError(errs)
}

// RefusalError is how a workflow refuses a command by a lifecycle rule: a
// conflict whose one detail is the rule's Refusal (reason code and
// wording), so the API answers with the rule's own words, the same it uses
// when it finds the refusal itself. RefusalOf reads it back.
func RefusalError(r *lifecycle.Refusal) error {
	return temporal.NewApplicationErrorWithOptions(r.MessageEN, ErrTypeConflict, temporal.ApplicationErrorOptions{Details: []any{*r}})
}

// RefusalOf returns the Refusal an ApplicationError made by RefusalError
// carries; ok is false for any other error.
func RefusalOf(appErr *temporal.ApplicationError) (r lifecycle.Refusal, ok bool) {
	if appErr == nil || appErr.Type() != ErrTypeConflict || !appErr.HasDetails() {
		return lifecycle.Refusal{}, false
	}
	if err := appErr.Details(&r); err != nil || r.Reason == "" {
		return lifecycle.Refusal{}, false
	}
	return r, true
}

// refuse returns the refusal of rule r as the validator's error, nil when
// the rule lets the command through.
func refuse(r *lifecycle.Refusal) error {
	if r == nil {
		return nil
	}
	return RefusalError(r)
}

// deliveryOptions retry a delivery with backoff; every attempt is logged
// by the activity. The schedule-to-close limit is the policy's delivery
// bound (see deliveries.send); this one is a ceiling.
var deliveryOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    30 * time.Second,
	ScheduleToCloseTimeout: 24 * time.Hour,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    10 * time.Minute,
	},
}

// localOptions are for pure local activities (schedule computation).
var localOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: 10 * time.Second,
	RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
}

// localWriteOptions are for short background database writes run as local
// activities: retried until they succeed. A local activity's
// schedule-to-close limit defaults to its start-to-close one, which would
// end the retries after 15 s: a database outage longer than that would lose
// the write. So the limit is set far out (backoff over a minute goes through
// a workflow timer, so a long outage costs nothing while it lasts).
var localWriteOptions = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 30 * 24 * time.Hour,
	StartToCloseTimeout:    15 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    500 * time.Millisecond,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

// localCommandOptions are for database writes inside an Update handler run
// as local activities: a caller waits, so they give up after a few tries.
var localCommandOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: 10 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    200 * time.Millisecond,
		BackoffCoefficient: 2,
		MaximumInterval:    2 * time.Second,
		MaximumAttempts:    4,
	},
}

// startActivity is for the activity that starts other workflows: it
// heartbeats its progress and retries until every start is done.
func startActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}
