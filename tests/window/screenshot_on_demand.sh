#!/usr/bin/env bash
# Screenshots at any moment: the probe settles (and then sleeps, rendering nothing); SIGUSR1 must
# wake it and write DIR/shot-1.png of the next frame, then the F12 key DIR/shot-2.png. The
# content of both is checked by the runner_png_on_demand_* tests.
#
#   screenshot_on_demand.sh RUNNER_PROBE DIR     (under xvfb-run, with xdotool)
set -euo pipefail
probe=${1:?usage: screenshot_on_demand.sh RUNNER_PROBE DIR}
dir=${2:?usage: screenshot_on_demand.sh RUNNER_PROBE DIR}
source "$(dirname "$0")/common.sh"

mkdir -p "$dir"
rm -f "$dir"/shot-*.png
title="imhooks screenshot test $$"
start_demo "$probe" --title "$title" --print-ready --print-frames \
    --screenshot-pattern "$dir/shot-{n}.png"
find_window "$title"
wait_for_line "ready after [0-9]+ frames"

kill -USR1 "$pid"
wait_for_line "screenshot: $dir/shot-1\.png"
[[ -s "$dir/shot-1.png" ]] || fail "$dir/shot-1.png was announced but not written"
say "SIGUSR1: $dir/shot-1.png"

xdotool key F12
wait_for_line "screenshot: $dir/shot-2\.png"
[[ -s "$dir/shot-2.png" ]] || fail "$dir/shot-2.png was announced but not written"
say "F12: $dir/shot-2.png"

kill -TERM "$pid"
wait_for_exit
[[ $status -eq 0 ]] || fail "the probe exited with status $status after SIGTERM"
say "OK"
