"""The miner's extraction done with Python's difflib, for the benchmark baseline: the
same tokens (words, punctuation on their own), the same pair-level patterns and the
same support counting. Usage: difflib_miner.py PAIRS.jsonl > report.json"""
import difflib
import json
import re
import sys
from collections import defaultdict

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
CONTRACTIONS = {"do not": "don't", "does not": "doesn't", "it is": "it's", "we are": "we're", "can not": "can't", "is not": "isn't"}
GREETINGS = ("hi", "hello", "dear", "hey", "greetings", "good morning")
CLOSINGS = ("best", "regards", "kind regards", "thanks", "thank you", "cheers", "sincerely")


def is_word(t):
    return any(c.isalnum() for c in t)


def osa(a, b):
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def is_typo(a, b):
    a, b = a.lower(), b.lower()
    if a == b or min(len(a), len(b)) < 3:
        return False
    return osa(a, b) <= (2 if max(len(a), len(b)) > 6 else 1)


def analyze(draft, final):
    a, b = TOKEN.findall(draft), TOKEN.findall(final)
    found, edits = [], 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        edits += max(i2 - i1, j2 - j1)
        dele, ins = a[i1:i2], b[j1:j2]
        words_removed = any(is_word(t) for t in dele)
        for t in dele:
            if not words_removed and not is_word(t) and t not in ins and t not in ",.'\"":
                found.append(("punctuation", t, 1))
        dw, iw = [t for t in dele if is_word(t)], [t for t in ins if is_word(t)]
        frm, to = " ".join(dw), " ".join(iw)
        w = max(len(dw), len(iw))
        if dw and iw:
            if CONTRACTIONS.get(frm.lower()) == to.lower():
                found.append(("contractions", "use", w))
            elif frm.lower() == to.lower():
                found.append(("casing", "lower", w))
            elif len(dw) == 1 and len(iw) == 1:
                if not is_typo(frm, to):
                    found.append(("replace_term", f"{frm.lower()}→{to.lower()}", w))
            elif len(dw) <= 3 and len(iw) <= 3:
                found.append(("replace_term", f"{frm.lower()}→{to.lower()}", w))
        elif dw and len(dw) <= 12:
            found.append(("remove_phrase", frm.lower(), w))
        elif iw and len(iw) <= 12:
            found.append(("add_phrase", to.lower(), w))
    first = next((l.strip() for l in final.splitlines() if l.strip()), "")
    if first.lower().startswith(GREETINGS) and first != next((l.strip() for l in draft.splitlines() if l.strip()), ""):
        found.append(("greeting", first.lower(), 1))
    last = next((l.strip() for l in reversed(final.splitlines()) if l.strip()), "")
    if last.lower().rstrip(",.!") in CLOSINGS:
        found.append(("closing", last.lower(), 1))
    if len(a) >= 20:
        ratio = len(b) / len(a)
        if ratio <= 0.85:
            found.append(("shorten", "", abs(len(a) - len(b))))
        elif ratio >= 1.15:
            found.append(("lengthen", "", abs(len(a) - len(b))))
    bullets = lambda t: sum(1 for l in t.splitlines() if l.lstrip().startswith(("- ", "* ", "• ")))
    if bullets(final) - bullets(draft) >= 2:
        found.append(("to_bullets", "", bullets(final) - bullets(draft)))
    return edits, len(a), len(b), found


def main():
    groups = defaultdict(list)
    n, dist, ratio = 0, 0.0, 0.0
    with open(sys.argv[1]) as fh:
        for line in fh:
            p = json.loads(line)
            edits, la, lb, found = analyze(p["draft"], p["final"])
            n += 1
            dist += edits / max(la, lb, 1)
            ratio += lb / la if la else 1.0
            groups[p.get("doc_type")].append((edits, found))
    suggestions = []
    for doc_type, members in groups.items():
        total = max(sum(e for e, _ in members), 1)
        support, weight = defaultdict(int), defaultdict(float)
        for _, found in members:
            for kind, key, w in found:
                weight[(kind, key)] += w
            for k in {(kind, key) for kind, key, _ in found}:
                support[k] += 1
        for (kind, key), s in support.items():
            if s >= 3:
                suggestions.append({"kind": kind, "key": key, "support": s, "doc_type": doc_type,
                                    "impact": min(weight[(kind, key)] / total, 1.0)})
    suggestions.sort(key=lambda s: -s["impact"])
    json.dump({"pairs": n, "mean_edit_distance": dist / max(n, 1), "mean_length_ratio": ratio / max(n, 1),
               "suggestions": suggestions}, sys.stdout)


if __name__ == "__main__":
    main()
