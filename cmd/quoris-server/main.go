// Command quoris-server runs one quoris node: a Redis-compatible server
// whose every write goes through a Raft log.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
	"github.com/quoris/quoris/resp"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "quoris-server:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, v, err := loadConfig(args)
	if err != nil {
		return err
	}
	level := new(slog.LevelVar) // CONFIG SET loglevel changes it
	level.Set(logLevel(cfg.LogLevel))
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	if cfg.LogFormat == "json" {
		handler = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	}
	logger := slog.New(handler).With("node", cfg.NodeID)
	debug.SetGCPercent(cfg.GCPercent)

	f := fsm.New(cfg.Databases, logger)
	node, err := raftnode.Open(raftnode.Config{
		NodeID:            cfg.NodeID,
		RaftAddr:          cfg.RaftAddr,
		RespAddr:          cfg.RespAddr(),
		Dir:               cfg.Dir,
		SnapshotThreshold: cfg.SnapshotThreshold,
		SnapshotInterval:  cfg.SnapshotInterval,
		TrailingLogs:      cfg.TrailingLogs,
		HeartbeatTimeout:  cfg.HeartbeatTimeout,
		ElectionTimeout:   cfg.ElectionTimeout,
		ApplyTimeout:      cfg.ApplyTimeout,
		NoSync:            cfg.RaftNoSync,
		MaxInflight:       cfg.RaftMaxInflight,
		LogStore:          cfg.RaftLogStore,
		SnapshotBytes:     cfg.SnapshotBytes,
		ClockSkew:         cfg.DebugClockSkew.Milliseconds(),
		MaxCommandBytes:   int64(cfg.MaxEntrySize),
		Logger:            logger,
	}, f)
	if err != nil {
		return err
	}
	if err := cfg.saveIdentity(); err != nil {
		node.Shutdown()
		return err
	}
	bootstrap := !node.HadState() && len(cfg.Join) == 0
	if bootstrap {
		if err := node.Bootstrap(); err != nil {
			node.Shutdown()
			return fmt.Errorf("bootstrap: %w", err)
		}
	}

	// A lone voter elects itself at once; listening only once it leads
	// means its first PONG comes with writes accepted, not CLUSTERDOWN.
	if node.LoneVoter() && !node.WaitReady(10*time.Second) {
		logger.Warn("lone voter is not leading yet; serving anyway")
	}

	srv := resp.New(resp.Options{
		Addr:         cfg.RespAddr(),
		FollowerMode: cfg.FollowerMode,
		Settings:     &settingsView{cfg: cfg, v: v, node: node, level: level},
		Logger:       logger,
	}, node)
	if err := srv.LoadConfig(redisParams(v)); err != nil {
		node.Shutdown()
		return fmt.Errorf("config: %w", err)
	}
	if err := srv.Listen(); err != nil {
		node.Shutdown()
		return err
	}
	logger.Info("quoris ready", "addr", cfg.RespAddr(), "raft", cfg.RaftAddr, "dir", cfg.Dir, "bootstrap", bootstrap, "log_store", node.LogStore())

	if cfg.MetricsAddr != "" {
		if cfg.MetricsAddr == cfg.PprofAddr {
			// One admin listener: the default mux serves both.
			http.Handle("/metrics", srv.MetricsHandler())
		} else {
			mux := http.NewServeMux()
			mux.Handle("/metrics", srv.MetricsHandler())
			go func() {
				if err := http.ListenAndServe(cfg.MetricsAddr, mux); err != nil {
					logger.Error("metrics listener", "err", err)
				}
			}()
		}
		logger.Info("serving /metrics", "addr", cfg.MetricsAddr)
	}
	if cfg.PprofAddr != "" {
		go func() {
			// The default mux carries net/http/pprof's handlers.
			if err := http.ListenAndServe(cfg.PprofAddr, nil); err != nil {
				logger.Error("pprof listener", "err", err)
			}
		}()
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if !node.HadState() && len(cfg.Join) > 0 {
		go func() {
			if err := srv.JoinCluster(ctx, cfg.Join, cfg.RaftAddr); err != nil && ctx.Err() == nil {
				logger.Error("join failed", "err", err)
			}
		}()
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve() }()
	select {
	case sig := <-sigs:
		logger.Info("shutting down", "signal", sig.String())
	case err := <-serveErr:
		logger.Error("server stopped", "err", err)
	}
	cancel()
	srv.Close()
	if err := node.Shutdown(); err != nil {
		logger.Warn("raft shutdown", "err", err)
	}
	logger.Info("bye")
	return nil
}

// logLevel maps Redis's loglevel names onto slog's.
func logLevel(name string) slog.Level {
	switch name {
	case "debug", "verbose":
		return slog.LevelDebug
	case "warning":
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}
