#!/usr/bin/env bash
# End-to-end test in a real window: start the whole demo, let the primes panel count up to 30 M,
# click Cancel, then Retry, and check through the demo's own output that the run was cancelled,
# that the new run counted the right number of primes, and that SIGINT ends the demo cleanly.
#
#   click_primes.sh DEMO_EXECUTABLE     (under xvfb-run, with xdotool)
set -euo pipefail
demo=${1:?usage: click_primes.sh DEMO_EXECUTABLE}
source "$(dirname "$0")/common.sh"

title="imhooks primes test $$"
start_demo "$demo" --title "$title" --print-state --print-layout --print-frames \
    --primes-limit 30000000
find_window "$title"

wait_for_line "primes: RUNNING"
click primes.cancel
wait_for_line "primes: CANCELLED"
say "the run was cancelled"

click primes.retry
wait_for_count "primes: RUNNING" 2
say "a new run started"
wait_for_line "primes: FINISHED 1857859 below 30000000"
say "the new run counted 1,857,859 primes below 30,000,000"

# Everything the panel showed, in order. A run waits in the executor's queue (STARTING) until a
# worker takes it: a frame may show that, or the worker may be quicker than the frame.
shown=$(grep -E '^primes: ' "$out" | paste -sd, -)
expected='^primes: INITIAL,(primes: STARTING,)?primes: RUNNING,primes: CANCELLED,(primes: STARTING,)?primes: RUNNING,primes: FINISHED 1857859 below 30000000$'
[[ "$shown" =~ $expected ]] || fail "unexpected sequence of states: $shown"

kill -INT "$pid"
wait_for_exit
[[ $status -eq 0 ]] || fail "the demo exited with status $status after SIGINT"
grep -Eq "^frames rendered: [0-9]+$" "$out" || fail "no 'frames rendered: N' after SIGINT"
say "$(grep -E '^frames rendered: ' "$out")"
say "OK"
