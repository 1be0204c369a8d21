#!/usr/bin/env bash
# Idle test: start the whole demo, wait until it has settled (it prints "ready after N frames"
# once every job has ended and no frame is due), leave it alone for 3 s, then SIGTERM it.
# Measures the frames rendered in those 3 s (from its "frames rendered: N" at exit) and the CPU
# time it used (utime + stime from /proc/PID/stat, in clock ticks).
#
#   idle.sh DEMO_EXECUTABLE [MAX_FRAMES [MAX_CPU_PERCENT]]     (under xvfb-run)
#
# Targets (SPEC P6): at most 3 frames and at most 2 % of a core.
set -euo pipefail
demo=${1:?usage: idle.sh DEMO_EXECUTABLE [MAX_FRAMES [MAX_CPU_PERCENT]]}
max_frames=${2:-3}
max_cpu_percent=${3:-2}
idle_seconds=3
source "$(dirname "$0")/common.sh"

# utime + stime of the demo, in clock ticks. The fields are counted after the command name,
# which is in parentheses and could hold spaces.
cpu_ticks() {
    local stat
    stat=$(<"/proc/$pid/stat") || fail "cannot read /proc/$pid/stat"
    stat=${stat##*) }
    local fields
    read -ra fields <<<"$stat"
    # After "pid (comm) ": field 3 (state) is index 0, so utime (14) and stime (15) are 11, 12.
    echo $((fields[11] + fields[12]))
}

start_demo "$demo" --print-ready --print-frames
wait_for_line "ready after [0-9]+ frames"
ready_frames=$(grep -E '^ready after ' "$out" | awk '{print $3}')

ticks_before=$(cpu_ticks)
start_ns=$(date +%s%N)
# The measurement itself: nothing to wait for, the point is to let time pass.
sleep "$idle_seconds"
ticks_after=$(cpu_ticks)
end_ns=$(date +%s%N)

kill -TERM "$pid"
wait_for_exit
[[ $status -eq 0 ]] || fail "the demo exited with status $status after SIGTERM"
exit_frames=$(grep -E '^frames rendered: [0-9]+$' "$out" | awk '{print $3}')
[[ -n "$exit_frames" ]] || fail "no 'frames rendered: N' after SIGTERM"

clock_ticks=$(getconf CLK_TCK)
idle_frames=$((exit_frames - ready_frames))
read -r elapsed cpu_percent < <(awk -v t="$((ticks_after - ticks_before))" -v hz="$clock_ticks" \
    -v ns="$((end_ns - start_ns))" 'BEGIN { s = ns / 1e9; printf "%.3f %.3f\n", s, 100 * t / hz / s }')
say "settled after $ready_frames frames; idle for $elapsed s: $idle_frames frames rendered," \
    "$((ticks_after - ticks_before)) CPU ticks (1/$clock_ticks s) = $cpu_percent % of a core"

((idle_frames <= max_frames)) || fail "$idle_frames frames rendered while idle (target <= $max_frames)"
awk -v p="$cpu_percent" -v max="$max_cpu_percent" 'BEGIN { exit !(p <= max) }' ||
    fail "$cpu_percent % of a core while idle (target <= $max_cpu_percent %)"
say "OK"
