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
	if err := dispatch(os.Args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "quoris-server:", err)
		os.Exit(1)
	}
}

// dispatch runs a subcommand (backup.go, importrdb.go) or the server.
func dispatch(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "backup":
			return runBackup(args[1:])
		case "restore":
			return runRestore(args[1:])
		case "import-rdb":
			return runImportRDB(args[1:])
		}
	}
	return run(args, nil)
}

// run runs the server. seed, when set, loads a new cluster's first state
// (restore, import-rdb) once this node leads it, before clients are served.
func run(args []string, seed func(*raftnode.Node) error) error {
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

	tlsConf, err := cfg.loadTLS()
	if err != nil {
		return err
	}
	var raftTLS *raftnode.TLS
	if cfg.raftTLS() {
		raftTLS = tlsConf
	}
	f := fsm.New(cfg.Databases, logger)
	node, err := raftnode.Open(raftnode.Config{
		NodeID:            cfg.NodeID,
		RaftAddr:          cfg.RaftAddr,
		RespAddr:          cfg.AdvertisedAddr(),
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
		TLS:               raftTLS,
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
	if seed != nil {
		if !bootstrap {
			node.Shutdown()
			return fmt.Errorf("%w: --dir %s already holds raft state or --join was given", raftnode.ErrSeedNotNew, cfg.Dir)
		}
		if err := seed(node); err != nil {
			node.Shutdown()
			return err
		}
		keys, _ := node.FSM().KeyspaceInfo()
		total := 0
		for _, n := range keys {
			total += n
		}
		logger.Info("new cluster seeded", "keys", total)
	}

	srv := resp.New(resp.Options{
		Addr:          cfg.PlainAddr(),
		TLSAddr:       cfg.TLSAddr(),
		TLS:           tlsConf,
		PeerTLS:       cfg.peerTLS(),
		ClusterSecret: cfg.ClusterSecret,
		FollowerMode:  cfg.FollowerMode,
		Settings:      &settingsView{cfg: cfg, v: v, node: node, level: level, tls: tlsConf, log: logger},
		Logger:        logger,
	}, node)
	if err := srv.LoadConfig(redisParams(v)); err != nil {
		node.Shutdown()
		return fmt.Errorf("config: %w", err)
	}
	if err := srv.Listen(); err != nil {
		node.Shutdown()
		return err
	}
	logger.Info("quoris ready", "addr", cfg.PlainAddr(), "tls_addr", cfg.TLSAddr(), "raft_tls", raftTLS != nil, "raft", cfg.RaftAddr, "dir", cfg.Dir, "bootstrap", bootstrap, "log_store", node.LogStore())

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
