# quoris: a Redis-compatible, Raft-replicated in-memory database.
GO       ?= go
BIN      := bin/quoris-server
PKGS     := ./...
# The test suite's time bound on 2 cores; longer torture runs have their own target.
TEST_TIMEOUT ?= 15m

.PHONY: all build test unit deps run cluster clean vet fmt torture compare bench fuzz

all: build

build:
	$(GO) build -o $(BIN) ./cmd/quoris-server

# deps installs what the differential tests compare against (Debian's
# redis-server and redis-tools). Without root or apt-get it says so and
# goes on: those tests then skip with a message.
deps:
	@if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then \
		echo "deps: redis-server present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get install -y -qq redis-server redis-tools >/dev/null 2>&1 || \
		 (apt-get update -qq && apt-get install -y -qq redis-server redis-tools >/dev/null)) && \
		echo "deps: installed redis-server"; \
		(systemctl stop redis-server >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || \
		 redis-cli -p 6379 shutdown nosave >/dev/null 2>&1) || true; \
	else \
		echo "deps: redis-server missing and cannot install it (not root); differential tests will skip"; \
	fi
	@if ! command -v nft >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get install -y -qq nftables >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nftables >/dev/null) || \
		echo "deps: could not install nftables; partition faults will skip"; \
	fi
	@# The real-client tests (integration/clients_test.go): node-redis and
	@# ioredis from integration/clients/package-lock.json, redis-py from Debian.
	@if command -v npm >/dev/null 2>&1; then \
		(cd integration/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null) && echo "deps: npm client libraries installed" || \
		echo "deps: npm ci failed in integration/clients; the Node.js client tests will skip"; \
	else \
		echo "deps: npm missing; the Node.js client tests will skip"; \
	fi
	@if ! /usr/bin/python3 -c 'import redis' >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get install -y -qq python3-redis >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq python3-redis >/dev/null) || \
		echo "deps: could not install python3-redis; the redis-py client test will skip"; \
	fi

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -l -w .

# test: vet, then every package with the race detector, integration
# tests included (they build and start real quoris-server processes).
test: deps vet
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

unit:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /integration)

# fuzz: every fuzz target (func FuzzXxx in a _test.go) for FUZZTIME each.
# `make test` runs their seed corpora (and any crashers committed under
# testdata/fuzz) as ordinary tests; this explores further. A crasher is
# written to the package's testdata/fuzz/<target>/: fix it and commit it.
FUZZTIME ?= 60s
fuzz:
	@set -e; for file in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		pkg=$$(dirname $$file); \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
			echo "fuzz: $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# torture: the long fault-injection campaign (the short seeded version runs
# in `make test`). Partitions need root and nftables, which this installs.
TORTURE_RUNS     ?= 50
TORTURE_DURATION ?= 60s
TORTURE_SEED     ?= 1
torture: deps
	@if [ "$$(id -u)" = 0 ] && ! command -v nft >/dev/null 2>&1; then apt-get install -y -qq nftables >/dev/null; fi
	@mkdir -p torture-out
	@QUORIS_TORTURE_RUNS=$(TORTURE_RUNS) QUORIS_TORTURE_DURATION=$(TORTURE_DURATION) QUORIS_TORTURE_SEED=$(TORTURE_SEED) \
	QUORIS_TORTURE_OUT=$(CURDIR)/torture-out QUORIS_TORTURE_REPORT=$(CURDIR)/torture-out/report.txt \
	$(GO) test -count=1 -timeout 0 -run 'TestTorture$$' -v ./integration/ > torture-out/log.txt 2>&1; rc=$$?; \
	grep -E '^(--- |ok|FAIL)|NOT LINEARIZABLE|acknowledged writes lost' torture-out/log.txt; \
	cat torture-out/report.txt 2>/dev/null; echo "full log: torture-out/log.txt"; exit $$rc

# compare: the torture workloads against Redis as deployed for failover
# (primary, two replicas, three Sentinels; async replication, and with
# WAIT 1 0 after each write) and against quoris, under the same seeded
# kill/partition/pause faults (docs/consistency.md). 15 minutes on a busy
# 2-core machine; QUORIS_COMPARE_* variables tune it. Report: compare-out/report.txt.
compare: deps
	@mkdir -p compare-out
	@(QUORIS_COMPARE=1 QUORIS_COMPARE_REPORT=$(CURDIR)/compare-out/report.txt \
	  $(GO) test -count=1 -timeout 0 -run 'TestRedisSentinelComparison$$' -v ./integration/ 2>&1; echo $$? > compare-out/rc) | \
	  grep --line-buffered -v '^\s*time=' | tee compare-out/test.log | grep --line-buffered -E '^(---|===|ok|FAIL|PASS)|^\s+---|redis_compare_test.go|^\s+(system|redis/|quoris) '
	@cat compare-out/report.txt 2>/dev/null; exit $$(cat compare-out/rc)

# bench: redis-server (appendfsync always / everysec) vs 1- and 3-node quoris
# under the same redis-benchmark workloads on this machine; prints one
# table, then the other bars (snapshot stall, memory, recovery, failover,
# pub/sub delivery next to redis-server).
# Options: make bench BENCH_ARGS='-runs 1 -only "^SET" -bars none' or
# BENCH_ARGS='-only "^$$" -bars memory,recovery -keys 100000'; add
# '-profile DIR' for CPU profiles of every node and where the CPU goes
# (docs/performance.md).
bench: build deps
	$(GO) run ./cmd/quoris-bench -quoris $(BIN) $(BENCH_ARGS)

# run: a single durable node on 127.0.0.1:6379 with data under ./data.
run: build
	./$(BIN)

# cluster: three local nodes in the foreground; Ctrl-C stops all of them.
cluster: build
	@trap 'kill 0' INT TERM EXIT; \
	./$(BIN) --config configs/node1.yaml & \
	sleep 1; \
	./$(BIN) --config configs/node2.yaml & \
	./$(BIN) --config configs/node3.yaml & \
	wait

clean:
	rm -rf bin data data-node1 data-node2 data-node3
