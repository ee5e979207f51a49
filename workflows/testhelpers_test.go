package workflows

import (
	"context"
	"sync"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
)

func workflowOpts(name string) workflow.RegisterOptions { return workflow.RegisterOptions{Name: name} }

// fanout records the workflows a workflow under test started through the
// StartWorkflows activity and the signals it sent to other workflows. The
// test environment runs one workflow; the workflows it starts are tested on
// their own, and the tests play their signals back.
type fanout struct {
	mu      sync.Mutex
	started []string // workflow IDs, in the order started
	inputs  map[string]any
	signals []sentSignal
}

type sentSignal struct {
	WorkflowID, Name string
	Arg              any
}

func (f *fanout) startedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.started...)
}

func (f *fanout) sent() []sentSignal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentSignal{}, f.signals...)
}

// mockFanout mocks StartWorkflows and signals to other workflows on env.
func mockFanout(env *testsuite.TestWorkflowEnvironment) *fanout {
	f := &fanout{inputs: map[string]any{}}
	var a *activities.Activities
	env.OnActivity(a.StartWorkflows, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.StartWorkflowsInput) (activities.StartWorkflowsResult, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var res activities.StartWorkflowsResult
		dc := converter.GetDefaultDataConverter()
		for _, s := range in.Starts {
			if _, dup := f.inputs[s.WorkflowID]; dup {
				res.Existing++
				continue
			}
			var v any
			switch in.WorkflowType {
			case TaskWorkflowName:
				var ti TaskInput
				_ = dc.FromPayload(s.Input, &ti)
				v = ti
			case DialogueWorkflowName:
				var di DialogueInput
				_ = dc.FromPayload(s.Input, &di)
				v = di
			}
			f.inputs[s.WorkflowID] = v
			f.started = append(f.started, s.WorkflowID)
			res.Started++
		}
		return res, nil
	}).Maybe()
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(
		func(_, workflowID, _, name string, arg any) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.signals = append(f.signals, sentSignal{workflowID, name, arg})
			return nil
		}).Maybe()
	return f
}
