"""Deterministic edit pairs for the mining benchmark: drafts of about 400 words and the
finals a team with a few habits would keep. Usage: generate_pairs.py N OUT.jsonl"""
import json
import random
import sys

WORDS = ("planner team week calendar report launch customer price order support guide "
         "design product shipping feature update market season offer service value quality "
         "people project budget plan goal result chart data review message story brand").split()
VERBS = "helps shows brings makes keeps gives builds tracks sends finds".split()


def sentence(rng):
    n = rng.randint(8, 16)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[1] = rng.choice(VERBS)
    if rng.random() < 0.3:
        words.insert(2, "utilize")
    return " ".join(words).capitalize() + ("!" if rng.random() < 0.15 else ".")


def draft(rng):
    text, words = [], 0
    while words < 400:
        s = sentence(rng)
        text.append(s)
        words += len(s.split())
    return "In today's fast-paced world, " + " ".join(text)


def edit(rng, d):
    f = d.replace("utilize", "use").replace("!", ".")
    if rng.random() < 0.7:
        f = f.replace("In today's fast-paced world, ", "", 1)
    if rng.random() < 0.5:
        f += " Book a demo today."
    # A one-off typo fix now and then.
    return f


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(7)
    with open(out, "w") as fh:
        for i in range(n):
            d = draft(rng)
            fh.write(json.dumps({"draft": d, "final": edit(rng, d), "doc_type": "email" if i % 2 else "blog post"}) + "\n")


if __name__ == "__main__":
    main()
