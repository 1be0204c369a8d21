#!/usr/bin/env bash
# End-to-end test in a real window: the blocking-call panel places a call that blocks in poll()
# for 4 s; Cancel must end it at once through its std::stop_callback, long before the server
# would have answered. Then Retry places a new call, which ends normally when the server answers.
#
#   click_blocking_call.sh DEMO_EXECUTABLE     (under xvfb-run, with xdotool)
set -euo pipefail
demo=${1:?usage: click_blocking_call.sh DEMO_EXECUTABLE}
source "$(dirname "$0")/common.sh"

title="imhooks blocking call test $$"
start_demo "$demo" --title "$title" --panel blocking --start-call --print-state --print-layout
find_window "$title"

wait_for_line "call: RUNNING after [0-9.]+ s"
click call.cancel
wait_for_line "call: CANCELLED after [0-9.]+ s"
# Seconds between the start of the run and the frame that showed it cancelled: well under the
# server's 4 s, so the stop_callback did interrupt poll().
seconds=$(grep -E '^call: CANCELLED after ' "$out" | head -n 1 | awk '{print $4}')
say "cancelled after $seconds s"
awk -v s="$seconds" 'BEGIN { exit !(s < 3.0) }' ||
    fail "the call was cancelled only after $seconds s: the stop_callback did not unblock it"

click call.retry
wait_for_line "call: FINISHED after [0-9.]+ s"
say "the retried call finished: $(grep -E '^call: FINISHED' "$out")"

kill -TERM "$pid"
wait_for_exit
[[ $status -eq 0 ]] || fail "the demo exited with status $status after SIGTERM"
say "OK"
