"""The same transform in Python, from the same JSONL: DPO rows (what people kept over
the draft, when the word edit distance is at least 0.05) and the ratings table as
Parquet (pyarrow). The distance is Draftloop's own: the same tokens and the same
bit-parallel longest common subsequence (it was difflib's SequenceMatcher, a different
and slower algorithm, before 2026-12-02). Usage: python_export.py HISTORY.jsonl OUT_DIR"""
import json
import re
import sys

import pyarrow as pa
import pyarrow.parquet as pq

# The tokens Draftloop compares (crates/draftloop-core/src/mining/extract.rs,
# `tokenize_ascii`): runs of letters, digits and _, joined across ' . : between letters
# and ' . , ; between digits; every other non-space character on its own.
WORD = re.compile(r"[A-Za-z0-9_]+(?:(?:(?<=[A-Za-z])['.:](?=[A-Za-z])|(?<=[0-9])['.,;](?=[0-9]))[A-Za-z0-9_]+)*|\S")


def lcs(x: list, y: list) -> int:
    """The longest common subsequence's length, bit-parallel as Draftloop finds it
    (export/distance.rs: Allison & Dix, in the form of Crochemore et al.), with the
    shared ends taken off first; Python's integers hold the whole bit row."""
    n = 0
    while n < len(x) and n < len(y) and x[n] == y[n]:
        n += 1
    x, y = x[n:], y[n:]
    m = 0
    while m < len(x) and m < len(y) and x[-1 - m] == y[-1 - m]:
        m += 1
    x, y = x[: len(x) - m], y[: len(y) - m]
    if len(x) > len(y):
        x, y = y, x
    if not x:
        return n + m
    masks = {}
    for i, t in enumerate(x):
        masks[t] = masks.get(t, 0) | (1 << i)
    full = (1 << len(x)) - 1
    v = full
    for t in y:
        mask = masks.get(t)
        if mask is not None:
            v = ((v + (v & mask)) | (v & ~mask)) & full
    return n + m + len(x) - bin(v).count("1")


def edit_distance(a: str, b: str) -> float:
    if a == b:
        return 0.0
    x, y = WORD.findall(a), WORD.findall(b)
    if not x and not y:
        return 0.0
    return (len(x) + len(y) - 2 * lcs(x, y)) / (len(x) + len(y))


def main() -> None:
    history, out = sys.argv[1], sys.argv[2]
    columns = {k: [] for k in ("project", "content_type", "model", "created_at", "system", "prompt", "output",
                               "final", "thumb", "decision", "reviewer", "tags", "clarity", "tone")}
    with open(history) as src, open(f"{out}/dpo.jsonl", "w") as dpo:
        for i, line in enumerate(src):
            r = json.loads(line)
            prompt = ([{"role": "system", "content": r["system"]}] if r.get("system") else []) + [{"role": "user", "content": r["prompt"]}]
            final = r.get("final")
            if final and final.strip() != r["draft"].strip() and edit_distance(r["draft"], final) >= 0.05:
                dpo.write(json.dumps({"prompt": prompt, "chosen": [{"role": "assistant", "content": final}],
                                      "rejected": [{"role": "assistant", "content": r["draft"]}],
                                      "metadata": {"generation_id": str(i), "document_id": str(i), "feedback_ids": [], "prompt_version_id": None}}) + "\n")
            columns["project"].append(r["project"])
            columns["content_type"].append(r.get("doc_type"))
            columns["model"].append(r.get("model"))
            columns["created_at"].append(r.get("created_at"))
            columns["system"].append(r.get("system"))
            columns["prompt"].append(r["prompt"])
            columns["output"].append(r["draft"])
            columns["final"].append(final)
            columns["thumb"].append(r.get("thumb"))
            columns["decision"].append(r.get("decision"))
            columns["reviewer"].append(r.get("reviewer"))
            columns["tags"].append("; ".join(r.get("tags", [])))
            ratings = r.get("ratings", {})
            columns["clarity"].append(ratings.get("clarity"))
            columns["tone"].append(ratings.get("tone"))
    pq.write_table(pa.table(columns), f"{out}/ratings.parquet", compression="snappy")


main()
