#!/usr/bin/env bash
# Runs the fuzzer for a bounded time and prints its figures; exits non-zero when it found a crash,
# a hang, a leak or a violated rule (the input is then saved in the build directory).
#   fuzz/run.sh FUZZER BUILD_DIR SECONDS
set -uo pipefail
fuzzer=$1
build=$2
seconds=$3
corpus_dir=$(cd "$(dirname "$0")" && pwd)/corpus

# New inputs go to a corpus in the build directory; the committed seed corpus is only read.
mkdir -p "$build/corpus"
log="$build/fuzz.log"
start=$(date +%s)
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=512 \
    -print_final_stats=1 -artifact_prefix="$build/" "$build/corpus" "$corpus_dir" >"$log" 2>&1
status=$?
elapsed=$(($(date +%s) - start))

last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}'; }
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
echo "fuzz: ${elapsed} s, $(stat number_of_executed_units) executions" \
    "($(stat average_exec_per_sec)/s), coverage ${cov:-?} edges, ${ft:-?} features," \
    "corpus ${corp:-?} (units/bytes), $(stat new_units_added) new units," \
    "peak RSS $(stat peak_rss_mb) MB"
if [[ $status -ne 0 ]]; then
    echo "fuzz: FAILED (exit $status); the end of $log:" >&2
    grep -E 'VIOLATION|ERROR:|SUMMARY:|Test unit written|runtime error' "$log" | head -n 20 >&2
    exit "$status"
fi
echo "fuzz: no crash, hang, leak or violated rule"
