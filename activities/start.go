package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"
)

// WorkflowStart names one workflow to start and its encoded input.
type WorkflowStart struct {
	WorkflowID string            `json:"workflow_id"`
	Input      *commonpb.Payload `json:"input"`
}

// StartWorkflowsInput asks for workflows of one type to be started on a
// task queue.
type StartWorkflowsInput struct {
	TaskQueue    string          `json:"task_queue"`
	WorkflowType string          `json:"workflow_type"`
	Starts       []WorkflowStart `json:"starts"`
}

// StartWorkflowsResult counts what the starts did.
type StartWorkflowsResult struct {
	// Started is how many workflows this call started.
	Started int `json:"started"`
	// Existing is how many already existed (an earlier attempt, or a
	// retried command): each counts as started.
	Existing int `json:"existing"`
}

// startConcurrency is how many starts one activity has in flight at once.
const startConcurrency = 32

// StartWorkflows starts many workflows at once, so a plan's dialogues and a
// dialogue's tasks start at the engine's rate instead of one child after
// another through their parent's workflow tasks. Workflow IDs come from
// domain IDs and a workflow that already exists (running or closed) counts
// as started, so a retried activity starts nothing twice (a retry finds
// what an earlier attempt started and counts it as existing). Progress is
// heartbeated.
func (a *Activities) StartWorkflows(ctx context.Context, in StartWorkflowsInput) (StartWorkflowsResult, error) {
	if a.Temporal == nil {
		return StartWorkflowsResult{}, temporal.NewNonRetryableApplicationError("no Temporal client configured for StartWorkflows", "config", nil)
	}
	var res StartWorkflowsResult
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, startConcurrency)
	var wg sync.WaitGroup
	for i, s := range in.Starts {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(s WorkflowStart) {
			defer wg.Done()
			defer func() { <-sem }()
			existed, err := a.startOne(ctx, in, s)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil && firstErr == nil:
				firstErr = err
			case err == nil && existed:
				res.Existing++
			case err == nil:
				res.Started++
			}
		}(s)
		if activity.IsActivity(ctx) && i%100 == 99 {
			activity.RecordHeartbeat(ctx, i+1)
		}
	}
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	a.log(ctx).Debug("workflows started", zap.String("type", in.WorkflowType), zap.Int("started", res.Started), zap.Int("existing", res.Existing))
	return res, nil
}

// startOne starts one workflow; existed is true when it was there already.
func (a *Activities) startOne(ctx context.Context, in StartWorkflowsInput, s WorkflowStart) (existed bool, err error) {
	opts := client.StartWorkflowOptions{
		ID:                       s.WorkflowID,
		TaskQueue:                in.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// An existing run answers with an error instead of its handle, so
		// it can be counted.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		// Eager start (the first workflow task handed back with the start)
		// was measured slower here: 133 against 227 tasks opened per
		// second, each start holding the single history shard longer.
	}
	_, err = a.Temporal.ExecuteWorkflow(ctx, opts, in.WorkflowType, converter.NewRawValue(s.Input))
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("start %s: %w", s.WorkflowID, err)
	}
	return false, nil
}

// EndedWorkflowsInput names workflows a parent follows by ID.
type EndedWorkflowsInput struct {
	WorkflowIDs []string `json:"workflow_ids"`
}

// EndedWorkflows returns those of the named workflows that are no longer
// running (completed, failed, terminated, timed out) or do not exist, so a
// parent waiting for their signals does not wait for ever on one that an
// operator ended by hand. Progress is heartbeated.
func (a *Activities) EndedWorkflows(ctx context.Context, in EndedWorkflowsInput) ([]string, error) {
	if a.Temporal == nil {
		return nil, temporal.NewNonRetryableApplicationError("no Temporal client configured for EndedWorkflows", "config", nil)
	}
	ended := []string{}
	for i, id := range in.WorkflowIDs {
		desc, err := a.Temporal.DescribeWorkflowExecution(ctx, id, "")
		var missing *serviceerror.NotFound
		switch {
		case errors.As(err, &missing):
			ended = append(ended, id)
		case err != nil:
			return nil, fmt.Errorf("describe %s: %w", id, err)
		case desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
			ended = append(ended, id)
		}
		if activity.IsActivity(ctx) && i%100 == 99 {
			activity.RecordHeartbeat(ctx, i+1)
		}
	}
	return ended, nil
}
