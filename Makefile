# imhooks: the two commands.
#   make demo   install missing Debian packages, build, run the demo (under Xvfb without $DISPLAY:
#               a few frames and a screenshot in build/demo.png)
#   make test   install missing packages, build and run the tests: normal build, then
#               ThreadSanitizer (build-tsan) and AddressSanitizer + UBSan (build-asan) builds
# Also: make test-normal | test-tsan | test-asan | bench | clean

JOBS       ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo
CTEST_JOBS ?= 2
XVFB_RUN   := xvfb-run -a -s "-screen 0 1280x800x24"
DEMO       := build/demo/imhooks_demo

# The sanitizer builds carry the library, the tests and the demo (the window tests run it); the
# benchmarks only make sense in the normal build.
SAN_FLAGS := -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DIMHOOKS_BUILD_BENCH=OFF

# One configuration at a time: each build already uses every core.
.NOTPARALLEL:

.PHONY: all deps build demo test test-normal test-tsan test-asan bench clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build build -j$(JOBS)

demo: build
	@if [ -n "$$DISPLAY" ]; then \
		$(DEMO); \
	else \
		echo "DISPLAY is not set: running the demo under Xvfb for 10 frames"; \
		$(XVFB_RUN) $(DEMO) --frames 10 --screenshot build/demo.png; \
	fi

test: test-normal test-tsan test-asan

test-normal: build
	ctest --test-dir build --output-on-failure -j$(CTEST_JOBS)

test-tsan: deps
	cmake -S . -B build-tsan -DSAN=thread $(SAN_FLAGS)
	cmake --build build-tsan -j$(JOBS)
	ctest --test-dir build-tsan --output-on-failure -j$(CTEST_JOBS)

test-asan: deps
	cmake -S . -B build-asan -DSAN=address $(SAN_FLAGS)
	cmake --build build-asan -j$(JOBS)
	ctest --test-dir build-asan --output-on-failure -j$(CTEST_JOBS)

bench: build
	@bench=$$(find build -type f -name imhooks_bench -perm -u+x | head -n 1); \
	if [ -n "$$bench" ]; then "$$bench"; else echo "bench: no imhooks_bench target yet"; fi

clean:
	rm -rf build build-tsan build-asan
