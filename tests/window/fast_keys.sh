#!/usr/bin/env bash
# Keys in a real window, sent by xdotool without delay, so that a key's press and release reach
# the runner in one batch of events:
#   - a, four times: every press is seen ("key: a"), on every Dear ImGui version (before 1.87
#     ImGui reads key state once per frame and the runner spreads the events over frames; since
#     1.87 ImGui's own input queue does);
#   - ctrl+a, four times, with Dear ImGui before 1.87: every chord is seen with Ctrl held
#     ("key: ctrl+a"). Since 1.87 ImGui's queue decides: it keeps a press and the release of
#     Ctrl that arrive together in one frame, and then sees "a" (not checked).
#
#   fast_keys.sh RUNNER_PROBE     (under xvfb-run, with xdotool)
set -euo pipefail
probe=${1:?usage: fast_keys.sh RUNNER_PROBE}
source "$(dirname "$0")/common.sh"

title="imhooks keys test $$"
start_demo "$probe" --title "$title" --print-ready --print-frames
find_window "$title"
wait_for_line "ready after [0-9]+ frames"
imgui=$(grep -E '^imgui: [0-9]+$' "$out" | awk '{print $2}')
[[ -n "$imgui" ]] || fail "no 'imgui: N' line"

for i in 1 2 3 4; do
    xdotool key --delay 0 a
    wait_for_count "key: a" "$i"
done
say "a seen 4 times out of 4 (Dear ImGui $imgui)"

if ((imgui < 18700)); then
    for i in 1 2 3 4; do
        xdotool key --delay 0 ctrl+a
        wait_for_count "key: ctrl\+a" "$i"
    done
    say "ctrl+a seen 4 times out of 4"
    [[ $(grep -Ecx "key: .*" "$out") -eq 8 ]] ||
        fail "unexpected keys: $(grep -E '^key: ' "$out" | paste -sd,)"
fi

kill -TERM "$pid"
wait_for_exit
[[ $status -eq 0 ]] || fail "the probe exited with status $status after SIGTERM"
say "OK"
