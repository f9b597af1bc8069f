# The two commands a fresh Debian 12 clone needs: `make demo` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all bootstrap build demo test test-asan test-tsan test-tsan-ci fuzz bench format-check layout-check tidy package install clean

all: build

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -DROLLGATE_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@$(BUILD_DIR)/rollgate demo

test:
	@scripts/bootstrap.sh --test
	@$(MAKE) --no-print-directory build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The Debian package build/rollgate_<version>_<arch>.deb, from the build above (CPack only runs
# the install rules; nothing is compiled again). docs/install.md lists what it holds.
package:
	@scripts/bootstrap.sh --package
	@$(MAKE) --no-print-directory build
	@cd $(BUILD_DIR) && cpack -G DEB --config CPackConfig.cmake >cpack.log 2>&1 || { cat cpack.log; exit 1; }
	@sed -n 's/^CPack: - package: \(.*\) generated\.$$/\1/p' $(BUILD_DIR)/cpack.log

# The same tree as the package, under $(DESTDIR)$(PREFIX) (GNUInstallDirs; PREFIX=/usr for the
# package's paths), binaries stripped.
install:
	@scripts/bootstrap.sh --package
	@$(MAKE) --no-print-directory build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD_DIR) --prefix "$(PREFIX)" --strip

# A unity build (16 sources per compiler run) halves this build's time: at -O0 with ASan the
# cost is code generation for what every test file instantiates (gtest, gmock, json). The plain
# build of `make test` still compiles each file alone, so a missing #include is caught there
# (CI's plain build is a unity build too; there clang-tidy compiles each file of src/ alone).
test-asan:
	@scripts/bootstrap.sh --test
	@$(MAKE) --no-print-directory build BUILD_DIR=build-asan \
	  CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DROLLGATE_SANITIZE=address,undefined -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16"
	@ctest --test-dir build-asan --output-on-failure -j $(JOBS) $(if $(ASAN_EXCLUDE),-E '$(ASAN_EXCLUDE)')

# ThreadSanitizer (build-tsan/, docs/testing.md): serve, the mock, the curl loop and the exec
# threads. -O1 keeps TSan's slowdown near 5x; -g1 (line tables: reports keep file:line) costs
# 30-45% less compile CPU than -g; a unity build like test-asan's. Each ctest test
# gets TSAN_OPTIONS (tests/tsan.supp) from CMake, so a plain `ctest --test-dir build-tsan`
# runs the same way. TSAN_TESTS narrows the run to a ctest regex, e.g. TSAN_TESTS='^Serve';
# TSAN_EXCLUDE leaves out the tests its regex matches.
TSAN_TESTS ?=
TSAN_EXCLUDE ?=
test-tsan:
	@scripts/bootstrap.sh --test
	@$(MAKE) --no-print-directory build BUILD_DIR=build-tsan \
	  CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -g1' -DROLLGATE_SANITIZE=thread -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16"
	@ctest --test-dir build-tsan --output-on-failure -j $(JOBS) \
	  $(if $(TSAN_TESTS),-R '$(TSAN_TESTS)') $(if $(TSAN_EXCLUDE),-E '$(TSAN_EXCLUDE)')

# The part of the TSan suite CI runs (the whole of it does not fit CI's time; docs/testing.md):
# serve, the mock and the HTTP server under it, the runner (gate, fleet) with its curl loop,
# exec probes, cancellation and the drill. TSAN_CI_EXCLUDE: tests whose wall-time bounds are
# tighter than TSan's slowdown (promptness against a few hundred ms, or a takeover that must
# fall in one 20 s slot); they run in `make test` and `make test-asan`.
TSAN_CI_TESTS := ^(Serve|Mock|HttpServer|WorkerPool|Runner|Fleet|GateE2e|CurlTransport|Probe|CancelToken|SubprocessGroup|Interrupt|Drill|NginxDrill|RouteAction)[A-Za-z0-9]*\.
TSAN_CI_EXCLUDE := ^(ServeSlowClientsTest\.TheMockAnswersWithAHundredSlowClientsOpen|MockScenariosTest\.SlowBodyTricklesAfterPromptHeaders|MockObservationsTest\.MeasuresTheClientTimeoutBeforeTheHeaders|CurlTransportTest\.RequestsRunConcurrentlyOnOneLoop|CurlTransportTest\.MaxInFlightQueuesAndTimesFromLaunch|ServeReplicasE2eTest\.AReplicaKilledMidRunLeavesItsSlotToTheOther)$$
test-tsan-ci:
	@$(MAKE) --no-print-directory test-tsan TSAN_TESTS='$(TSAN_CI_TESTS)' TSAN_EXCLUDE='$(TSAN_CI_EXCLUDE)'

# libFuzzer targets with clang, ASan and UBSan; FUZZ_SECONDS per target (default 60).
fuzz:
	@scripts/bootstrap.sh --fuzz
	@scripts/fuzz.sh

# Benchmarks: each figure beside its target (bench/RESULTS.md has the method and the numbers).
bench:
	@scripts/bootstrap.sh --bench
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DROLLGATE_BUILD_TESTS=OFF -DROLLGATE_BUILD_BENCH=ON >/dev/null
	@cmake --build build-bench -j $(JOBS) --target rollgate sse_parser_bench runstat >/dev/null
	@bench/run.sh

# Every C++ file against .clang-format (clang-format-14, nothing rewritten): lists the files
# that differ; scripts/format_check.sh --fix rewrites them.
format-check:
	@scripts/bootstrap.sh --lint
	@scripts/format_check.sh

# The shape STYLE.md promises: src/cli/ includes only the public API (rollgate/...) and cli/...;
# no C++ file over 500 lines. Seconds; CI runs it with format-check.
layout-check:
	@scripts/layout_check.sh

# clang-tidy-14 with .clang-tidy over src/, from the compile commands of the build above
# (scripts/tidy.sh; CI runs it last). -Wno-unknown-warning-option: the commands
# are g++'s (-Wshadow=local), which clang reads. Every finding is an error and fails the target;
# where a check is wrong about one line, that line says NOLINT(check) and why. TIDY_FILES, a
# regex over the sources' absolute paths, narrows the run: `make tidy TIDY_FILES=src/mock/`.
TIDY_FILES ?= $(CURDIR)/src/
tidy:
	@scripts/bootstrap.sh --lint
	@$(MAKE) --no-print-directory build
	@scripts/tidy.sh $(BUILD_DIR) $(JOBS) "$(TIDY_FILES)"

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz build-bench
