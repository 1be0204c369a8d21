#!/usr/bin/env bash
# The compatibility stage of `make test`: imhooks' core and the tests of its headless suite whose
# behaviour goes through Dear ImGui's API (tests/CMakeLists.txt, IMHOOKS_TESTS_IMGUI_ONLY) built
# and run against other Dear ImGui versions than Debian 12's 1.86, each as an installed ImGui CMake
# package
# (find_package(imgui CONFIG) -> imgui::imgui, tests/compat/imgui/):
#   1.90.1            Debian's source package imgui 1.90.1+ds-1   (scripts/fetch-imgui.sh)
#   1.92.2b           Debian's source package imgui 1.92.2b+ds-1  (scripts/fetch-imgui.sh), and
#                     with it the consumer tests: add_subdirectory and FetchContent with the
#                     application's own ImGui target, find_package against the installed ImGui
#                     (only there: the other two build without install rules)
#   docking 1.92.9b   the docking branch in ../shared/imgui-docking (IMGUI_DOCKING_DIR), compiled
#                     with IMGUI_DISABLE_OBSOLETE_FUNCTIONS; skipped with a message when absent
# Each configuration is built once, with only what the headless suite needs (no demo, runner,
# benchmarks or window tests). Everything goes to COMPAT_BUILD (default build-compat/).
# Prints a table; exits 1 when a configuration failed.
#
#   scripts/test-compat.sh [NAME...]      NAME: 1.90.1, 1.92.2b, docking (default: all three)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
root=${COMPAT_BUILD:-build-compat}
mkdir -p "$root"
root=$(cd "$root" && pwd)
jobs=${JOBS:-$(nproc)}
ctest_jobs=${CTEST_JOBS:-2}
docking_dir=${IMGUI_DOCKING_DIR:-$repo/../shared/imgui-docking}

wanted=("$@")
if [[ ${#wanted[@]} -eq 0 ]]; then
    wanted=(1.90.1 1.92.2b docking)
fi
want() {
    local name
    for name in "${wanted[@]}"; do [[ "$name" == "$1" ]] && return 0; done
    return 1
}

stage_start=$SECONDS
fetch=()
want 1.90.1 && fetch+=(1.90.1+ds-1)
want 1.92.2b && fetch+=(1.92.2b+ds-1)
if [[ ${#fetch[@]} -gt 0 ]]; then
    bash scripts/fetch-imgui.sh "$root/imgui-src" "${fetch[@]}" || {
        echo "compat: cannot fetch Dear ImGui's sources" >&2
        exit 1
    }
fi

rows=()
failed=0

# run_config NAME SOURCE_DIR IMGUI_DEFINITIONS [IMHOOKS CMAKE ARGS...]
run_config() {
    local name=$1 source=$2 definitions=$3
    shift 3
    local dir="$root/$name" start=$SECONDS
    local imgui_step="-" configure="-" build="-" tests="-"
    local log="$dir/compat.log"
    mkdir -p "$dir"
    : >"$log"
    echo "compat: === Dear ImGui $name ($source) ==="
    # 1. Dear ImGui as an installed CMake package.
    # Optimised, but with ImGui's assertions live (no NDEBUG): a misuse in a test fails it.
    if cmake -S tests/compat/imgui -B "$dir/imgui-build" -DCMAKE_BUILD_TYPE=Release \
           -DCMAKE_CXX_FLAGS_RELEASE=-O2 \
           -DIMGUI_SOURCE_DIR="$source" "-DIMGUI_DEFINITIONS=$definitions" >>"$log" 2>&1 &&
       cmake --build "$dir/imgui-build" -j"$jobs" >>"$log" 2>&1 &&
       cmake --install "$dir/imgui-build" --prefix "$dir/imgui-prefix" >>"$log" 2>&1; then
        imgui_step=ok
    else
        imgui_step=FAILED
    fi
    # 2. imhooks against it: the library, the headless harness, the headless tests.
    if [[ $imgui_step == ok ]]; then
        # -O1: a fifth less compile time than -O3, for tests that measure no speed.
        if cmake -S . -B "$dir/build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" \
               -DCMAKE_PREFIX_PATH="$dir/imgui-prefix" \
               -DIMHOOKS_BUILD_DEMO=OFF -DIMHOOKS_BUILD_RUNNER=OFF -DIMHOOKS_BUILD_BENCH=OFF \
               -DIMHOOKS_BUILD_TESTS=ON -DIMHOOKS_TESTS_IMGUI_ONLY=ON "$@" >>"$log" 2>&1; then
            configure=ok
            if cmake --build "$dir/build" -j"$jobs" >>"$log" 2>&1; then
                build=ok
                if ctest --test-dir "$dir/build" --output-on-failure -j"$ctest_jobs" >>"$log" 2>&1; then
                    tests=passed
                else
                    tests=FAILED
                fi
            else
                build=FAILED
            fi
        else
            configure=FAILED
        fi
    fi
    local seconds=$((SECONDS - start))
    local summary
    summary=$(grep -E "tests passed|tests failed out of" "$log" | tail -n 1)
    rows+=("$(printf '%-18s %-14s %-10s %-8s %-8s %5ss  %s' "$name" "$imgui_step" "$configure" \
        "$build" "$tests" "$seconds" "$summary")")
    if [[ $imgui_step != ok || $configure != ok || $build != ok || $tests != passed ]]; then
        failed=1
        echo "compat: Dear ImGui $name FAILED (log: $log); the end of the log:"
        grep -E "error|Error|FAILED|Failed|\*\*\*" "$log" | head -n 40
    else
        echo "compat: Dear ImGui $name: $summary (${seconds}s)"
    fi
}

# The consumers (the installed package's among them) run once, with 1.92.2b.
if want 1.90.1; then
    run_config 1.90.1 "$root/imgui-src/imgui-1.90.1" "" -DIMHOOKS_INSTALL=OFF
fi
if want 1.92.2b; then
    run_config 1.92.2b "$root/imgui-src/imgui-1.92.2b" "" \
        -DIMHOOKS_TEST_CONSUMERS_IMGUI_DIR="$root/imgui-src/imgui-1.92.2b"
fi
if want docking; then
    if [[ -f "$docking_dir/imgui.h" ]]; then
        docking_dir=$(cd "$docking_dir" && pwd)
        version=$(sed -n 's/^#define IMGUI_VERSION *"\(.*\)"/\1/p' "$docking_dir/imgui.h")
        run_config "docking-$version" "$docking_dir" IMGUI_DISABLE_OBSOLETE_FUNCTIONS \
            -DIMHOOKS_INSTALL=OFF
    else
        echo "compat: the docking branch is not in $docking_dir (IMGUI_DOCKING_DIR): skipped"
        rows+=("$(printf '%-18s %s' docking "skipped: no $docking_dir")")
    fi
fi

echo
echo "compat: Dear ImGui versions (each as an installed CMake package), $((SECONDS - stage_start))s in all"
printf '%-18s %-14s %-10s %-8s %-8s %6s  %s\n' "Dear ImGui" "imgui package" configure build tests time ctest
for row in "${rows[@]}"; do echo "$row"; done
exit $failed
