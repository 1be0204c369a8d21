#!/usr/bin/env python3
"""Runs the imhooks benchmarks and prints one table: a row per performance target P1-P15.

    bench/run.py [--build-dir build-bench] [--repetitions 5] [--smoke]

Every benchmark of imhooks_bench runs --repetitions times, the repetitions of all benchmarks
interleaved in random order (so a burst of load from elsewhere hits both sides of a ratio alike);
the table shows medians over the repetitions and ratios of those medians. P6 runs the real demo
and a plain ImGui loop under Xvfb, idle, and reads frames and CPU time from /proc. The raw figures
go to BUILD_DIR/bench/: bench.json (Google Benchmark), bench-console.txt, p6.json, table.md.

--smoke runs everything tiny (the figures mean nothing): ctest uses it to keep the benchmarks and
this script working. Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

XVFB_SCREEN = "-screen 0 1280x800x24"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# Google Benchmark results
# --------------------------------------------------------------------------------------------


def run_benchmarks(bench_exe, out_dir, repetitions, smoke):
    json_path = out_dir / "bench.json"
    console_path = out_dir / "bench-console.txt"
    command = [
        str(bench_exe),
        f"--benchmark_repetitions={repetitions}",
        "--benchmark_enable_random_interleaving=true",
        f"--benchmark_out={json_path}",
        "--benchmark_out_format=json",
    ]
    if smoke:
        command += ["--smoke", "--benchmark_min_time=0.001"]
    print(f"running {' '.join(command)}", flush=True)
    print(f"  (console output in {console_path})", flush=True)
    with open(console_path, "w") as console:
        status = subprocess.run(command, stdout=console, stderr=subprocess.STDOUT).returncode
    if status != 0:
        sys.exit(f"run.py: imhooks_bench failed with status {status}; see {console_path}")
    with open(json_path) as f:
        data = json.load(f)
    errors = [b["name"] + ": " + b.get("error_message", "") for b in data["benchmarks"]
              if b.get("error_occurred")]
    if errors:
        sys.exit("run.py: benchmarks reported errors:\n  " + "\n  ".join(errors))
    return data


class Results:
    """The repetitions of each benchmark (aggregates are recomputed here)."""

    def __init__(self, data):
        self.runs = {}
        for b in data["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration":
                continue
            self.runs.setdefault(b["run_name"], []).append(b)

    def find(self, prefix):
        for name, runs in self.runs.items():
            if name == prefix or name.startswith(prefix + "/"):
                return runs
        raise KeyError(f"no benchmark named {prefix}")

    def values(self, prefix, field):
        runs = self.find(prefix)
        if field in ("real_time", "cpu_time"):
            return [r[field] * to_micros(r["time_unit"]) for r in runs]
        return [r[field] for r in runs]

    def median(self, prefix, field):
        return statistics.median(self.values(prefix, field))

    def maximum(self, prefix, field):
        return max(self.values(prefix, field))

    def minimum(self, prefix, field):
        return min(self.values(prefix, field))


def to_micros(unit):
    return {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[unit]


# --------------------------------------------------------------------------------------------
# P6: idle under Xvfb
# --------------------------------------------------------------------------------------------


def cpu_ns_schedstat(pid):
    """Time on CPU of the live threads of the process, in ns (/proc/PID/task/*/schedstat)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def cpu_seconds(pid):
    """utime + stime of every thread of the process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of stat(5); fields[0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Output:
    """Collects a process's stdout lines on a thread."""

    def __init__(self, process):
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process):
        for line in process.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    m = regex.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def text(self):
        with self.cond:
            return "\n".join(self.lines)


def measure_idle(command, idle_seconds):
    """Starts `command` (it must print "ready after N frames" once settled and "frames rendered:
    N" on exit), leaves it idle for idle_seconds after it is ready, then SIGTERM."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    output = Output(process)
    result = {"command": " ".join(command)}
    try:
        ready = output.wait_for(r"ready after (\d+) frames", 30)
        if ready is None:
            result["error"] = "no 'ready after N frames' line within 30 s"
            return result
        frames_ready = int(ready.group(1))
        cpu_before = cpu_seconds(process.pid)
        ns_before = cpu_ns_schedstat(process.pid)
        start = time.monotonic()
        time.sleep(idle_seconds)
        cpu_after = cpu_seconds(process.pid)
        ns_after = cpu_ns_schedstat(process.pid)
        elapsed = time.monotonic() - start
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        output.thread.join(timeout=5)
        done = output.wait_for(r"frames rendered: (\d+)", 1)
        if done is None:
            result["error"] = "no 'frames rendered: N' line on exit (SIGTERM not handled?)"
            return result
        result.update(
            frames_at_ready=frames_ready,
            frames_total=int(done.group(1)),
            idle_frames=int(done.group(1)) - frames_ready,
            cpu_seconds=cpu_after - cpu_before,
            seconds=elapsed,
            cpu_percent=100.0 * (cpu_after - cpu_before) / elapsed,
            cpu_percent_schedstat=100.0 * (ns_after - ns_before) * 1e-9 / elapsed,
        )
        return result
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        result["output"] = output.text()[-2000:]


def run_p6_inner(args):
    """Under xvfb-run: the demo, then the plain loop, each idle for --idle-seconds."""
    build = Path(args.build_dir)
    demo = find_executable(build, "imhooks_demo")
    plain = find_executable(build, "imhooks_plain_loop")
    results = {}
    for name, exe in (("demo", demo), ("plain_loop", plain)):
        if exe is None:
            results[name] = {"error": "not built"}
            continue
        results[name] = measure_idle(
            [str(exe), "--print-frames", "--print-ready", "--title", f"imhooks bench {name}"],
            args.idle_seconds)
    with open(args.p6_out, "w") as f:
        json.dump(results, f, indent=2)


def run_p6(build_dir, out_dir, idle_seconds):
    p6_path = out_dir / "p6.json"
    if shutil.which("xvfb-run") is None:
        return {"demo": {"error": "xvfb-run not found"}, "plain_loop": {"error": "xvfb-run"}}
    command = ["xvfb-run", "-a", "-s", XVFB_SCREEN, sys.executable, os.path.abspath(__file__),
               "--p6-inner", "--build-dir", str(build_dir), "--idle-seconds", str(idle_seconds),
               "--p6-out", str(p6_path)]
    print(f"running P6 under Xvfb: demo and plain loop, {idle_seconds:g} s idle each", flush=True)
    subprocess.run(command, check=True, timeout=300)
    with open(p6_path) as f:
        return json.load(f)


def find_executable(build_dir, name):
    for path in sorted(build_dir.rglob(name)):
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def fmt_us(us):
    if us >= 1000:
        return f"{us / 1000:.2f} ms"
    return f"{us:.1f} µs" if us < 100 else f"{us:.0f} µs"


def met(ok):
    return "yes" if ok else "NO"


def build_rows(r, p6, idle_seconds):
    rows = []

    # P1: UI thread CPU time per frame, both UIs in alternating blocks of one benchmark.
    ours = r.median("P1_frame/paired", "imhooks_us")
    base = r.median("P1_frame/paired", "hand_written_us")
    ratio = r.median("P1_frame/paired", "ratio")
    comps = int(r.median("P1_frame/paired", "components"))
    rows.append(("P1", f"frame, {comps:,} components x 3 hooks", fmt_us(ours), fmt_us(base),
                 f"{ratio:.2f}x", "<= 1.10x", met(ratio <= 1.10)))
    alone = r.median("P1_frame/imhooks", "cpu_time")
    alone_base = r.median("P1_frame/hand_written", "cpu_time")
    ratios = ", ".join(f"{x:.2f}" for x in r.values("P1_frame/paired", "ratio"))
    notes = [f"P1  ratio per repetition: {ratios}; each UI alone (separate benchmarks, seconds "
             f"apart): {fmt_us(alone)} vs {fmt_us(alone_base)} ({alone / alone_base:.2f}x)"]

    # P2: the job's own duration, intrusive against cooperative, paired run by run.
    ours = r.median("P2_checkpoint/paired", "intrusive_ms") * 1000
    base = r.median("P2_checkpoint/paired", "cooperative_ms") * 1000
    ratio = r.median("P2_checkpoint/paired", "ratio")
    alone = r.median("P2_checkpoint/imhooks_intrusive", "real_time")
    alone_base = r.median("P2_checkpoint/imhooks_cooperative", "real_time")
    hand = r.median("P2_checkpoint/hand_written_atomic_flag", "real_time")
    floor = r.median("P2_checkpoint/no_stop_check", "real_time")
    per_iter = r.median("P2_checkpoint/imhooks_intrusive", "ns_per_iteration") * 1e9
    rows.append(("P2", "CPU job, checkpoint() every iteration (job CPU time)",
                 f"{fmt_us(ours)} ({per_iter:.2f} ns/it)", f"{fmt_us(base)} cooperative",
                 f"{ratio:.3f}x", "<= 1.05x", met(ratio <= 1.05)))
    ratios = ", ".join(f"{x:.3f}" for x in r.values("P2_checkpoint/paired", "ratio"))
    notes.append(f"P2  median ratio of the pairs, per repetition: {ratios}; each variant alone "
                 f"(separate benchmarks): intrusive {fmt_us(alone)}, cooperative "
                 f"{fmt_us(alone_base)} ({alone / alone_base:.3f}x); hand-written std::async + "
                 f"std::atomic<bool> flag: {fmt_us(hand)} ({alone / hand:.3f}x); no stop check at "
                 f"all: {fmt_us(floor)} ({alone / floor:.3f}x)")

    # P3: result -> visible, UI blocked in Runtime::wait.
    p50 = r.median("P3_result_latency/imhooks", "p50_us")
    p99 = r.median("P3_result_latency/imhooks", "p99_us")
    worst = r.maximum("P3_result_latency/imhooks", "max_us")
    hp50 = r.median("P3_result_latency/hand_written_60hz", "p50_us")
    hp99 = r.median("P3_result_latency/hand_written_60hz", "p99_us")
    rows.append(("P3", "worker result -> visible (UI in wait)",
                 f"p50 {fmt_us(p50)}, p99 {fmt_us(p99)}",
                 f"p50 {fmt_us(hp50)}, p99 {fmt_us(hp99)} (60 Hz poll)", f"{p50 / hp50:.3f}x p50",
                 "p50 <= 50 µs, p99 <= 1 ms", met(p50 <= 50 and p99 <= 1000)))
    notes.append(f"P3  worst sample over all repetitions: {fmt_us(worst)}")

    # P4: generator throughput, UI work per frame, memory.
    yields = r.median("P4_generator/imhooks", "yields_per_s")
    hyields = r.median("P4_generator/hand_written", "yields_per_s")
    ui = r.median("P4_generator/imhooks", "ui_us_per_frame")
    hui = r.median("P4_generator/hand_written", "ui_us_per_frame")
    drift = r.median("P4_generator/imhooks", "ui_second_half_vs_first")
    rss = r.maximum("P4_generator/imhooks", "rss_growth_kib")
    updates = r.maximum("P4_generator/imhooks", "updates_per_frame_max")
    flat = drift <= 1.5 and rss <= 1024 and updates <= 1
    rows.append(("P4", "generator, 10 M yields, 60 Hz UI",
                 f"{yields / 1e6:.1f} M/s; UI {fmt_us(ui)}/frame, x{drift:.2f} late/early, "
                 f"+{rss:.0f} KiB",
                 f"{hyields / 1e6:.1f} M/s; UI {fmt_us(hui)}/frame (mutex + value)",
                 f"{hyields / yields:.2f}x time/yield",
                 ">= 20 M yields/s; UI/frame, memory flat",
                 met(yields >= 20e6 and flat)))
    notes.append(f"P4  imhooks: {updates:.0f} update applied per frame at most, "
                 f"{r.median('P4_generator/imhooks', 'frames'):.0f} frames per stream; flat means "
                 "late/early UI time <= 1.5, RSS growth <= 1 MiB, one update per frame")

    # P5: cancel -> Cancelled visible.
    p50 = r.median("P5_cancel_latency/imhooks", "p50_us")
    p99 = r.median("P5_cancel_latency/imhooks", "p99_us")
    worst = r.maximum("P5_cancel_latency/imhooks", "max_us")
    hp50 = r.median("P5_cancel_latency/hand_written_60hz", "p50_us")
    hp99 = r.median("P5_cancel_latency/hand_written_60hz", "p99_us")
    rows.append(("P5", "cancel() -> Cancelled visible, 10 µs checkpoints",
                 f"p50 {fmt_us(p50)}, p99 {fmt_us(p99)}",
                 f"p50 {fmt_us(hp50)}, p99 {fmt_us(hp99)} (60 Hz poll)", f"{p99 / hp99:.3f}x p99",
                 "p99 <= 1 ms", met(p99 <= 1000)))
    notes.append(f"P5  worst sample over all repetitions: {fmt_us(worst)}")

    # P6: idle demo under Xvfb.
    demo, plain = p6.get("demo", {}), p6.get("plain_loop", {})
    if "error" in demo:
        rows.append(("P6", f"demo idle {idle_seconds:g} s under Xvfb", "n/a: " + demo["error"],
                     plain_text(plain), "-", "<= 3 frames, <= 2 % core", "n/a"))
    else:
        ok = demo["idle_frames"] <= 3 and demo["cpu_percent"] <= 2.0
        ratio = (f"{demo['idle_frames']} / {plain['idle_frames']} frames"
                 if "error" not in plain else "-")
        rows.append(("P6", f"demo idle {idle_seconds:g} s under Xvfb",
                     f"{demo['idle_frames']} frames, {demo['cpu_percent']:.2f} % core",
                     plain_text(plain), ratio, "<= 3 frames, <= 2 % core", met(ok)))
    if "error" not in demo:
        notes.append(f"P6  CPU from utime+stime in /proc/PID/stat (10 ms ticks); to the "
                     f"nanosecond from /proc/PID/task/*/schedstat: demo "
                     f"{demo['cpu_percent_schedstat']:.3f} % core"
                     + (f", plain loop {plain['cpu_percent_schedstat']:.2f} % core"
                        if "error" not in plain else "")
                     + "; frames from the programs' 'ready after N frames' and "
                     "'frames rendered: N' lines")

    # P7: 1,000 retries in a row, back to back and one per frame.
    patterns = ("P7_retry/imhooks_back_to_back", "P7_retry/imhooks_one_per_frame")
    threads = max(max(r.maximum(p, "max_threads_runtime"), r.maximum(p, "max_threads_proc"))
                  for p in patterns)
    joined = all(r.minimum(p, "all_joined") == 1 for p in patterns)
    call = r.median("P7_retry/imhooks_back_to_back", "retry_call_us")
    started = [r.maximum(p, "threads_started") for p in patterns]
    hthreads = r.maximum("P7_retry/hand_written_back_to_back", "max_threads_proc")
    hcall = r.median("P7_retry/hand_written_back_to_back", "retry_call_us")
    hframe = r.median("P7_retry/hand_written_one_per_frame", "retry_call_us")
    fcall = r.median("P7_retry/imhooks_one_per_frame", "retry_call_us")
    retries = int(r.median("P7_retry/hand_written_back_to_back", "threads_started"))
    rows.append(("P7", f"{retries:,} retry() in a row on one hook",
                 f"max {threads:.0f} thread(s), {'all joined' if joined else 'NOT joined'}, "
                 f"{fmt_us(call)}/call",
                 f"max {hthreads:.0f} threads, UI blocked {fmt_us(hcall)}/call",
                 f"1/{hcall / call:,.0f} call time", "<= 2 alive at once; all joined",
                 met(threads <= 2 and joined)))
    notes.append(f"P7  threads: max over repetitions, over the runtime's count and "
                 f"/proc/self/task, and over two patterns: back to back on an endless job "
                 f"({started[0]:.0f} new thread(s) at most: the running driver takes the newest "
                 f"run) and one retry per frame of a 10 µs job ({started[1]:.0f} new thread(s) at "
                 f"most, {fmt_us(fcall)}/call; hand-written {fmt_us(hframe)}/call)")

    # P8: 1,000 running jobs against the same UI with idle hooks.
    run = r.median("P8_frame/imhooks_running", "cpu_time")
    idle = r.median("P8_frame/imhooks_idle", "cpu_time")
    hrun = r.median("P8_frame/hand_written_running", "cpu_time")
    hidle = r.median("P8_frame/hand_written_idle", "cpu_time")
    comps = int(r.median("P8_frame/imhooks_running", "components"))
    rows.append(("P8", f"frame, {comps:,} components with a running job",
                 f"{fmt_us(run)} running", f"{fmt_us(idle)} idle hooks", f"{run / idle:.2f}x",
                 "<= 2x", met(run / idle <= 2.0)))
    pcpu = r.median("P8_frame/imhooks_running", "process_cpu_pct")
    hpcpu = r.median("P8_frame/hand_written_running", "process_cpu_pct")
    notes.append(f"P8  hand-written (std::async, atomics, hash map): {fmt_us(hrun)} running, "
                 f"{fmt_us(hidle)} idle; imhooks running vs hand-written running "
                 f"{run / hrun:.2f}x; CPU of the whole process while running (UI and jobs): "
                 f"imhooks {pcpu:.0f} %, hand-written {hpcpu:.0f} % of a core")

    # P9-P11: 10,000 mounted components with a job each, against a hand-written pool of one
    # worker per core, std::async per row and a std::thread per row, in the same run.
    def ms(prefix, field):
        return r.median(prefix, field)

    def fmt_ms(value):
        return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"

    def ui_cpu(prefix):  # the UI thread's CPU over all frames of a loop
        return f"{fmt_ms(ms(prefix, 'ui_cpu_ms'))} in {ms(prefix, 'frames'):.0f} frames"

    cores = os.cpu_count() or 2
    worst, hworst = ms("P9_cpu/imhooks", "worst_frame_ms"), ms("P9_cpu/pool", "worst_frame_ms")
    total, htotal = ms("P9_cpu/imhooks", "total_ms"), ms("P9_cpu/pool", "total_ms")
    peak = r.maximum("P9_cpu/imhooks", "peak_threads")
    rows.append(("P9", "10,000 components, ~1 ms CPU job each",
                 f"worst frame {fmt_ms(worst)}, all done {fmt_ms(total)}, peak {peak:.0f} threads",
                 f"pool: worst frame {fmt_ms(hworst)}, all done {fmt_ms(htotal)}",
                 f"{worst / hworst:.2f}x frame, {total / htotal:.2f}x done",
                 f"<= 1.5x frame, <= 1.1x done, <= {cores + 2} threads",
                 met(worst <= 1.5 * hworst and total <= 1.1 * htotal and peak <= cores + 2)))
    notes.append(
        f"P9  first (mounting) frame: imhooks {fmt_ms(ms('P9_cpu/imhooks', 'first_frame_ms'))}, "
        f"pool {fmt_ms(ms('P9_cpu/pool', 'first_frame_ms'))}; std::async: worst frame "
        f"{fmt_ms(ms('P9_cpu/std_async', 'worst_frame_ms'))}, all done "
        f"{fmt_ms(ms('P9_cpu/std_async', 'total_ms'))}, peak "
        f"{r.maximum('P9_cpu/std_async', 'peak_threads'):.0f} threads; thread per job: worst "
        f"frame {fmt_ms(ms('P9_cpu/thread_per_job', 'worst_frame_ms'))}, all done "
        f"{fmt_ms(ms('P9_cpu/thread_per_job', 'total_ms'))}; RSS growth imhooks "
        f"{r.maximum('P9_cpu/imhooks', 'rss_growth_mib'):.1f} MiB, pool "
        f"{r.maximum('P9_cpu/pool', 'rss_growth_mib'):.1f} MiB; UI-thread CPU in the worst "
        f"frame: imhooks {fmt_ms(ms('P9_cpu/imhooks', 'worst_frame_cpu_ms'))}, pool "
        f"{fmt_ms(ms('P9_cpu/pool', 'worst_frame_cpu_ms'))}, its page faults (first touches of "
        f"fresh memory): imhooks {ms('P9_cpu/imhooks', 'worst_frame_faults'):,.0f}, pool "
        f"{ms('P9_cpu/pool', 'worst_frame_faults'):,.0f}; the mounting frame alone, UI-thread "
        f"CPU on reused memory (P9_mount): imhooks "
        f"{fmt_ms(ms('P9_mount/imhooks', 'mount_frame_us') / 1000)}, pool "
        f"{fmt_ms(ms('P9_mount/pool', 'mount_frame_us') / 1000)}; UI-thread CPU in all frames "
        f"of the batch (what the jobs' {cores} cores lose to the UI): imhooks "
        f"{ui_cpu('P9_cpu/imhooks')}, pool {ui_cpu('P9_cpu/pool')}")

    total = ms("P10_wait/imhooks_sleep_for", "total_ms")
    btotal = ms("P10_wait/imhooks_blocking", "total_ms")
    ttotal = ms("P10_wait/thread_per_job", "total_ms")
    worst = max(ms("P10_wait/imhooks_sleep_for", "worst_frame_ms"),
                ms("P10_wait/imhooks_blocking", "worst_frame_ms"))
    hworst = ms("P10_wait/pool", "worst_frame_ms")
    # The executor's own count: the process's may still hold threads of the benchmark before.
    peak = max(r.maximum("P10_wait/imhooks_sleep_for", "executor_peak_threads"),
               r.maximum("P10_wait/imhooks_blocking", "executor_peak_threads"))
    cap = r.minimum("P10_wait/imhooks_sleep_for", "executor_max_threads")
    process_peak = max(r.maximum("P10_wait/imhooks_sleep_for", "peak_threads"),
                       r.maximum("P10_wait/imhooks_blocking", "peak_threads"))
    slowest = max(total, btotal)
    rows.append(("P10", "10,000 jobs waiting 20 ms (sleep_for / blocking)",
                 f"all done {fmt_ms(total)} / {fmt_ms(btotal)}, worst frame {fmt_ms(worst)}, "
                 f"peak {peak:.0f} threads",
                 f"thread per job: all done {fmt_ms(ttotal)}; pool worst frame {fmt_ms(hworst)}",
                 f"{slowest / ttotal:.2f}x done, {worst / hworst:.2f}x frame",
                 f"<= 1.2x done, <= 1.5x frame, threads <= cap ({cap:.0f})",
                 met(slowest <= 1.2 * ttotal and worst <= 1.5 * hworst and peak <= cap + 1)))
    pool_runs = r.find("P10_wait/pool")
    projected = [x.get("projected_ms") for x in pool_runs if x.get("projected_ms")]
    notes.append(
        f"P10 the pool of {cores} workers"
        + (f" was stopped after its time budget; all done would take ~{fmt_ms(projected[0])}"
           if projected else f": all done {fmt_ms(ms('P10_wait/pool', 'total_ms'))}")
        + f"; std::async all done {fmt_ms(ms('P10_wait/std_async', 'total_ms'))}; imhooks "
        f"peak threads: {peak:.0f} of the executor (its service thread included), "
        f"{process_peak:.0f} in the process")

    stalls = r.values("Stalls/fixed_frame", "worst_ms")
    notes.append(
        f"P9-P11 the machine's stalls: a frame of fixed work paced at 60 Hz, "
        f"{r.median('Stalls/fixed_frame', 'median_ms'):.1f} ms at the median, p99 "
        f"{r.median('Stalls/fixed_frame', 'p99_ms'):.1f} ms, worst "
        + ", ".join(f"{x:.1f}" for x in stalls) + " ms per repetition")

    worst, hworst = ms("P11_rerun/imhooks", "worst_frame_ms"), ms("P11_rerun/pool", "worst_frame_ms")
    rows.append(("P11", "re-run of all 10,000 after a deps change",
                 f"worst frame {fmt_ms(worst)}", f"pool: worst frame {fmt_ms(hworst)}",
                 f"{worst / hworst:.2f}x", "<= 1.5x", met(worst <= 1.5 * hworst)))
    notes.append(
        f"P11 UI-thread CPU in the worst frame: imhooks "
        f"{fmt_ms(ms('P11_rerun/imhooks', 'worst_frame_cpu_ms'))}, pool "
        f"{fmt_ms(ms('P11_rerun/pool', 'worst_frame_cpu_ms'))}; the frame of the change alone, "
        f"UI-thread CPU (P11_change): imhooks "
        f"{fmt_ms(ms('P11_change/imhooks', 'change_frame_us') / 1000)}, pool "
        f"{fmt_ms(ms('P11_change/pool', 'change_frame_us') / 1000)}; UI-thread CPU in all frames "
        f"of the re-run: imhooks {ui_cpu('P11_rerun/imhooks')}, pool {ui_cpu('P11_rerun/pool')}")

    run, hrun = (ms("P12_cpu_per_run/imhooks", "cpu_per_run_us"),
                 ms("P12_cpu_per_run/pool", "cpu_per_run_us"))
    rows.append(("P12", "CPU per run: request -> job code -> result visible", fmt_us(run),
                 f"pool: {fmt_us(hrun)}", f"{run / hrun:.2f}x", "<= 3 µs", met(run <= 3.0)))

    ours = ms("P13_steady_frame/paired", "imhooks_us")
    base = ms("P13_steady_frame/paired", "hand_written_us")
    ratio = ms("P13_steady_frame/paired", "ratio")
    comps = int(ms("P13_steady_frame/paired", "components"))
    rows.append(("P13", f"steady frame, {comps:,} components with a finished use_thread",
                 fmt_us(ours), fmt_us(base), f"{ratio:.2f}x", "<= 1.5x", met(ratio <= 1.5)))

    # P14: a clipped list of use_query rows, scrolled end to end and back.
    q = "P14_scrolled_list/imhooks"
    started = r.maximum(q, "jobs_started")
    started_min = r.minimum(q, "jobs_started")
    cached = r.median(q, "returning_cached")
    spinners = r.maximum(q, "returning_spinner")
    rows_n = int(r.median(q, "rows"))
    hstarted = r.maximum("P14_scrolled_list/hand_written", "jobs_started")
    tstarted = r.maximum("P14_scrolled_list/use_thread_rows", "jobs_started")
    tspin = r.median("P14_scrolled_list/use_thread_rows", "returning_spinner")
    ui = r.median(q, "ui_cpu_us_per_frame")
    hui = r.median("P14_scrolled_list/hand_written", "ui_cpu_us_per_frame")
    rows.append(("P14", f"clipped list, {rows_n:,} use_query rows, end to end and back",
                 f"{started:,.0f} jobs; {spinners:.0f} of {cached:,.0f} cached rows back "
                 "without value", f"hand-written cache {hstarted:,.0f} jobs; use_thread rows "
                 f"{tstarted:,.0f} jobs, {tspin:,.0f} spinners back",
                 f"{ui / max(hui, 1e-9):.2f}x UI time/frame", f"jobs = {rows_n:,}; value in first frame",
                 met(started == rows_n and started_min == rows_n and spinners == 0)))
    notes.append(f"P14 imhooks: {r.median(q, 'withdrawn'):,.0f} queued runs taken back unstarted "
                 f"(rows flung past), {r.maximum(q, 'rows_started_twice'):.0f} rows started "
                 f"twice, UI {fmt_us(ui)}/frame vs hand-written {fmt_us(hui)}/frame; hand-written "
                 f"jobs run for rows already off screen: "
                 f"{r.median('P14_scrolled_list/hand_written', 'ran_off_screen'):,.0f}")

    # P15: a stream of appended items.
    q = "P15_stream/imhooks"
    items = int(r.median(q, "items"))
    first = r.median(q, "publish_ns_per_item_first_half")
    second = r.median(q, "publish_ns_per_item_second_half")
    ui_early = r.median(q, "ui_us_per_frame_early")
    memory = r.maximum(q, "memory_vs_items")
    c = "P15_stream/copy_per_publish"
    csecond = r.median(c, "publish_ns_per_item_second_half")
    cmemory = r.maximum(c, "memory_vs_items")
    # Flat is judged within each repetition (its second half against its own first half), then
    # the median over repetitions: a repetition whose second half met a busier machine than its
    # first must not be read against another repetition's first half.
    publish_growth = r.median(q, "publish_late_vs_early")
    ui_growth = r.median(q, "ui_late_vs_early")
    ok = (publish_growth <= 1.5 and ui_growth <= 1.5 and memory <= 1.2)
    rows.append(("P15", f"stream of {items:,} appended items, chunks of 1,000",
                 f"publish {first:.0f} -> {second:.0f} ns/item (x{publish_growth:.2f}); UI "
                 f"{fmt_us(ui_early)}/frame early, x{ui_growth:.2f} late; memory {memory:.3f}x",
                 f"copy per publish ({int(r.median(c, 'items')):,} items): {csecond:,.0f} "
                 f"ns/item late, memory {cmemory:.2f}x",
                 f"{second / max(csecond, 1e-9):.4f}x publish/item late",
                 "publish/item, UI/frame flat; memory <= 1.2x", met(ok)))
    m = "P15_stream/vector_and_mutex"
    notes.append(f"P15 flat means second half / first half <= 1.5 within a repetition (median over "
                 f"repetitions): publish x{publish_growth:.2f}, UI x{ui_growth:.2f}; UI per "
                 f"repetition: "
                 + ", ".join(f"x{x:.2f}" for x in r.values(q, "ui_late_vs_early"))
                 + "; vector behind a mutex held by "
                 f"the UI while it reads: {r.median(m, 'publish_ns_per_item_second_half'):.0f} "
                 f"ns/item, UI {fmt_us(r.median(m, 'ui_us_per_frame_late'))}/frame, memory "
                 f"{r.maximum(m, 'memory_vs_items'):.2f}x")
    return rows, notes


def plain_text(plain):
    if "error" in plain:
        return "plain loop n/a: " + plain["error"]
    return f"plain loop: {plain['idle_frames']} frames, {plain['cpu_percent']:.1f} % core"


HEADER = ("", "what", "imhooks", "baseline", "ratio", "target", "met?")


def print_table(rows, notes, file=sys.stdout):
    widths = [max(len(row[i]) for row in rows + [HEADER]) for i in range(len(HEADER))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    print(line(HEADER), file=file)
    print(line(["-" * w for w in widths]), file=file)
    for row in rows:
        print(line(row), file=file)
    print(file=file)
    for note in notes:
        print(note, file=file)


def markdown_table(rows, notes):
    out = ["| # | what | imhooks | baseline | ratio | target | met? |",
           "|---|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    out.append("")
    out += [f"- {note}" for note in notes]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build-bench")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--idle-seconds", type=float, default=None)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--p6-inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--p6-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.idle_seconds is None:
        args.idle_seconds = 0.5 if args.smoke else 3.0
    if args.p6_inner:
        run_p6_inner(args)
        return

    build_dir = Path(args.build_dir).resolve()
    bench_exe = find_executable(build_dir, "imhooks_bench")
    if bench_exe is None:
        sys.exit(f"run.py: no imhooks_bench under {build_dir}; build it first (make bench)")
    out_dir = bench_exe.parent
    repetitions = 1 if args.smoke else args.repetitions

    data = run_benchmarks(bench_exe, out_dir, repetitions, args.smoke)
    p6 = run_p6(build_dir, out_dir, args.idle_seconds)
    rows, notes = build_rows(Results(data), p6, args.idle_seconds)

    context = data.get("context", {})
    print()
    print(f"imhooks benchmarks: {repetitions} repetition(s), medians; "
          f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
          f"load average {', '.join(f'{x:.2f}' for x in context.get('load_avg', []))}"
          + ("; SMOKE RUN, figures mean nothing" if args.smoke else ""))
    print()
    print_table(rows, notes)
    (out_dir / "table.md").write_text(markdown_table(rows, notes))
    print(f"\nmarkdown table: {out_dir / 'table.md'}")


if __name__ == "__main__":
    main()
