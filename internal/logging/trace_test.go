package logging

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// A line logged in a traced context carries trace_id and span_id; the
// SDK's TraceID key becomes trace_id; without a span nothing is added.
func TestTraceIDOnLogLines(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	log := zap.New(core)
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))

	WithTrace(ctx, log).Info("traced")
	WithTrace(context.Background(), log).Info("untraced")
	ForTemporal(log).With("TraceID", tid, "SpanID", sid).Info("from the sdk")

	entries := logs.AllUntimed()
	if got := entries[0].ContextMap()["trace_id"]; got != tid.String() {
		t.Errorf("traced line trace_id = %v, want %s", got, tid)
	}
	if _, has := entries[1].ContextMap()["trace_id"]; has {
		t.Error("a line without a span carries a trace_id")
	}
	if got := entries[2].ContextMap()["trace_id"]; got != tid.String() {
		t.Errorf("SDK line trace_id = %v, want %s (fields %v)", got, tid, entries[2].ContextMap())
	}
}
