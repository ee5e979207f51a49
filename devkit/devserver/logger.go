package devserver

import (
	"fmt"
	"strings"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// fatalError is the panic value serverLogger.Fatal raises instead of exiting the
// process, so that a fatal condition hit while the server is being built or
// started (e.g. a port that cannot be bound) becomes an error returned by Start.
type fatalError struct {
	msg  string
	tags []tag.Tag
}

func (e *fatalError) Error() string {
	var b strings.Builder
	b.WriteString(e.msg)
	for _, t := range e.tags {
		fmt.Fprintf(&b, " %s=%v", t.Key(), t.Value())
	}
	return b.String()
}

// serverLogger adapts a zap logger to the Temporal server's log.Logger. It differs
// from log.NewZapLogger in one way: Fatal panics with *fatalError instead of
// calling os.Exit, because the server runs inside our process.
type serverLogger struct {
	log.Logger
}

var (
	_ log.Logger     = serverLogger{}
	_ log.WithLogger = serverLogger{}
)

// newServerLogger returns a Temporal logger writing to zl at level and
// above, and the atomic level that gates it (raised by Server.Stop to hide
// the warnings every shutdown produces).
func newServerLogger(zl *zap.Logger, level zapcore.Level) (serverLogger, zap.AtomicLevel) {
	if level >= zapcore.InvalidLevel {
		zl = zap.NewNop()
	}
	zl = zl.Named("temporal")
	// IncreaseLevel can only raise the threshold: never ask for less than the
	// caller's logger already lets through.
	atomic := zap.NewAtomicLevelAt(max(level, zapcore.LevelOf(zl.Core())))
	zl = zl.WithOptions(zap.IncreaseLevel(atomic))
	// Skip one more frame so the logged call site is the server code, not this wrapper.
	return serverLogger{Logger: log.NewZapLogger(zl).Skip(1)}, atomic
}

// Fatal logs at error level and panics with *fatalError.
func (l serverLogger) Fatal(msg string, tags ...tag.Tag) {
	l.Logger.Error(msg, tags...)
	panic(&fatalError{msg: msg, tags: tags})
}

// With returns a logger that adds tags to every entry.
func (l serverLogger) With(tags ...tag.Tag) log.Logger {
	return serverLogger{Logger: log.With(l.Logger, tags...)}
}

// parseLevel turns Options.LogLevel into a zap level. "off" (or "none",
// "never") silences the server completely.
func parseLevel(s string) (zapcore.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return zapcore.WarnLevel, nil
	case "off", "none", "never":
		return zapcore.InvalidLevel, nil
	}
	lvl, err := zapcore.ParseLevel(s)
	if err != nil {
		return 0, fmt.Errorf("invalid log level %q: %w", s, err)
	}
	return lvl, nil
}
