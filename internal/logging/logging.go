// Package logging builds the zap logger of a command and adapts it for the
// Temporal SDK, so the SDK logs through zap too.
package logging

import (
	"fmt"

	sdklog "go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// New builds a logger: format "json" (production) or "console" (dev), level
// debug, info, warn or error.
func New(level, format string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	var cfg zap.Config
	switch format {
	case "json", "":
		cfg = zap.NewProductionConfig()
	case "console":
		cfg = zap.NewDevelopmentConfig()
		cfg.EncoderConfig.EncodeLevel = zapcore.CapitalColorLevelEncoder
	default:
		return nil, fmt.Errorf("log format %q: want json or console", format)
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.DisableStacktrace = lvl > zapcore.DebugLevel
	l, err := cfg.Build()
	if err != nil {
		return nil, fmt.Errorf("build logger: %w", err)
	}
	return l, nil
}

// Temporal adapts a zap logger to the Temporal SDK's logger interface.
type Temporal struct {
	s *zap.SugaredLogger
}

// ForTemporal wraps l for client.Options.Logger.
func ForTemporal(l *zap.Logger) *Temporal {
	return &Temporal{s: l.WithOptions(zap.AddCallerSkip(1)).Sugar().With("component", "temporal-sdk")}
}

// Debug logs at debug level.
func (t *Temporal) Debug(msg string, keyvals ...any) { t.s.Debugw(msg, keyvals...) }

// Info logs at info level.
func (t *Temporal) Info(msg string, keyvals ...any) { t.s.Infow(msg, keyvals...) }

// Warn logs at warn level.
func (t *Temporal) Warn(msg string, keyvals ...any) { t.s.Warnw(msg, keyvals...) }

// Error logs at error level.
func (t *Temporal) Error(msg string, keyvals ...any) { t.s.Errorw(msg, keyvals...) }

// With returns a logger with extra key-values on every line.
// The SDK's trace keys become trace_id and span_id (renameTraceKeys).
func (t *Temporal) With(keyvals ...any) sdklog.Logger {
	return &Temporal{s: t.s.With(renameTraceKeys(keyvals)...)}
}

var _ sdklog.WithLogger = (*Temporal)(nil)
