package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// overTheWire is what the client sees of an Update that failed with err
// inside the workflow: the error made a Failure by the SDK's converter, and
// back.
func overTheWire(err error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fc.FailureToError(fc.ErrorToFailure(err))
}

// activityFailed is the error ExecuteActivity(...).Get returns inside the
// workflow when the activity failed with cause.
func activityFailed(cause error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fc.FailureToError(&failurepb.Failure{
		Message: "activity error",
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityType: &commonpb.ActivityType{Name: "SaveSession"}, ActivityId: "7",
			RetryState: enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE,
		}},
		Cause: fc.ErrorToFailure(cause),
	})
}

func TestToAPIErrorMapsWorkflowAndTemporalErrors(t *testing.T) {
	// The activities' nonRetryableIfConflict: type "conflict", the store
	// error (internal text) as message and cause.
	storeErr := fmt.Errorf("save session: insert opinions: %w", store.ErrConflict)
	activityConflict := temporal.NewNonRetryableApplicationError(storeErr.Error(), "conflict", storeErr)

	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string // a part the Vietnamese message must contain
		messageEN  string // a part the English message must contain
		notInBody  []string
		wantFields bool
	}{
		// An invalid or conflict without a lifecycle rule's words has
		// internal English words: they stay in the log, never in a
		// Vietnamese message.
		{name: "workflow invalid", err: fmt.Errorf("update recordSession: %w", overTheWire(temporal.NewApplicationError("the session is already recorded", workflows.ErrTypeInvalid))),
			status: 422, code: CodeValidation, message: "Dữ liệu gửi lên không hợp lệ.", messageEN: "The request data is invalid.", notInBody: []string{"already recorded"}},
		{name: "workflow conflict", err: overTheWire(temporal.NewApplicationError("dialogue cancelled", workflows.ErrTypeConflict)),
			status: 409, code: CodeConflict, messageEN: "Not allowed in the current state.", notInBody: []string{"dialogue cancelled"}},
		{name: "workflow conflict wrapped by the handler", err: fmt.Errorf("update addTasks: %w",
			overTheWire(fmt.Errorf("add tasks: %w", temporal.NewApplicationError("not recorded yet", workflows.ErrTypeConflict)))),
			status: 409, code: CodeConflict, messageEN: "Not allowed in the current state.", notInBody: []string{"not recorded yet"}},
		{name: "activity conflict wrapped by the handler", err: fmt.Errorf("update recordSession: %w",
			overTheWire(fmt.Errorf("save session: %w", activityFailed(activityConflict)))),
			status: 409, code: CodeConflict, messageEN: "The data conflicts with existing data.", notInBody: []string{"insert opinions", "wrapError", "activity"}},
		{name: "activity conflict as it is", err: overTheWire(activityFailed(activityConflict)),
			status: 409, code: CodeConflict, notInBody: []string{"insert opinions"}},
		{name: "invalid below another application error", err: overTheWire(fmt.Errorf("x: %w",
			temporal.NewApplicationErrorWithCause("outer", "SomethingElse", temporal.NewApplicationError("bad date", workflows.ErrTypeInvalid)))),
			status: 422, code: CodeValidation, messageEN: "The request data is invalid.", notInBody: []string{"bad date"}},
		{name: "other application error", err: overTheWire(fmt.Errorf("save: %w", activityFailed(temporal.NewApplicationError("disk full", "IOError")))),
			status: 500, code: CodeInternal, notInBody: []string{"disk full"}},
		{name: "blob size limit", err: fmt.Errorf("update recordSession: %w", serviceerror.NewInvalidArgument("Blob data size exceeds limit.")),
			status: 413, code: CodeBodyTooLarge, message: "quá lớn", messageEN: "too large for one request", notInBody: []string{"Blob"}},
		{name: "other invalid argument", err: fmt.Errorf("update recordSession: %w", serviceerror.NewInvalidArgument("UpdateId exceeds length limit of 1000")),
			status: 500, code: CodeInternal, messageEN: "Internal error; it has been logged.", notInBody: []string{"UpdateId", "1000"}},
		{name: "plain invalid argument", err: serviceerror.NewInvalidArgument("WorkflowId is not set on request."),
			status: 500, code: CodeInternal, notInBody: []string{"WorkflowId"}},
		{name: "update payload over the cap", err: checkUpdateSize(map[string]string{"notes": strings.Repeat("x", maxUpdateArgBytes)}),
			status: 413, code: CodeBodyTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("no error to map")
			}
			got := toAPIError(nil, tc.err)
			if got.Status != tc.status || got.Code != tc.code {
				t.Fatalf("toAPIError(%v) = %d %s (%s), want %d %s", tc.err, got.Status, got.Code, got.MessageEN, tc.status, tc.code)
			}
			if got.Message == "" || got.MessageEN == "" {
				t.Errorf("messages must be bilingual: %+v", got)
			}
			if !strings.Contains(got.Message, tc.message) || !strings.Contains(got.MessageEN, tc.messageEN) {
				t.Errorf("messages %q / %q, want them to contain %q / %q", got.Message, got.MessageEN, tc.message, tc.messageEN)
			}
			body, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.notInBody {
				if strings.Contains(string(body), s) {
					t.Errorf("body %s leaks %q", body, s)
				}
			}
		})
	}
}

func TestCommandErrorSkipsWrappers(t *testing.T) {
	// The outer error is what errors.As finds first: a plain errors.As
	// would stop at it and answer 500.
	err := overTheWire(fmt.Errorf("save session: %w", activityFailed(temporal.NewNonRetryableApplicationError("c", "conflict", errors.New("conflict")))))
	var outer *temporal.ApplicationError
	if !errors.As(err, &outer) || outer.Type() == workflows.ErrTypeConflict {
		t.Fatalf("outer error %v (type %q): the test does not build the wrapped chain", err, outer.Type())
	}
	if e := commandError(err); e == nil || e.Status != http.StatusConflict {
		t.Fatalf("commandError = %+v, want 409", e)
	}
	if e := commandError(errors.New("plain")); e != nil {
		t.Fatalf("commandError(plain) = %+v, want nil", e)
	}
}

func TestIdempotencyDerivedIDs(t *testing.T) {
	ctx := func(method, path, key string) *gin.Context {
		c := &gin.Context{Request: httptest.NewRequest(method, path, nil)}
		if key != "" {
			c.Request.Header.Set(HeaderIdempotencyKey, key)
		}
		return c
	}
	a := idempotencyUpdateID(ctx("POST", "/api/v1/tasks/1/review", "k-1"))
	if a == "" || a != idempotencyUpdateID(ctx("POST", "/api/v1/tasks/1/review", "k-1")) {
		t.Fatalf("update id %q is not stable", a)
	}
	for _, other := range []string{
		idempotencyUpdateID(ctx("POST", "/api/v1/tasks/2/review", "k-1")),
		idempotencyUpdateID(ctx("POST", "/api/v1/tasks/1/cancel", "k-1")),
		idempotencyUpdateID(ctx("POST", "/api/v1/tasks/1/review", "k-2")),
	} {
		if other == a {
			t.Errorf("update id %q shared by another request", a)
		}
	}
	if id := idempotencyUpdateID(ctx("POST", "/api/v1/tasks/1/review", "")); id != "" {
		t.Errorf("update id without a key = %q, want empty (Temporal picks one)", id)
	}
	if n, ok := idempotencyName(ctx("POST", "/x", "k-1")); !ok || n == "" {
		t.Errorf("idempotencyName = %q, %v", n, ok)
	}
	if _, ok := idempotencyName(ctx("POST", "/x", "")); ok {
		t.Error("idempotencyName without a key reports one")
	}
}
