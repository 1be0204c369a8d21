# Shared by the window test scripts (sourced): start the demo with its output in a file, wait for
# lines with a deadline, find its window, click the buttons it reports with --print-layout.
# Every wait polls with a deadline; none is a blind sleep.

timeout_s=${WINDOW_TEST_TIMEOUT:-90}
test_name=$(basename "$0" .sh)
out=$(mktemp)
pid=
wid=

cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$out"
}
trap cleanup EXIT

fail() {
    echo "$test_name: FAIL: $*" >&2
    echo "--- demo output ---" >&2
    cat "$out" >&2
    exit 1
}

say() {
    echo "$test_name: $*"
}

# start_demo DEMO ARGS...: runs the demo in the background, output in $out.
start_demo() {
    "$@" >"$out" 2>&1 &
    pid=$!
}

# wait_for_count REGEX N: until N lines of the output match REGEX (whole line, extended).
wait_for_count() {
    local pattern=$1 count=$2
    local deadline=$((SECONDS + timeout_s))
    until (($(grep -Ecx -- "$pattern" "$out" || true) >= count)); do
        kill -0 "$pid" 2>/dev/null || fail "the demo exited while waiting for '$pattern' x$count"
        ((SECONDS < deadline)) || fail "no '$pattern' x$count after ${timeout_s}s"
        sleep 0.05
    done
}

wait_for_line() {
    wait_for_count "$1" 1
}

# wait_for_exit: until the demo has exited; sets $status.
wait_for_exit() {
    local deadline=$((SECONDS + timeout_s))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS < deadline)) || fail "the demo did not exit"
        sleep 0.05
    done
    status=0
    wait "$pid" || status=$?
    pid=
}

# find_window TITLE: sets $wid, then moves the pointer in from outside the window so that GLFW
# reports it there even without a window manager giving the window the focus.
find_window() {
    wid=$(timeout "$timeout_s" xdotool search --sync --onlyvisible --name "^$1\$" | head -n 1) ||
        fail "no window named '$1'"
    [[ -n "$wid" ]] || fail "no window named '$1'"
    local geometry
    geometry=$(xdotool getwindowgeometry --shell "$wid")
    local WIDTH HEIGHT
    eval "$(grep -E '^(WIDTH|HEIGHT)=' <<<"$geometry")"
    xdotool mousemove --window "$wid" "$((WIDTH + 20))" "$((HEIGHT + 20))"
    xdotool windowfocus "$wid" 2>/dev/null || true
    say "window $wid (${WIDTH}x${HEIGHT})"
}

# click NAME: clicks the centre of the item the demo reported as "layout: NAME X Y W H".
click() {
    wait_for_line "layout: $1 [0-9]+ [0-9]+ [0-9]+ [0-9]+"
    local x y w h
    read -r x y w h < <(grep -E "^layout: $1 " "$out" | tail -n 1 | cut -d' ' -f3-)
    xdotool mousemove --window "$wid" "$((x + w / 2))" "$((y + h / 2))" click 1
    say "clicked $1 at ($((x + w / 2)), $((y + h / 2)))"
}
