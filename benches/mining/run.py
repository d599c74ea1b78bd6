"""Mining benchmark: the release `draftloop mine` against fair_miner.py, the same
algorithm ported to pure Python, on the same 10,000 pairs in the same run; wall time, CPU
time and peak memory of each process. The two run in turn RUNS times (3 by default), and
each side's median time is compared: a 2-core machine's speed swings from minute to
minute, and taking turns exposes both sides to it.

Before any timing, both sides must agree: every pair's analysis (Rust's through
examples/mining_analyses) and the suggestions of the report. A difference stops the run.

Usage (from the repo root, after
`cargo build --release -p draftloop-cli && cargo build --release -p draftloop-core --example mining_analyses`;
a debug build of the example serves too):
    python3 benches/mining/run.py [N] [RUNS]"""
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DRAFTLOOP = os.path.join(ROOT, "target/release/draftloop")
FAIR_MINER = os.path.join(HERE, "fair_miner.py")


def measure(cmd, out):
    """Wall seconds, CPU seconds (user + system) and peak RSS in MiB of one run."""
    started = time.perf_counter()
    with open(out, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KiB → MiB


def analyses_tool():
    for build in ("release", "debug"):
        path = os.path.join(ROOT, "target", build, "examples", "mining_analyses")
        if os.path.exists(path):
            return path
    sys.exit("target/{release,debug}/examples/mining_analyses is missing: build it with "
             "`cargo build --release -p draftloop-core --example mining_analyses`")


def rounded(v):
    """Floats to 1e-9: Rust and Python sum in the same order, but compare with slack."""
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, dict):
        return {k: rounded(x) for k, x in v.items()}
    if isinstance(v, list):
        return [rounded(x) for x in v]
    return v


def check_analyses(pairs, tmp):
    """Every pair's analysis the same on both sides, or stop. Both go through files read
    a line at a time: this process stays small, so the peak memory measured of the
    processes it starts later is theirs (a child's peak counts what it was forked with)."""
    tool = analyses_tool()
    outs = []
    for name, cmd in (("rust", [tool, pairs]), ("python", [sys.executable, FAIR_MINER, "--analyses", pairs])):
        out = os.path.join(tmp, f"analyses-{name}.jsonl")
        with open(out, "w") as fh:
            done = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr}")
        outs.append(out)
    checked = 0
    with open(outs[0]) as fr, open(outs[1]) as fp, open(pairs) as fpairs:
        for i, (x, y, pair) in enumerate(itertools.zip_longest(fr, fp, fpairs)):
            if x is None or y is None:
                sys.exit(f"analyses differ: one side printed fewer lines (stopped at {i}); no timing")
            if rounded(json.loads(x)) != rounded(json.loads(y)):
                sys.exit(f"analyses differ on pair {i + 1}; no timing.\n"
                         f"pair:   {(pair or '').strip()[:500]}\nrust:   {x[:2000]}\npython: {y[:2000]}")
            checked += 1
    return checked, os.path.relpath(tool, ROOT)


def check_reports(rust, py):
    """The same suggestions, in the same order, or stop."""
    key = lambda r: [(s["kind"], s["instruction"], s["support"], s["doc_type"], round(s["impact"], 9))
                     for s in r["suggestions"]]
    if key(rust) != key(py):
        lines = [f"  rust:   {a}\n  python: {b}" for a, b in zip(key(rust), key(py)) if a != b]
        sys.exit(f"reports differ ({len(rust['suggestions'])} suggestions from Rust, "
                 f"{len(py['suggestions'])} from Python); no timing.\n" + "\n".join(lines[:10]))
    return rounded(rust) == rounded(py)


def rust_threads():
    # draftloop's analyze_lines: std::thread::available_parallelism(), at most 8. On
    # Linux that is the CPUs this process may run on (cgroup quotas aside).
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return min(cpus, 8)


def stale_warning():
    sources = [os.path.join(ROOT, "crates/draftloop-core/src/mining", f)
               for f in ("extract.rs", "words.rs", "mod.rs")]
    if any(os.path.getmtime(s) > os.path.getmtime(DRAFTLOOP) for s in sources):
        print("warning: target/release/draftloop is older than the miner's sources; rebuild it",
              file=sys.stderr)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if not os.path.exists(DRAFTLOOP):
        sys.exit("target/release/draftloop is missing: `cargo build --release -p draftloop-cli`")
    stale_warning()
    with tempfile.TemporaryDirectory() as tmp:
        pairs = os.path.join(tmp, "pairs.jsonl")
        subprocess.run([sys.executable, os.path.join(HERE, "generate_pairs.py"), str(n), pairs], check=True)
        with open(pairs) as fh:
            words = sum(len(json.loads(l)["draft"].split()) for l in fh) / n
        rust_cmd = [DRAFTLOOP, "--data-dir", tmp, "mine", "--pairs", pairs, "--format", "json"]
        py_cmd = [sys.executable, FAIR_MINER, pairs]
        rust_out, py_out = os.path.join(tmp, "rust.json"), os.path.join(tmp, "py.json")

        checked, tool = check_analyses(pairs, tmp)
        print(f"analyses: all {checked} pairs the same ({tool} against fair_miner.py --analyses)")
        # One untimed run of each: the reports compared, and the files in the page cache.
        measure(rust_cmd, rust_out)
        measure(py_cmd, py_out)
        with open(rust_out) as fr, open(py_out) as fp:
            rust, py = json.load(fr), json.load(fp)
        full = check_reports(rust, py)
        print(f"reports: the same {len(rust['suggestions'])} suggestions (kind, instruction, support, "
              f"doc_type, impact); examples and details too: {full}")

        rust_runs, py_runs = [], []
        for _ in range(runs):
            rust_runs.append(measure(rust_cmd, rust_out))
            py_runs.append(measure(py_cmd, py_out))
        med = lambda rs, i: statistics.median(r[i] for r in rs)
        rust_t, py_t = med(rust_runs, 0), med(py_runs, 0)
        rust_cpu, py_cpu = med(rust_runs, 1), med(py_runs, 1)
        rust_mb = max(r[2] for r in rust_runs)
        py_mb = max(r[2] for r in py_runs)
        times = lambda rs: ", ".join(f"{r[0]:.2f}" for r in rs)
        print(f"{n} pairs, {words:.0f} words per draft on average")
        print(f"draftloop mine (release, {rust_threads()} threads): median {rust_t:.2f} s ({times(rust_runs)}), "
              f"CPU {rust_cpu:.2f} s, peak {rust_mb:.0f} MiB")
        print(f"fair_miner.py (python, 1 thread):  median {py_t:.2f} s ({times(py_runs)}), "
              f"CPU {py_cpu:.2f} s, peak {py_mb:.0f} MiB")
        print(f"speed-up: {py_t / rust_t:.1f}x wall, {py_cpu / rust_cpu:.1f}x CPU "
              f"(median / median, {runs} runs each, in turn)")


if __name__ == "__main__":
    main()
