package raftnode

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"

	"github.com/hashicorp/go-hclog"
)

// hclogAdapter bridges hashicorp's hclog (used by raft) into log/slog, so a
// node has a single logging pipeline.
type hclogAdapter struct {
	l     *slog.Logger
	name  string
	args  []interface{}
	level hclog.Level
}

// NewHCLog returns an hclog.Logger that writes to l at level and above.
func NewHCLog(l *slog.Logger, name string, level hclog.Level) hclog.Logger {
	return &hclogAdapter{l: l.With("component", name), name: name, level: level}
}

func toSlog(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace, hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

func (a *hclogAdapter) Log(level hclog.Level, msg string, args ...interface{}) {
	if level < a.level {
		return
	}
	for i, v := range args {
		// hclog.Fmt defers formatting to the sink; do it here.
		if f, ok := v.(hclog.Format); ok && len(f) > 0 {
			if format, ok := f[0].(string); ok {
				args[i] = fmt.Sprintf(format, f[1:]...)
			}
		}
	}
	a.l.Log(context.Background(), toSlog(level), msg, args...)
}

func (a *hclogAdapter) Trace(msg string, args ...interface{}) { a.Log(hclog.Trace, msg, args...) }
func (a *hclogAdapter) Debug(msg string, args ...interface{}) { a.Log(hclog.Debug, msg, args...) }
func (a *hclogAdapter) Info(msg string, args ...interface{})  { a.Log(hclog.Info, msg, args...) }
func (a *hclogAdapter) Warn(msg string, args ...interface{})  { a.Log(hclog.Warn, msg, args...) }
func (a *hclogAdapter) Error(msg string, args ...interface{}) { a.Log(hclog.Error, msg, args...) }
func (a *hclogAdapter) IsTrace() bool                         { return a.level <= hclog.Trace }
func (a *hclogAdapter) IsDebug() bool                         { return a.level <= hclog.Debug }
func (a *hclogAdapter) IsInfo() bool                          { return a.level <= hclog.Info }
func (a *hclogAdapter) IsWarn() bool                          { return a.level <= hclog.Warn }
func (a *hclogAdapter) IsError() bool                         { return a.level <= hclog.Error }
func (a *hclogAdapter) ImpliedArgs() []interface{}            { return a.args }
func (a *hclogAdapter) Name() string                          { return a.name }
func (a *hclogAdapter) SetLevel(level hclog.Level)            { a.level = level }
func (a *hclogAdapter) GetLevel() hclog.Level                 { return a.level }

func (a *hclogAdapter) With(args ...interface{}) hclog.Logger {
	b := *a
	b.l = a.l.With(args...)
	b.args = append(append([]interface{}{}, a.args...), args...)
	return &b
}

func (a *hclogAdapter) Named(name string) hclog.Logger {
	if a.name != "" {
		name = a.name + "." + name
	}
	return a.ResetNamed(name)
}

func (a *hclogAdapter) ResetNamed(name string) hclog.Logger {
	b := *a
	b.name = name
	b.l = a.l.With("component", name)
	return &b
}

func (a *hclogAdapter) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(a.StandardWriter(opts), "", 0)
}

func (a *hclogAdapter) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		a.Info(string(p))
		return len(p), nil
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
