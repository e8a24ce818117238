# crawld: the two commands of the README, and the benchmarks.
#   make run    install what is missing, build in release mode, check, then start crawld on scripts/
#               with the dashboard on http://127.0.0.1:7071/dashboard
#   make test   install what is missing, run the whole test suite
#   make bench  run the benchmarks (see README, "Benchmarks")
#   make lint   swift-format's lint (.swift-format) and Package.swift's dependencies against the imports
#   make fuzz   build the libFuzzer targets of Fuzz/ and run each for FUZZ_SECONDS
#   make fuzz-ci  the same, 7 s per target: 70 s of fuzzing for the ten targets

# Debian packages the daemon and its tests need; libcurl4-openssl-dev because the release build
# links Foundation statically, and its FoundationNetworking links libcurl.
APT_PACKAGES := pkg-config liblua5.4-dev libhiredis-dev libxml2-dev zlib1g-dev libjemalloc-dev libpsl-dev libcurl4-openssl-dev publicsuffix redis-server \
                chromium-headless-shell netcat-openbsd python3 python3-lxml python3-venv prometheus nginx-light
# Only the benchmarks need these.
BENCH_PACKAGES := wrk redis-tools python3.11-doc postgresql-doc-15 wget2 valgrind

LISTEN ?= 127.0.0.1:7070
HTTP   ?= 127.0.0.1:7071
REDIS  ?= redis://127.0.0.1:6379
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# A crash of the release binary prints a backtrace only if SWIFT_BACKTRACE names a backtracer:
# the static runtime has no toolchain folder beside it to find one in. This is the toolchain's.
BACKTRACER := $(realpath $(dir $(realpath $(shell command -v swift)))../libexec/swift/linux/swift-backtrace-static)

FUZZ_SECONDS ?= 60

.PHONY: deps test-deps bench-deps build release-flags run test lint bench fuzz fuzz-ci clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# circus, whose real watchdog plugin restarts a hung crawld in DaemonWatchdogTests;
# mcp, the MCP client from PyPI that DaemonMCPTests drives `crawld mcp` with.
test-deps: deps
	@[ -x Tests/.venv/bin/circusd ] || { python3 -m venv Tests/.venv && Tests/.venv/bin/pip install -q circus; }
	@Tests/.venv/bin/python -c 'import mcp' 2>/dev/null || Tests/.venv/bin/pip install -q mcp

bench-deps: deps
	@missing=$$(for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The Swift runtime and Foundation linked into the binary: a start touches fewer pages and
# relocates fewer pointers (docs/benchmarks.md, "a static runtime"). Every function in a
# section of its own, and none merged into a nameless shared body, so that the link can lay
# out the functions crawld runs together (Sources/crawld/symbol-order.txt; docs/benchmarks.md,
# "code laid out by use"). The benchmarks build with the same flags (Benchmarks/scripts/build.sh
# reads them here), so they measure this binary.
RELEASE_FLAGS := --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections \
                 -Xswiftc -Xfrontend -Xswiftc -disable-llvm-merge-functions-pass

build: deps
	swift build -c release $(RELEASE_FLAGS) --product crawld

release-flags:
	@echo $(RELEASE_FLAGS)

# Starts a local redis-server when none answers, so stats persist; crawld
# itself runs without Redis too (--redis none).
run: build
	@if [ "$(REDIS)" = "redis://127.0.0.1:6379" ] && ! redis-cli -p 6379 ping >/dev/null 2>&1; then \
	  redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null && echo "started redis-server on 127.0.0.1:6379"; \
	fi
	.build/release/crawld --check --config scripts/ --listen $(LISTEN) --http $(HTTP) --redis $(REDIS)
	@echo "dashboard: http://$(HTTP)/dashboard   metrics: http://$(HTTP)/metrics"
	SWIFT_BACKTRACE=$(if $(BACKTRACER),swift-backtrace=$(BACKTRACER)) \
	  .build/release/crawld --config scripts/ --listen $(LISTEN) --http $(HTTP) --redis $(REDIS)

# Suites that attack a real daemon and bound how fast it still answers run
# one test at a time, after the others: beside each other on two cores, a
# liveness bound would measure the other tests' load, not crawld.
SOLO_SUITES := DaemonAdaptivePolitenessTests|DaemonHostileSiteTests|DaemonClusterCrawlTests|DaemonClusterCrawlControlTests|DaemonClusterCleanupTests|DaemonClusterIdentityTests|DaemonContainmentTests|DaemonCrawlCeilingTests|DaemonHTTPDeadlineTests|DaemonPartialLineTests|DaemonWatcherTests|DaemonRequestMemoryTests|DaemonWatchdogTests|DaemonJobResultsTests|DaemonJobFilesTests|DaemonBrowserDenyPrivateTests|DaemonAuthTests|DaemonLifetimeTests

test: test-deps
	swift build --build-tests
	swift test --skip-build --skip '$(SOLO_SUITES)'
	swift test --skip-build --no-parallel --filter '$(SOLO_SUITES)'

# The code as .swift-format describes it (`swift format --in-place -r …` fixes it),
# and every target's dependencies exactly its imports.
lint:
	swift format lint --strict -r Sources Tests Benchmarks/Sources Fuzz
	python3 .ci/check-package-deps.py

bench: bench-deps
	Benchmarks/scripts/run-all.sh

fuzz: deps
	Fuzz/run.sh $(FUZZ_SECONDS)

fuzz-ci: deps
	Fuzz/run.sh 7

clean:
	rm -rf .build .build-fuzz Benchmarks/.build
