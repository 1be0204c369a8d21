#!/usr/bin/env bash
# Keys in a real window: xdotool sends ctrl+a as four events at once (ctrl down, a down, a up,
# ctrl up), which reach the runner in one batch. Every chord must be seen as "ctrl+a" (with
# ImGui 1.86, whose key state is read once per frame, the runner spreads them over two frames),
# and a plain a as "a".
#
#   fast_chord.sh RUNNER_PROBE     (under xvfb-run, with xdotool)
set -euo pipefail
probe=${1:?usage: fast_chord.sh RUNNER_PROBE}
source "$(dirname "$0")/common.sh"

title="imhooks chord test $$"
start_demo "$probe" --title "$title" --print-ready --print-frames
find_window "$title"
wait_for_line "ready after [0-9]+ frames"

for i in 1 2 3 4; do
    xdotool key --delay 0 ctrl+a
    wait_for_count "key: ctrl\+a" "$i"
done
say "ctrl+a seen 4 times out of 4"
xdotool key --delay 0 a
wait_for_line "key: a"
say "a seen"
[[ $(grep -Ecx "key: .*" "$out") -eq 5 ]] || fail "unexpected keys: $(grep -E '^key: ' "$out" | paste -sd,)"

kill -TERM "$pid"
wait_for_exit
[[ $status -eq 0 ]] || fail "the probe exited with status $status after SIGTERM"
say "OK"
