"""Interop: Draftloop's exports load with Hugging Face `datasets` and match TRL's
documented dataset formats; the OpenAI files pass the checks of OpenAI's data
preparation guide (roles, no empty content, an assistant message last).

Usage: check_datasets.py DIR   (DIR holds the files `draftloop export` wrote)
Exits non-zero with a line per problem.
"""

import json
import sys
from pathlib import Path

from datasets import load_dataset

problems: list[str] = []


def fail(where: str, what: str) -> None:
    problems.append(f"{where}: {what}")


def load_jsonl(path: Path):
    return load_dataset("json", data_files=str(path), split="train")


def is_conversation(messages, where: str, roles: set[str]) -> None:
    if not isinstance(messages, list) or not messages:
        fail(where, "messages must be a non-empty list")
        return
    for m in messages:
        if set(m.keys()) != {"role", "content"}:
            fail(where, f"a message has keys {sorted(m.keys())}")
        if m.get("role") not in roles:
            fail(where, f"unexpected role {m.get('role')!r}")
        if not isinstance(m.get("content"), str) or not m["content"].strip():
            fail(where, "a message has empty content")


def check_metadata(row, where: str) -> None:
    meta = row.get("metadata")
    if not meta or not meta.get("generation_id") or not meta.get("document_id"):
        fail(where, "metadata must link back to the generation and document")
    if not isinstance(meta.get("feedback_ids"), list):
        fail(where, "metadata.feedback_ids must be a list")


# TRL: https://huggingface.co/docs/trl/dataset_formats
def check_sft(path: Path) -> int:
    ds = load_jsonl(path)
    if "messages" not in ds.column_names:
        fail(path.name, "SFT (conversational language modeling) needs a `messages` column")
    for i, row in enumerate(ds):
        is_conversation(row["messages"], f"{path.name}[{i}]", {"system", "user", "assistant"})
        if row["messages"][-1]["role"] != "assistant":
            fail(f"{path.name}[{i}]", "the last message must be the assistant's")
        check_metadata(row, f"{path.name}[{i}]")
    return len(ds)


def check_dpo(path: Path) -> int:
    ds = load_jsonl(path)
    # Conversational preference with an explicit prompt.
    for column in ("prompt", "chosen", "rejected"):
        if column not in ds.column_names:
            fail(path.name, f"preference data needs a `{column}` column")
    for i, row in enumerate(ds):
        where = f"{path.name}[{i}]"
        is_conversation(row["prompt"], where, {"system", "user"})
        for side in ("chosen", "rejected"):
            is_conversation(row[side], where, {"assistant"})
        if row["chosen"] == row["rejected"]:
            fail(where, "chosen and rejected are the same")
        check_metadata(row, where)
    return len(ds)


def check_kto(path: Path) -> int:
    ds = load_jsonl(path)
    for column in ("prompt", "completion", "label"):
        if column not in ds.column_names:
            fail(path.name, f"unpaired preference data needs a `{column}` column")
    for i, row in enumerate(ds):
        where = f"{path.name}[{i}]"
        is_conversation(row["prompt"], where, {"system", "user"})
        is_conversation(row["completion"], where, {"assistant"})
        if not isinstance(row["label"], bool):
            fail(where, "label must be a boolean")
        check_metadata(row, where)
    return len(ds)


# OpenAI's "Data preparation and analysis for chat model fine-tuning" checks, on the raw
# lines as OpenAI reads them.
def check_openai_sft(path: Path) -> int:
    n = 0
    for i, line in enumerate(path.read_text().splitlines()):
        n += 1
        ex = json.loads(line)
        where = f"{path.name}:{i + 1}"
        messages = ex.get("messages")
        if not messages:
            fail(where, "missing_messages_list")
            continue
        for m in messages:
            if "role" not in m or "content" not in m:
                fail(where, "message_missing_key")
            if any(k not in ("role", "content", "name", "function_call", "weight") for k in m):
                fail(where, "message_unrecognized_key")
            if m.get("role") not in ("system", "user", "assistant", "function"):
                fail(where, "unrecognized_role")
            content = m.get("content")
            if not content or not isinstance(content, str):
                fail(where, "missing_content")
        if not any(m.get("role") == "assistant" for m in messages):
            fail(where, "example_missing_assistant_message")
        if messages[-1].get("role") != "assistant":
            fail(where, "the last message must be the assistant's")
    load_jsonl(path)
    return n


def check_openai_dpo(path: Path) -> int:
    n = 0
    for i, line in enumerate(path.read_text().splitlines()):
        n += 1
        ex = json.loads(line)
        where = f"{path.name}:{i + 1}"
        messages = ex.get("input", {}).get("messages")
        if not messages:
            fail(where, "input.messages missing")
            continue
        is_conversation(messages, where, {"system", "user"})
        if messages[-1]["role"] != "user":
            fail(where, "the input must end with the user's turn")
        for side in ("preferred_output", "non_preferred_output"):
            out = ex.get(side)
            if not isinstance(out, list) or len(out) != 1 or out[0].get("role") != "assistant":
                fail(where, f"{side} must be one assistant message")
            elif not out[0].get("content"):
                fail(where, f"{side} has empty content")
    load_jsonl(path)
    return n


def check_ratings(path: Path) -> int:
    ds = load_jsonl(path)
    for column in ("generation_id", "prompt", "output", "ratings", "thumb", "decision", "tags"):
        if column not in ds.column_names:
            fail(path.name, f"ratings need a `{column}` column")
    return len(ds)


def check_parquet(path: Path, expected: int) -> int:
    ds = load_dataset("parquet", data_files=str(path), split="train")
    if len(ds) != expected:
        fail(path.name, f"{len(ds)} rows, expected {expected} (one per generation)")
    for column in ("generation_id", "prompt", "output", "clarity", "tone"):
        if column not in ds.column_names:
            fail(path.name, f"no `{column}` column")
    if "clarity" in ds.column_names and not all(v is None or isinstance(v, int) for v in ds["clarity"]):
        fail(path.name, "rubric columns must be integers")
    return len(ds)


def check_csv(path: Path, parquet: Path) -> int:
    """The CSV table is the Parquet table: same columns, and the same text in each cell
    (commas, quotes and line breaks survive the quoting)."""
    ds = load_dataset("csv", data_files=str(path), split="train", keep_default_na=False)
    table = load_dataset("parquet", data_files=str(parquet), split="train")
    if ds.column_names != table.column_names:
        fail(path.name, f"columns {ds.column_names}, the Parquet file has {table.column_names}")
        return len(ds)
    if len(ds) != len(table):
        fail(path.name, f"{len(ds)} rows, the Parquet file has {len(table)}")
        return len(ds)

    def cell(v):
        # The CSV's reader guesses types from text; the Parquet file keeps them: compare
        # each cell as text, a missing value as an empty one.
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    for column in table.column_names:
        for row, (a, b) in enumerate(zip(ds[column], table[column])):
            if cell(a) != cell(b):
                fail(path.name, f"row {row + 1}, `{column}`: {cell(a)!r} in the CSV, {cell(b)!r} in the Parquet file")
                break
    return len(ds)


def check_split(folder: Path, rows: int) -> int:
    """A split's two files hold every DPO row once, and no document is on both sides.

    The split is by document, and a side's documents may have no row in this format
    (no edit or preference to pair): an empty file is a valid zero-row side.
    """
    sides = {}
    for side in ("train", "eval"):
        path = folder / f"{side}.jsonl"
        if not path.exists():
            fail(path.name, "a split writes both train and eval")
            return 0
        if path.stat().st_size == 0:
            sides[side] = []
            continue
        check_dpo(path)
        sides[side] = [json.loads(line)["metadata"]["document_id"] for line in path.open()]
    total = len(sides["train"]) + len(sides["eval"])
    if total != rows:
        fail(folder.name, f"train and eval hold {total} rows, the unsplit export {rows}")
    both = set(sides["train"]) & set(sides["eval"])
    if both:
        fail(folder.name, f"{len(both)} documents are in both train and eval")
    return total


def main() -> None:
    out = Path(sys.argv[1])
    counts = {
        "sft": check_sft(out / "sft.jsonl"),
        "dpo": check_dpo(out / "dpo.jsonl"),
        "kto": check_kto(out / "kto.jsonl"),
        "openai-sft": check_openai_sft(out / "openai-sft.jsonl"),
        "openai-dpo": check_openai_dpo(out / "openai-dpo.jsonl"),
        "ratings": check_ratings(out / "ratings.jsonl"),
    }
    counts["parquet"] = check_parquet(out / "ratings.parquet", counts["ratings"])
    counts["csv"] = check_csv(out / "ratings.csv", out / "ratings.parquet")
    counts["dpo split"] = check_split(out / "split", counts["dpo"])
    for name, n in counts.items():
        if n == 0:
            fail(name, "no rows: the check would prove nothing")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("interop ok: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


main()
