package workflows

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
)

// The helpers every workflow of the service shares: the command lock, the
// background delivery fan-out, starting other workflows without a funnel,
// and the continue-as-new check.

// commandLock serialises a workflow's commands: Update handlers run
// concurrently (each yields at its activities), so each takes the lock and
// checks itself again against the state it now sees.
type commandLock struct{ mu workflow.Mutex }

func newCommandLock(ctx workflow.Context) commandLock {
	return commandLock{mu: workflow.NewMutex(ctx)}
}

// acquire takes the lock and runs validate under it; on a refusal the lock
// is released again. The returned func releases it.
func (l commandLock) acquire(ctx workflow.Context, validate func() error) (func(), error) {
	if err := l.mu.Lock(ctx); err != nil {
		return nil, err
	}
	if err := validate(); err != nil {
		l.mu.Unlock()
		return nil, err
	}
	return l.mu.Unlock, nil
}

// deliveries sends alerts and notices to their units' webhooks and e-mail
// contacts in the background. Temporal retries a failing delivery with
// backoff for at most its bound (the policy's delivery_within); an item
// still not through then is recorded as undelivered in PostgreSQL (retried
// until the write succeeds) for operators to see and act on. A workflow
// waits until idle() before it completes or continues as new, so no
// delivery is abandoned unrecorded, and none is waited on longer than the
// bound: a dead webhook holds back no task and no dialogue's report.
type deliveries struct {
	running int
	within  time.Duration
}

// newDeliveries is the fan-out of a workflow under policy p.
func newDeliveries(p domain.Policy) deliveries {
	return deliveries{within: p.DeliveryBound()}
}

func (d *deliveries) send(ctx workflow.Context, kind, id string) {
	d.running++
	workflow.Go(ctx, func(gctx workflow.Context) {
		defer func() { d.running-- }()
		var acts *activities.Activities
		var res activities.DeliverResult
		opts := deliveryOptions
		if d.within > 0 {
			opts.ScheduleToCloseTimeout = d.within
			opts.StartToCloseTimeout = min(opts.StartToCloseTimeout, d.within)
		}
		err := workflow.ExecuteActivity(workflow.WithActivityOptions(gctx, opts), acts.Deliver, activities.DeliverInput{ItemKind: kind, ItemID: id}).Get(gctx, &res)
		if err == nil || temporal.IsCanceledError(err) {
			return
		}
		workflow.GetLogger(gctx).Warn("delivery not through within its bound", "kind", kind, "id", id, "within", opts.ScheduleToCloseTimeout, "error", err)
		in := activities.UndeliveredInput{ItemKind: kind, ItemID: id, Reason: undeliveredReason(err)}
		lctx := workflow.WithLocalActivityOptions(gctx, localWriteOptions)
		if err := workflow.ExecuteLocalActivity(lctx, acts.RecordUndelivered, in).Get(gctx, nil); err != nil {
			workflow.GetLogger(gctx).Error("record undelivered failed", "kind", kind, "id", id, "error", err)
		}
	})
}

// undeliveredReason says why a delivery stopped: its bound ran out, or the
// last attempt's error when it was not to be retried.
func undeliveredReason(err error) string {
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		if last := timeout.Unwrap(); last != nil {
			return "not delivered within the bound; last attempt: " + last.Error()
		}
		return "not delivered within the bound"
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Error()
	}
	return err.Error()
}

func (d *deliveries) idle() bool { return d.running == 0 }

// update is an Update handler with the validator that refuses a bad
// command before anything reaches the history.
type update struct {
	name      string
	handler   any
	validator any
}

// registerUpdates registers a workflow's Update handlers.
func registerUpdates(ctx workflow.Context, updates []update) error {
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return fmt.Errorf("register %s: %w", u.name, err)
		}
	}
	return nil
}

// start is one workflow to start from an activity.
type start struct {
	id    string
	input any
}

// Starts go to StartWorkflows in chunks of startChunk, startWave chunks at
// a time: each activity's input stays far under Temporal's 2 MB payload
// limit (a task's input is a few kilobytes), and so does each workflow task
// that schedules a wave.
const (
	startChunk = 100
	startWave  = 4
)

// startWorkflows starts workflows of one type on taskQueue from
// activities, many at a time, instead of one child after another through
// this workflow's tasks. IDs come from domain IDs and a workflow that
// already exists counts as started, so a retried activity starts nothing
// twice. The activities retry until the starts are done.
func startWorkflows(ctx workflow.Context, workflowType, taskQueue string, starts []start) error {
	for len(starts) > 0 {
		var wave []workflow.Future
		for k := 0; k < startWave && len(starts) > 0; k++ {
			n := min(startChunk, len(starts))
			f, err := startChunkOf(ctx, workflowType, taskQueue, starts[:n])
			if err != nil {
				return err
			}
			wave, starts = append(wave, f), starts[n:]
		}
		for _, f := range wave {
			var res activities.StartWorkflowsResult
			if err := f.Get(ctx, &res); err != nil {
				return fmt.Errorf("start %s workflows: %w", workflowType, err)
			}
		}
	}
	return nil
}

// startChunkOf schedules one StartWorkflows activity for starts.
func startChunkOf(ctx workflow.Context, workflowType, taskQueue string, starts []start) (workflow.Future, error) {
	dc := converter.GetDefaultDataConverter()
	in := activities.StartWorkflowsInput{TaskQueue: taskQueue, WorkflowType: workflowType}
	for _, s := range starts {
		p, err := dc.ToPayload(s.input)
		if err != nil {
			return nil, fmt.Errorf("encode %s input: %w", s.id, err)
		}
		in.Starts = append(in.Starts, activities.WorkflowStart{WorkflowID: s.id, Input: p})
	}
	var acts *activities.Activities
	return workflow.ExecuteActivity(startActivity(ctx), acts.StartWorkflows, in), nil
}

// historyLimit is the history length after which a long-lived workflow
// continues as new, well below Temporal's 10,240-event warning.
const historyLimit = 2000

// historyBytesLimit is the history size after which it continues as new:
// a dialogue's task batches are large events, and a worker that lost the
// workflow from its cache replays the whole history before it answers.
const historyBytesLimit = 2 << 20

// continueSuggested reports whether the workflow should continue as new:
// the server suggests it, or the history passed limit events (historyLimit
// when limit is 0) or historyBytesLimit bytes.
func continueSuggested(ctx workflow.Context, limit int) bool {
	if limit <= 0 {
		limit = historyLimit
	}
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= limit || info.GetCurrentHistorySize() >= historyBytesLimit
}

// sortedKeys lists a set's keys in order, for carrying it across
// continue-as-new deterministically.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// setOf builds a set from a list.
func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// signals hands every signal of a name to fn. The workflow polls it in
// its wait conditions and before it decides (poll never blocks), so a
// signal is taken in by the workflow's own coroutine and none is left
// behind at continue-as-new.
func signals[T any](ctx workflow.Context, name string, fn func(T)) (poll func()) {
	ch := workflow.GetSignalChannel(ctx, name)
	return func() {
		for {
			var v T
			if !ch.ReceiveAsync(&v) {
				return
			}
			fn(v)
		}
	}
}
