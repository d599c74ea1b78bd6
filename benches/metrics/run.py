"""Dashboard benchmark: import N records of history with the release `draftloop`, then
time `draftloop metrics` (what the dashboard calls) against a bare SQL aggregate of the
same figures, in the same run.

Both sides are one thread. The bare aggregate reads the stored per-draft facts the way
the dashboard does (the same hiding of deleted and unfinished documents) and sums every
count, the weekly and per-prompt-version figures, the tags and ratings and the review
queue's figures in SQL, with Python's `sqlite3`: the floor for reading those rows.

    cargo build --release -p draftloop-cli && python3 benches/metrics/run.py 215000

`run.py --bare DB` times the floor alone on a workspace made elsewhere (the app's
dashboard benchmark, ./scripts/bench-dashboard).
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = os.path.join(ROOT, "target", "release", "draftloop")

BARE = [
    # The counts.
    """SELECT count(*), sum(verdict = 'approve'), sum(verdict = 'reject'),
              sum(verdict = 'escalate'), sum(by_person), sum(auto_approved), sum(intervened)
       FROM draft_facts f
       WHERE (f.import_id IS NULL
              OR f.import_id IN (SELECT id FROM imports WHERE finished_at IS NOT NULL))
         AND f.document_id NOT IN (SELECT entity_id FROM tombstones)
         AND f.project_id IN (SELECT id FROM live_projects)""",
    # Week by week.
    """SELECT date(created_at, 'weekday 1', '-7 days'), count(*), sum(auto_approved),
              sum(by_person), sum(intervened)
       FROM draft_facts GROUP BY 1""",
    # The learning curve.
    """SELECT prompt_version_id, count(*), avg(distance), sum(by_person)
       FROM draft_facts WHERE distance IS NOT NULL AND prompt_version_id IS NOT NULL
       GROUP BY 1""",
    # Tags and ratings.
    """SELECT t.value, count(*) FROM draft_facts f, json_each(f.said, '$.tags') t
       WHERE f.said IS NOT NULL GROUP BY 1""",
    """SELECT json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'), count(*)
       FROM draft_facts f, json_each(f.said, '$.ratings') r
       WHERE f.said IS NOT NULL GROUP BY 1, 2""",
    # The review queue's figures.
    """SELECT kind, outcome, count(*), sum(time_spent_ms) FROM review_items
       WHERE resolved_at IS NOT NULL GROUP BY 1, 2""",
    """SELECT count(*) FROM review_items WHERE resolved_at IS NULL""",
]


def timed(f):
    start = time.perf_counter()
    out = f()
    return time.perf_counter() - start, out


def bare(db):
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(q).fetchall() for q in BARE]
    finally:
        conn.close()


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--bare":
        # The floor alone, on a workspace made elsewhere (the app's benchmark).
        t, rows = timed(lambda: bare(sys.argv[2]))
        print(f"{t:.3f} {rows[0][0][0]}")
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 215_000
    with tempfile.TemporaryDirectory() as tmp:
        history = os.path.join(tmp, "history.jsonl")
        with open(history, "w") as fh:
            subprocess.run([sys.executable, os.path.join(ROOT, "benches", "datasets", "generate_history.py"), str(n)], stdout=fh, check=True)
        ws = os.path.join(tmp, "ws")
        t_import, _ = timed(lambda: subprocess.run([CLI, "--data-dir", ws, "import", history], stdout=subprocess.DEVNULL, check=True))
        db = os.path.join(ws, "draftloop.db")
        conn = sqlite3.connect(db)
        events = conn.execute("SELECT count(*) FROM feedback_events").fetchone()[0]
        drafts = conn.execute("SELECT count(*) FROM generations").fetchone()[0]
        conn.close()
        print(f"{n} records: {drafts} drafts, {events} feedback events; import {t_import:.2f} s (facts worked out as it goes)")
        ours, floor = [], []
        for turn in range(3):
            t, _ = timed(lambda: subprocess.run([CLI, "--data-dir", ws, "metrics", "--format", "json"], stdout=subprocess.DEVNULL, check=True))
            b, rows = timed(lambda: bare(db))
            ours.append(t)
            floor.append(b)
            print(f"turn {turn + 1}: draftloop metrics {t:.2f} s | bare SQL aggregate {b:.2f} s | {t / b:.2f}x  (drafts {rows[0][0][0]})")
        median = lambda xs: sorted(xs)[len(xs) // 2]
        print(f"median: {median(ours):.2f} s against {median(floor):.2f} s = {median(ours) / median(floor):.2f}x")


if __name__ == "__main__":
    main()
