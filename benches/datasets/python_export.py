"""The same transform in Python, from the same JSONL: DPO rows (what people kept over
the draft, when the word edit distance is at least 0.05) and the ratings table as
Parquet (pyarrow). Usage: python_export.py HISTORY.jsonl OUT_DIR"""
import difflib
import json
import re
import sys

import pyarrow as pa
import pyarrow.parquet as pq

WORD = re.compile(r"\w+|[^\w\s]")


def edit_distance(a: str, b: str) -> float:
    x, y = WORD.findall(a), WORD.findall(b)
    if not x and not y:
        return 0.0
    same = sum(block.size for block in difflib.SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks())
    return ((len(x) - same) + (len(y) - same)) / (len(x) + len(y))


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
