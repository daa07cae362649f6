# gatewatch: `make run` and `make test` do all set-up on a fresh Debian machine with Swift.
SWIFT ?= swift
CONFIG ?=
ARGS ?=
PYTHON := $(CURDIR)/.build-venv/bin/python3
export GATEWATCH_TEST_PYTHON := $(PYTHON)

.PHONY: demo run build release test sanitize deps deps-test deps-bench bench bench-render bench-scrape bench-ingest profile-ingest bench-probe bench-sim clean check-config

run: deps release
	./.build/release/gatewatch serve $(if $(CONFIG),--config $(CONFIG)) $(ARGS)

# The simulator plus serve on examples/demo.yml: live metrics without an API key (SCENARIO=...).
demo: deps release
	scripts/demo.sh

deps:
	@scripts/install-deps.sh run

deps-test:
	@scripts/install-deps.sh test

deps-bench:
	@scripts/install-deps.sh bench

build: deps
	$(SWIFT) build

release: deps
	scripts/with-revision.sh $(SWIFT) build -c release --product gatewatch

test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The test suite under AddressSanitizer, then log replay and serve with LeakSanitizer too, in a
# build of its own (.build-asan). Slower than `make test`, and not part of it.
sanitize: deps-test
	SWIFT=$(SWIFT) scripts/sanitize.sh

# Benchmarks: outside the test suite, each prints gatewatch's figures beside a competitor's.
bench: bench-render bench-scrape bench-ingest bench-probe bench-sim

bench-render: deps-bench
	$(SWIFT) build -c release --product GatewatchBench
	./.build/release/GatewatchBench render

bench-scrape: deps-bench
	scripts/bench-scrape.sh

bench-ingest: deps-bench
	scripts/bench-ingest.sh

# Where ingestion's instructions go (callgrind on the first 100,000 lines of the bench-ingest log).
profile-ingest: deps-bench
	scripts/bench-ingest/profile.sh $(or $(LINES),100000)

# Probe engine vs prometheus-blackbox-exporter: CPU per 1,000 HTTPS probes (PROBE_RATE probes/s for PROBE_SECONDS).
bench-probe: deps-bench
	scripts/bench-probe.sh $(or $(PROBE_RATE),50) $(or $(PROBE_SECONDS),30)

bench-sim: deps-bench
	$(SWIFT) build -c release --product gatewatch
	scripts/bench-sim.sh

clean:
	rm -rf .build .build-venv .build-profile .build-asan
