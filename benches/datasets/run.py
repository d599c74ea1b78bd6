"""Datasets benchmark: import N records with the release `draftloop`, then export DPO
JSONL and Parquet, against python_export.py doing the same transform from the same
JSONL, in the same run; wall time and peak memory of each process. Then the DPO export
alone against its floor, the `sqlite3` CLI reading what it reads (scan.sql), in turn;
and the workspace's size against the JSONL's.
Usage (from the repo root, after `cargo build --release -p draftloop-cli` and
`./scripts/test` or scripts/setup.sh's Python env for pyarrow):
    python3 benches/datasets/run.py [N]"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = os.path.join(ROOT, "target/release/draftloop")
PY = os.path.join(ROOT, "target/pyenv/bin/python")


def measure(cmd):
    # What the step before wrote (the import's 1.5 GB, an export's files) is flushed to
    # disk first, so no step is timed while the kernel writes back another's output.
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024  # KiB → MiB


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        history = os.path.join(tmp, "history.jsonl")
        with open(history, "w") as fh:
            subprocess.run([sys.executable, os.path.join(HERE, "generate_history.py"), str(n)], stdout=fh, check=True)
        ws = os.path.join(tmp, "ws")
        t_import, m_import = measure([CLI, "--data-dir", ws, "import", history])
        # Both files in one pass, as the Python script writes them, in turn with the
        # script, three times: single runs on this machine swing by a third, so the
        # medians are compared. Then each format on its own, once.
        turns = []
        for turn in range(3):
            both = os.path.join(tmp, f"both{turn}")
            py_out = os.path.join(tmp, f"py{turn}")
            os.mkdir(py_out)
            ours = measure([CLI, "--data-dir", ws, "export", "--format", "dpo,parquet", "--out", both])
            theirs = measure([PY, os.path.join(HERE, "python_export.py"), history, py_out])
            turns.append((ours, theirs))
        # The DPO export alone against sqlite3 reading the same rows (one thread), in turn.
        db = os.path.join(ws, "draftloop.db")
        floor_turns = []
        for turn in range(3):
            # A file of its own each turn: replacing the last turn's would time the
            # deletion of 145 MB as well.
            out = os.path.join(tmp, f"dpo{turn}.jsonl")
            dpo = measure([CLI, "--data-dir", ws, "export", "--format", "dpo", "--out", out])
            with open(os.path.join(HERE, "scan.sql")) as sql:
                os.sync()
                started = time.perf_counter()
                subprocess.run(["sqlite3", "-batch", "-readonly", db], stdin=sql, check=True)
                scan = time.perf_counter() - started
            floor_turns.append((dpo, scan))
        t_dpo = sorted(d[0] for d, _ in floor_turns)[1]
        m_dpo = max(d[1] for d, _ in floor_turns)
        t_scan = sorted(sc for _, sc in floor_turns)[1]
        t_pq, m_pq = measure([CLI, "--data-dir", ws, "export", "--format", "parquet", "--out", os.path.join(tmp, "ratings.parquet")])
        rows = lambda p: sum(1 for _ in open(p))
        median = lambda xs: sorted(xs)[len(xs) // 2]
        t_both = median([ours[0] for ours, _ in turns])
        t_py = median([theirs[0] for _, theirs in turns])
        print(f"{n} records ({os.path.getsize(history) / 2**20:.0f} MiB of JSONL)")
        print(f"draftloop import             {t_import:7.2f} s  peak {m_import:6.0f} MiB")
        for i, ((t, m), (tp, mp)) in enumerate(turns):
            print(f"turn {i + 1}: draftloop export dpo,parquet {t:6.2f} s  peak {m:4.0f} MiB | python dpo + parquet {tp:6.2f} s  peak {mp:4.0f} MiB")
        print(f"rows: draftloop {rows(os.path.join(tmp, 'both0', 'dpo.jsonl'))} DPO, python {rows(os.path.join(tmp, 'py0', 'dpo.jsonl'))} DPO")
        # Both sides keep the same pairs: the same (rejected, chosen) texts.
        pairs = lambda p: sorted((r["rejected"][0]["content"], r["chosen"][0]["content"]) for r in map(json.loads, open(p)))
        same = pairs(os.path.join(tmp, "both0", "dpo.jsonl")) == pairs(os.path.join(tmp, "py0", "dpo.jsonl"))
        print(f"the same DPO pairs on both sides: {same}")
        if not same:
            sys.exit("the two exports disagree: the comparison is void")
        for i, ((d, _), sc) in enumerate(floor_turns):
            print(f"turn {i + 1}: draftloop export dpo {d:6.2f} s | sqlite3 scan.sql {sc:6.2f} s")
        print(f"draftloop export dpo         {t_dpo:7.2f} s  peak {m_dpo:6.0f} MiB  ({rows(os.path.join(tmp, 'dpo0.jsonl'))} rows)")
        print(f"DPO export against the sqlite3 scan of what it reads, medians of 3 turns: {t_dpo / t_scan:.2f}x "
              f"({t_dpo:.2f} s / {t_scan:.2f} s; the export runs 4 threads: two readers, the merge, the writer; sqlite3 1)")
        size = sum(os.path.getsize(os.path.join(ws, f)) for f in os.listdir(ws) if f.startswith("draftloop.db"))
        print(f"workspace {size / 2**20:.0f} MiB for {os.path.getsize(history) / 2**20:.0f} MiB of JSONL: "
              f"{size / os.path.getsize(history):.1f}x")
        print(f"draftloop export parquet     {t_pq:7.2f} s  peak {m_pq:6.0f} MiB")
        print(f"export speed-up, medians of 3 turns: {t_py / t_both:.1f}x in one pass ({t_py:.2f} s / {t_both:.2f} s); "
              f"{t_py / (t_dpo + t_pq):.1f}x as two exports")

main()
