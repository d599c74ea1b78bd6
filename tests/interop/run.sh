#!/usr/bin/env bash
# Interop: import a history file with the CLI, export every format, and check the files
# with Hugging Face `datasets` and OpenAI's data-preparation checks (check_datasets.py).
# Expects target/debug/draftloop and the Python env from scripts/setup.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CLI="$ROOT/target/debug/draftloop"
PY="$ROOT/target/pyenv/bin/python"
work="$(mktemp -d -t draftloop-interop.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export HF_DATASETS_DISABLE_PROGRESS_BARS=1 HF_HUB_OFFLINE=1

mkdir -p "$work/out"
"$CLI" --data-dir "$work/ws" import "$ROOT/tests/interop/history.jsonl"
# Text that CSV must quote: commas, double quotes, a line break.
cat > "$work/quoting.jsonl" <<'JSONL'
{"project": "Quoting", "prompt": "Write two lines, with \"quotes\", please.", "draft": "First line, with a comma.\nSecond \"quoted\" line.", "thumb": "up", "ratings": {"clarity": 4}}
JSONL
"$CLI" --data-dir "$work/ws" import "$work/quoting.jsonl"
for format in sft openai-sft dpo openai-dpo kto ratings; do
  "$CLI" --data-dir "$work/ws" export --format "$format" --out "$work/out/$format.jsonl" --card
done
"$CLI" --data-dir "$work/ws" export --format parquet,csv --out "$work/out"
mv "$work/out/parquet.parquet" "$work/out/ratings.parquet"
mv "$work/out/csv.csv" "$work/out/ratings.csv"
"$CLI" --data-dir "$work/ws" export --format dpo --split 0.25 --out "$work/out/split"
HF_DATASETS_CACHE="$work/cache" "$PY" "$ROOT/tests/interop/check_datasets.py" "$work/out"

# The checks can fail: an empty assistant turn must be caught.
cp -r "$work/out" "$work/broken"
# (keys are written in the order of the format: role, content)
sed -i '1s/"role":"assistant","content":"[^"]*"/"role":"assistant","content":""/' "$work/broken/openai-sft.jsonl"
grep -q '"role":"assistant","content":""' "$work/broken/openai-sft.jsonl"
if HF_DATASETS_CACHE="$work/cache2" "$PY" "$ROOT/tests/interop/check_datasets.py" "$work/broken" >/dev/null; then
  echo "interop: the checks passed a file with an empty assistant message" >&2
  exit 1
fi
echo "interop: a broken file is caught"

# And a CSV that lost one cell the Parquet file has (the model of its first row).
cp -r "$work/out" "$work/broken-csv"
model=$("$PY" -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(r[0]["model"])' "$work/out/ratings.csv")
"$PY" - "$work/broken-csv/ratings.csv" "$model" <<'PY'
import sys
path, model = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\n")
assert model in lines[1], "the first row names its model"
lines[1] = lines[1].replace(model, "another-model", 1)
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
if HF_DATASETS_CACHE="$work/cache3" "$PY" "$ROOT/tests/interop/check_datasets.py" "$work/broken-csv" >/dev/null 2>&1; then
  echo "interop: the checks passed a CSV whose model differs from the Parquet file's" >&2
  exit 1
fi
echo "interop: a CSV cell that differs is caught"
