# imhooks: the two commands.
#   make demo   install missing Debian packages, build, run the demo (without $DISPLAY: under Xvfb,
#               screenshots of the whole demo and of each panel in build/demo*.png)
#   make test   install missing packages, build and run the tests: normal build, then
#               ThreadSanitizer (build-tsan) and AddressSanitizer + UBSan (build-asan) builds,
#               then the fuzzer (build-fuzz): its corpus once, then a bounded run, then the
#               compatibility stage (build-compat): the headless tests that go through Dear
#               ImGui's API (IMHOOKS_TESTS_IMGUI_ONLY) against Dear ImGui 1.90.1,
#               1.92.2b and the docking branch, and the add_subdirectory / FetchContent /
#               find_package consumers with their own ImGui (scripts/test-compat.sh)
# Also: make test-normal | test-tsan | test-asan | fuzz | fuzz-regress | test-compat | bench | clean

JOBS       ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo
CTEST_JOBS ?= 2
XVFB_RUN   := xvfb-run -a -s "-screen 0 1280x800x24"
DEMO       := build/demo/imhooks_demo
# The libFuzzer target (clang, AddressSanitizer + UBSan), in a build directory of its own.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ         := $(FUZZ_BUILD)/imhooks_fuzz

# Debug information as line tables only (-g1): backtraces and sanitizer reports still name files
# and lines, and the test builds compile in half the time full debug information takes.
NORMAL_FLAGS := -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
# The sanitizer builds carry the library, the tests and the demo (the window tests run it); the
# benchmarks only make sense in the normal build.
SAN_FLAGS := -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
	-DIMHOOKS_BUILD_BENCH=OFF

# One configuration at a time: each build already uses every core.
.NOTPARALLEL:

.PHONY: all deps build demo test test-normal test-tsan test-asan test-compat bench clean \
	fuzz-build fuzz-regress fuzz

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B build $(NORMAL_FLAGS)
	cmake --build build -j$(JOBS)

# Without a display: the whole demo once it has settled, then the panels alone (the blocking-call
# panel 1.5 s into a call, its progress bar moving; the network panel 2.5 s in, as it polls and
# never settles; the inspector only makes sense with the rest).
SCREENSHOTS ?= build
demo: build
	@if [ -n "$$DISPLAY" ]; then \
		$(DEMO) --settings build/imhooks_demo.ini; \
	else \
		echo "DISPLAY is not set: running the demo under Xvfb, screenshots in $(SCREENSHOTS)/demo*.png"; \
		$(XVFB_RUN) $(DEMO) --quit-when-ready --screenshot $(SCREENSHOTS)/demo.png && \
		for panel in primes mandelbrot errors states hooks search thumbnails; do \
			$(XVFB_RUN) $(DEMO) --panel $$panel --quit-when-ready \
				--screenshot $(SCREENSHOTS)/demo-$$panel.png || exit 1; \
		done && \
		$(XVFB_RUN) $(DEMO) --panel network --quit-after-ms 2500 \
			--screenshot $(SCREENSHOTS)/demo-network.png && \
		$(XVFB_RUN) $(DEMO) --panel blocking --start-call --quit-after-ms 1500 \
			--screenshot $(SCREENSHOTS)/demo-blocking.png; \
	fi

test: test-normal test-tsan test-asan fuzz test-compat

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

# Dear ImGui's sources are fetched once into build-compat/imgui-src (Debian's source packages,
# through a private apt configuration there); IMGUI_DOCKING_DIR overrides ../shared/imgui-docking.
test-compat: deps
	JOBS=$(JOBS) CTEST_JOBS=$(CTEST_JOBS) $(if $(IMGUI_DOCKING_DIR),IMGUI_DOCKING_DIR=$(IMGUI_DOCKING_DIR)) \
		bash scripts/test-compat.sh

bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIMHOOKS_BUILD_TESTS=OFF \
		-DIMHOOKS_BUILD_DEMO=ON -DIMHOOKS_BUILD_BENCH=ON
	cmake --build build-bench -j$(JOBS) --target imhooks_bench imhooks_plain_loop imhooks_demo
	python3 bench/run.py --build-dir build-bench

# The fuzzer: every input of fuzz/corpus once (a regression run), then FUZZ_SECONDS of fuzzing.
fuzz-build: deps

	CC=clang CXX=clang++ cmake -S fuzz -B $(FUZZ_BUILD)
	cmake --build $(FUZZ_BUILD) -j$(JOBS)

fuzz-regress: fuzz-build
	$(FUZZ) -timeout=10 -rss_limit_mb=4096 fuzz/corpus/*

fuzz: fuzz-regress
	@bash fuzz/run.sh $(FUZZ) $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf build build-tsan build-asan build-bench build-compat $(FUZZ_BUILD)
