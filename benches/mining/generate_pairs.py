"""Deterministic edit pairs for the mining benchmark: drafts of about 400 words and the
finals a team with a few habits would keep. Usage: generate_pairs.py N OUT.jsonl

Words are drawn from the 5,000 most frequent English words with their real frequencies
(vocabulary.tsv, from wordfreq), so texts repeat words as prose does: a few very common
words, a long tail of rare ones. A small vocabulary would make every diff the worst case
for a diff algorithm (each word matches everywhere), which is not what people's drafts
look like. The prose is nonsense, but its statistics are English's.

The habits, each a kind the miner knows: "utilize" → "use" (in 30% of sentences), "!" →
"." (15%), "do not" → "don't" (10%), British spellings Americanized (8%), the opener
"In today's fast-paced world, " dropped (70% of pairs) and "Book a demo today." added
(50%). A fifth of the drafts also have a typo fixed, which is no habit and makes no
suggestion."""
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# A verb in second position, so sentences read as subject-verb-rest.
VERBS = ("helps shows brings makes keeps gives builds tracks sends finds needs offers takes "
         "gets leads starts moves turns plans checks runs opens covers adds").split()
BASE_VERBS = "need want know see find use get make take expect".split()
# British spellings the team Americanizes (miner: spelling_variant).
BRITISH = {"colour": "color", "organise": "organize", "centre": "center", "favourite": "favorite"}
OPENER = "In today's fast-paced world, "
CTA = " Book a demo today."


def vocabulary():
    words, weights = [], []
    with open(os.path.join(HERE, "vocabulary.tsv")) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            word, freq = line.split("\t")
            words.append(word)
            weights.append(float(freq))
    # Cumulative weights once: random.choices then only bisects.
    total, cum = 0.0, []
    for w in weights:
        total += w
        cum.append(total)
    return words, cum


def sentence(rng, vocab):
    words, cum = vocab
    n = rng.randint(8, 16)
    out = rng.choices(words, cum_weights=cum, k=n)
    out[1] = rng.choice(VERBS)
    r = rng.random()
    if r < 0.3:
        out.insert(2, "utilize")  # → "use"
    elif r < 0.4:
        out[1:2] = ["do", "not", rng.choice(BASE_VERBS)]  # → "don't"
    elif r < 0.48:
        out.insert(rng.randint(3, len(out)), rng.choice(list(BRITISH)))
    return " ".join(out).capitalize() + ("!" if rng.random() < 0.15 else ".")


def draft(rng, vocab):
    text, words = [], 0
    while words < 400:
        s = sentence(rng, vocab)
        text.append(s)
        words += len(s.split())
    words = " ".join(text).split(" ")
    # Now and then a typo the person fixes: one "the" typed "teh" (a typo fix is no habit,
    # and the miner reports none). Not right beside another edit, which the diff would
    # join into one replaced phrase ("utilize teh" → "use the").
    if rng.random() < 0.2:
        edited = {"utilize", "do", "not", "the", *BRITISH}
        spots = [i for i in range(1, len(words) - 1) if words[i] == "the"
                 and words[i - 1] not in edited and words[i + 1].rstrip(".!") not in edited]
        if spots:
            words[rng.choice(spots)] = "teh"
    return OPENER + " ".join(words)


BRITISH_RE = re.compile(r"\b(" + "|".join(BRITISH) + r")\b")


def edit(rng, d):
    f = d.replace("utilize", "use").replace("!", ".").replace("teh", "the")
    f = re.sub(r"\bdo not\b", "don't", f)
    f = BRITISH_RE.sub(lambda m: BRITISH[m.group(1)], f)
    if rng.random() < 0.7:
        f = f.replace(OPENER, "", 1)
    if rng.random() < 0.5:
        f += CTA
    return f


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(7)
    vocab = vocabulary()
    with open(out, "w") as fh:
        for i in range(n):
            d = draft(rng, vocab)
            fh.write(json.dumps({"draft": d, "final": edit(rng, d), "doc_type": "email" if i % 2 else "blog post"}) + "\n")


if __name__ == "__main__":
    main()
