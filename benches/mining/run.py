"""Mining benchmark: the release `draftloop mine` against difflib_miner.py on the same
10,000 pairs in the same run; wall time and peak memory of each process.
Usage (from the repo root, after `cargo build --release -p draftloop-cli`):
    python3 benches/mining/run.py [N]"""
import json
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
        rust_t, rust_mb = measure([os.path.join(ROOT, "target/release/draftloop"), "--data-dir", tmp, "mine",
                                   "--pairs", pairs, "--format", "json"], os.path.join(tmp, "rust.json"))
        py_t, py_mb = measure([sys.executable, os.path.join(HERE, "difflib_miner.py"), pairs], os.path.join(tmp, "py.json"))
        rust = json.load(open(os.path.join(tmp, "rust.json")))
        py = json.load(open(os.path.join(tmp, "py.json")))
        print(f"{n} pairs, {words:.0f} words per draft on average")
        print(f"draftloop mine (release): {rust_t:.2f} s, peak {rust_mb:.0f} MiB, {len(rust['suggestions'])} suggestions")
        print(f"python difflib:           {py_t:.2f} s, peak {py_mb:.0f} MiB, {len(py['suggestions'])} suggestions")
        print(f"speed-up: {py_t / rust_t:.1f}x")
        top = lambda r: sorted((s["kind"], s["support"]) for s in r["suggestions"])
        print("same patterns and support:", top(rust) == top(py))


if __name__ == "__main__":
    main()
