# The two commands: `make run` and `make test`. Both install what is missing
# (scripts/install-deps.sh), configure and build with CMake into build/.
BUILD   ?= build
JOBS    ?= 2
WERROR  ?= $(or $(PHAROS_WERROR),OFF)
CMAKE_FLAGS ?=

.PHONY: all deps configure build binary run test test-tsan bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	@cmake -S . -B $(BUILD) -DPHAROS_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null

configure: $(BUILD)/CMakeCache.txt
	@cmake -S . -B $(BUILD) -DPHAROS_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null

build: deps configure
	@cmake --build $(BUILD) -j$(JOBS)

# The server binary alone, without the tests.
binary: deps configure
	@cmake --build $(BUILD) -j$(JOBS) --target pharos

run: binary
	$(BUILD)/pharos --config.file=configs/pharos.yml --storage.tsdb.path=data \
	  --web.listen-address=127.0.0.1:9090

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600

# Only the ThreadSanitizer tests (also part of `make test`): the concurrency
# test against the engine compiled with -fsanitize=thread
# (tests/tsdb/CMakeLists.txt builds that variant in the normal tree).
test-tsan: deps configure
	@cmake --build $(BUILD) -j$(JOBS) --target tsdb_concurrency_test_tsan
	cd $(BUILD) && ctest --output-on-failure -L tsan

bench: binary
	$(BUILD)/pharos tsdb bench --out /tmp/pharos-bench

clean:
	rm -rf $(BUILD) build-tsan
