"""N history records in Draftloop's import format, deterministic (seeded)."""
import json
import random
import sys

TOPICS = ["the spring planner", "a calmer morning", "the new lamp", "weekend rugs", "the desk organizer",
          "garden chairs", "the travel mug", "linen sheets", "the reading light", "storage boxes"]
OPENERS = ["In today's fast-paced world,", "Imagine this:", "Good news!", "Hello there,"]


def record(i: int, rng: random.Random) -> dict:
    topic = rng.choice(TOPICS)
    sentences = [f"{rng.choice(OPENERS)} {topic} is a game changer for busy homes."]
    sentences += [f"Utilize it to transform your {rng.choice(['day', 'week', 'evening'])} with {rng.randint(2, 9)} clever features." for _ in range(rng.randint(2, 6))]
    sentences.append(f"Order number {i} ships within {rng.randint(1, 5)} days!")
    draft = " ".join(sentences)
    rec = {"project": f"Project {i % 7}", "doc_type": rng.choice(["email", "product description", "blog post"]),
           "system": "You write short, warm copy for a home goods shop.",
           "prompt": f"Write about {topic} for customer {i}.", "draft": draft,
           "model": rng.choice(["gpt-4o-mini", "claude-sonnet"]),
           "created_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"}
    roll = rng.random()
    if roll < 0.6:
        kept = [s.replace("Utilize", "Use").replace("In today's fast-paced world, ", "") for s in sentences[:-1]]
        rec["final"] = " ".join(kept) + " Shop today."
    elif roll < 0.65:
        rec["final"] = draft.replace("game changer", "game-changer")  # a typo-sized edit
    if rng.random() < 0.7:
        rec["thumb"] = "up" if rng.random() < 0.6 else "down"
    rec["ratings"] = {"clarity": rng.randint(1, 5), "tone": rng.randint(1, 5)}
    if rng.random() < 0.3:
        rec["tags"] = rng.sample(["too-long", "off-brand", "tone", "grammar"], 2)
    if rng.random() < 0.2:
        rec["comment"] = "Too salesy; keep it plain."
    if rng.random() < 0.5:
        rec["decision"] = "approved" if rng.random() < 0.7 else "rejected"
        rec["reviewer"] = rng.choice(["dana", "lee", "sam"])
    return rec


def main() -> None:
    n = int(sys.argv[1])
    rng = random.Random(42)
    out = sys.stdout
    for i in range(n):
        out.write(json.dumps(record(i, rng)) + "\n")


main()
