"""Mining benchmark: the release `draftloop mine` against difflib_miner.py on the same
10,000 pairs in the same run; wall time and peak memory of each process. The two run
in turn RUNS times (3 by default), and each side's median time is compared: a 2-core
machine's speed swings from minute to minute, and taking turns exposes both sides to it.
Usage (from the repo root, after `cargo build --release -p draftloop-cli`):
    python3 benches/mining/run.py [N] [RUNS]"""
import json
import statistics
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def measure(cmd, out):
    started = time.perf_counter()
    with open(out, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{cmd[0]} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024  # KiB → MiB


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        pairs = os.path.join(tmp, "pairs.jsonl")
        subprocess.run([sys.executable, os.path.join(HERE, "generate_pairs.py"), str(n), pairs], check=True)
        words = sum(len(json.loads(l)["draft"].split()) for l in open(pairs)) / n
        rust_cmd = [os.path.join(ROOT, "target/release/draftloop"), "--data-dir", tmp, "mine",
                    "--pairs", pairs, "--format", "json"]
        py_cmd = [sys.executable, os.path.join(HERE, "difflib_miner.py"), pairs]
        runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
        rust_runs, py_runs = [], []
        for _ in range(runs):
            rust_runs.append(measure(rust_cmd, os.path.join(tmp, "rust.json")))
            py_runs.append(measure(py_cmd, os.path.join(tmp, "py.json")))
        rust_t = statistics.median(t for t, _ in rust_runs)
        py_t = statistics.median(t for t, _ in py_runs)
        rust_mb = max(m for _, m in rust_runs)
        py_mb = max(m for _, m in py_runs)
        rust = json.load(open(os.path.join(tmp, "rust.json")))
        py = json.load(open(os.path.join(tmp, "py.json")))
        print(f"{n} pairs, {words:.0f} words per draft on average")
        times = lambda rs: ", ".join(f"{t:.2f}" for t, _ in rs)
        print(f"draftloop mine (release): median {rust_t:.2f} s ({times(rust_runs)}), peak {rust_mb:.0f} MiB, "
              f"{len(rust['suggestions'])} suggestions")
        print(f"python difflib:           median {py_t:.2f} s ({times(py_runs)}), peak {py_mb:.0f} MiB, "
              f"{len(py['suggestions'])} suggestions")
        print(f"speed-up: {py_t / rust_t:.1f}x (median / median, {runs} runs each, in turn)")
        top = lambda r: sorted((s["kind"], s["support"]) for s in r["suggestions"])
        print("same patterns and support:", top(rust) == top(py))


if __name__ == "__main__":
    main()
