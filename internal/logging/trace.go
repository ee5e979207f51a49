package logging

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
)

// TraceIDKey is the field that carries the OpenTelemetry trace id on a log
// line (span_id beside it), so a line leads to its trace.
const TraceIDKey = "trace_id"

// WithTrace adds the trace and span ids of the span in ctx to l, when
// there is one (tracing on and the work traced).
func WithTrace(ctx context.Context, l *zap.Logger) *zap.Logger {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return l
	}
	return l.With(zap.String(TraceIDKey, sc.TraceID().String()), zap.String("span_id", sc.SpanID().String()))
}

// sdkTraceKeys renames the keys the Temporal SDK's tracing interceptor
// adds to workflow and activity loggers (TraceID, SpanID) to the ones our
// own lines carry.
var sdkTraceKeys = map[string]string{"TraceID": TraceIDKey, "SpanID": "span_id"}

// renameTraceKeys returns keyvals with the SDK's trace keys renamed and
// their values as strings.
func renameTraceKeys(keyvals []any) []any {
	keyvals = append([]any(nil), keyvals...)
	for i := 0; i+1 < len(keyvals); i += 2 {
		k, ok := keyvals[i].(string)
		if !ok {
			continue
		}
		if to, ok := sdkTraceKeys[k]; ok {
			keyvals[i], keyvals[i+1] = to, fmt.Sprint(keyvals[i+1])
		}
	}
	return keyvals
}
