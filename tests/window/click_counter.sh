#!/usr/bin/env bash
# End-to-end test in a real window: start the demo, click its Increment button twice with xdotool,
# quit with Esc, and check that the demo showed and reported count 2.
#
#   click_counter.sh DEMO_EXECUTABLE
#
# Needs an X display (run it under xvfb-run) and xdotool. Every wait polls with a deadline.
set -euo pipefail

demo=${1:?usage: click_counter.sh DEMO_EXECUTABLE}
timeout_s=${CLICK_TEST_TIMEOUT:-30}
title="imhooks click test $$"
# The demo's layout: window "Counter" at (20, 20); its first item is the 160x40 Increment button
# at (20 + WindowPadding 8, 20 + title bar 19 + WindowPadding 8) = (28, 47). Click its centre.
button_x=108
button_y=67

out=$(mktemp)
pid=
cleanup() {
    xdotool keyup Escape >/dev/null 2>&1 || true
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$out"
}
trap cleanup EXIT

fail() {
    echo "click_counter: FAIL: $*" >&2
    echo "--- demo output ---" >&2
    cat "$out" >&2
    exit 1
}

# Waits until the demo's output has a line matching $1, or fails after the deadline.
wait_for_line() {
    local pattern=$1
    local deadline=$((SECONDS + timeout_s))
    until grep -qx -- "$pattern" "$out"; do
        kill -0 "$pid" 2>/dev/null || fail "the demo exited while waiting for '$pattern'"
        ((SECONDS < deadline)) || fail "no '$pattern' after ${timeout_s}s"
        sleep 0.05
    done
}

"$demo" --title "$title" --width 800 --height 600 --print-state --print-frames >"$out" 2>&1 &
pid=$!

# The window exists and its first frame was shown.
wid=$(timeout "$timeout_s" xdotool search --sync --onlyvisible --name "^${title}\$" | head -n 1) ||
    fail "no window named '$title'"
echo "click_counter: window $wid"
wait_for_line "count: 0"

# Enter the window from outside, so that GLFW reports the pointer in it even without a window
# manager giving it the focus.
xdotool mousemove 1200 780
xdotool windowfocus "$wid" || true
for expected in 1 2; do
    xdotool mousemove --window "$wid" "$button_x" "$button_y" click 1
    wait_for_line "count: $expected"
    echo "click_counter: count $expected shown"
done

# Quit with Esc: held down until the demo is gone (ImGui 1.86 loses a press and release that
# fall into one frame).
xdotool keydown Escape
deadline=$((SECONDS + timeout_s))
while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "the demo did not quit on Esc"
    sleep 0.05
done
xdotool keyup Escape
status=0
wait "$pid" || status=$?
pid=
[[ $status -eq 0 ]] || fail "the demo exited with status $status"

grep -qx "final count: 2" "$out" || fail "the demo did not report 'final count: 2'"
grep -E "^frames rendered: [0-9]+$" "$out" || fail "no frame count printed"
echo "click_counter: OK"
