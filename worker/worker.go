// Package worker builds the Temporal worker of the service: it registers
// the workflows and activities on the task queue and runs until its context
// is cancelled.
package worker

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/workflows"
)

// Options configures a worker.
type Options struct {
	TaskQueue string
	// MaxConcurrentActivities caps activity executions (0 = SDK default).
	MaxConcurrentActivities int
	// Pollers is how many pollers ask for workflow tasks and how many for
	// activity tasks (0 = SDK default of 2 each).
	Pollers int
	// WorkflowCacheSize sizes the process-wide sticky workflow cache
	// (0 keeps the SDK default of 10,000). It is set once per process.
	WorkflowCacheSize int
}

// Worker is the service's worker: one SDK worker on the task queue (plans,
// dialogues and their activities) and one on the tasks' own queue
// (workflows.TasksQueue), so a herd of follow-up tasks never queues in front
// of a plan's or a dialogue's commands. Each registers every workflow and
// activity.
type Worker struct {
	workers []sdkworker.Worker
}

// New builds a worker with every workflow and activity registered.
func New(c client.Client, acts *activities.Activities, opts Options) *Worker {
	tq := opts.TaskQueue
	if tq == "" {
		tq = workflows.DefaultTaskQueue
	}
	if opts.WorkflowCacheSize > 0 {
		sdkworker.SetStickyWorkflowCacheSize(opts.WorkflowCacheSize)
	}
	w := &Worker{}
	for _, q := range []string{tq, workflows.TasksQueue(tq)} {
		sw := sdkworker.New(c, q, sdkworker.Options{
			// A stopping worker lets activities in flight finish (a
			// delivery that has posted records that it did), so a deploy
			// or a restart sends nothing twice.
			WorkerStopTimeout:                  10 * time.Second,
			MaxConcurrentActivityExecutionSize: opts.MaxConcurrentActivities,
			MaxConcurrentWorkflowTaskPollers:   opts.Pollers,
			MaxConcurrentActivityTaskPollers:   opts.Pollers,
		})
		RegisterWorkflows(sw)
		sw.RegisterActivity(acts)
		w.workers = append(w.workers, sw)
	}
	return w
}

// Start starts polling both queues; on an error nothing is left running.
func (w *Worker) Start() error {
	for i, sw := range w.workers {
		if err := sw.Start(); err != nil {
			for _, started := range w.workers[:i] {
				started.Stop()
			}
			return err
		}
	}
	return nil
}

// Stop stops both, letting running tasks finish.
func (w *Worker) Stop() {
	for _, sw := range w.workers {
		sw.Stop()
	}
}

// WorkflowRegistry is where workflows are registered: a worker, or a
// replayer in tests.
type WorkflowRegistry interface {
	RegisterWorkflowWithOptions(any, workflow.RegisterOptions)
}

// RegisterWorkflows registers every workflow under its public name.
func RegisterWorkflows(r WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(workflows.Plan, workflow.RegisterOptions{Name: workflows.PlanWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Dialogue, workflow.RegisterOptions{Name: workflows.DialogueWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Task, workflow.RegisterOptions{Name: workflows.TaskWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Feedback, workflow.RegisterOptions{Name: workflows.FeedbackWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ContactRetention, workflow.RegisterOptions{Name: workflows.ContactRetentionWorkflowName})
}

// Run starts the worker and blocks until ctx is cancelled, then stops it.
func Run(ctx context.Context, w *Worker) error {
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
