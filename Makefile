# Front door, in the way of DuckDB's repository: `make run`, `make test`, `make build`.
BUILD_DIR ?= build/release
GENERATOR ?= Ninja
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: setup build run test bench clean format

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
