# Front door, in the way of DuckDB's repository: `make run`, `make test`, `make build`.
BUILD_DIR ?= build/release
GENERATOR ?= Ninja
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: setup build run test bench clean format fuzz asan tsan

setup:
	./scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Release

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/kalamdb-server --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	@ls $(BUILD_DIR)/bench/ 2>/dev/null | grep -E '^bench_' || echo "no benchmarks built"

clean:
	rm -rf build

# Formats every C++ source and header of src/ tests/ bench/ fuzz/ in place with the pinned
# .clang-format (Debian's clang-format 14, installed by `scripts/setup.sh --format`).
CLANG_FORMAT ?= clang-format
FORMAT_DIRS = src tests bench fuzz
format:
	./scripts/setup.sh --format
	find $(FORMAT_DIRS) -type f \( -name '*.h' -o -name '*.cc' \) -print0 | xargs -0 $(CLANG_FORMAT) -i --style=file

# Sanitizer and fuzz builds (README "Sanitizers and fuzzing"), with clang from
# `scripts/setup.sh --sanitizers`. -O1 with line tables: reports name file and line, and the
# instrumented suite still runs in minutes.
SAN_CXX ?= clang++-14
# Warnings are errors in `make test`'s GCC build; clang's other warnings are reported here but
# not fatal, while its thread-safety analysis is (CMakeLists.txt).
SAN_CMAKE = -G $(GENERATOR) -DCMAKE_CXX_COMPILER=$(SAN_CXX) -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" -DKALAM_WERROR=OFF
SAN_SUPP = $(CURDIR)/scripts/sanitizers
# Exported to the build too: test discovery runs the instrumented test binaries.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions=$(SAN_SUPP)/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$(SAN_SUPP)/ubsan.supp
TSAN_ENV = TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(SAN_SUPP)/tsan.supp
# Seconds each fuzz target runs and how many run at once; empty = fuzz/run_fuzzers.sh's
# defaults (one per CPU, and about ten minutes for the whole run).
FUZZ_SECONDS ?=
FUZZ_JOBS ?=
# The live-query and server tests, which are where the threads are.
TSAN_TESTS = live_test server_test sql_endpoint_test row_filter_test live_query_manager_test fairness_test worker_pool_test

fuzz:
	./scripts/setup.sh --sanitizers
	cmake -S . -B build/fuzz $(SAN_CMAKE) -DKALAM_FUZZ=ON
	$(ASAN_ENV) cmake --build build/fuzz -j $(JOBS) --target fuzz_targets
	$(ASAN_ENV) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) ./fuzz/run_fuzzers.sh build/fuzz

asan:
	./scripts/setup.sh --sanitizers
	cmake -S . -B build/asan $(SAN_CMAKE) -DKALAM_SANITIZE=address
	$(ASAN_ENV) cmake --build build/asan -j $(JOBS)
	cd build/asan && $(ASAN_ENV) ctest --output-on-failure -j $(JOBS) --timeout 1200

tsan:
	./scripts/setup.sh --sanitizers
	cmake -S . -B build/tsan $(SAN_CMAKE) -DKALAM_SANITIZE=thread
	$(TSAN_ENV) cmake --build build/tsan -j $(JOBS) --target kalamdb-server $(TSAN_TESTS)
	cd build/tsan && $(TSAN_ENV) ctest --output-on-failure -j $(JOBS) --timeout 1200 \
		-R '^($(shell echo $(TSAN_TESTS) | tr ' ' '|'))\.'

