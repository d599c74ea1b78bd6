import { describe, expect, it } from "vitest";
import type { DiffSpan } from "../bindings";
import { applyChoices, changeCount, mostlyRewritten, sentencePieces, sentences, toPieces, type Choice } from "./hunks";

const spans: DiffSpan[] = [
  { kind: "equal", text: "Our " },
  { kind: "delete", text: "huge" },
  { kind: "insert", text: "spring" },
  { kind: "equal", text: " sale starts " },
  { kind: "delete", text: "Monday" },
  { kind: "insert", text: "Tuesday" },
  { kind: "equal", text: "." },
  { kind: "insert", text: " Shop now." },
];

describe("proposed changes", () => {
  const pieces = toPieces(spans);

  it("group each run of deletions and insertions into one change", () => {
    expect(changeCount(pieces)).toBe(3);
    expect(pieces[1]).toEqual({ kind: "change", index: 0, removed: "huge", added: "spring" });
  });

  it("take only the accepted changes", () => {
    const choices = new Map<number, Choice>([
      [0, "accept"],
      [1, "reject"],
      [2, "accept"],
    ]);
    expect(applyChoices(pieces, choices)).toBe("Our spring sale starts Monday. Shop now.");
  });

  it("leave the text as it was when nothing is accepted, and take the proposal when all is", () => {
    expect(applyChoices(pieces, new Map())).toBe("Our huge sale starts Monday.");
    const all = new Map<number, Choice>([0, 1, 2].map((i) => [i, "accept"]));
    expect(applyChoices(pieces, all)).toBe("Our spring sale starts Tuesday. Shop now.");
  });
});

describe("a rewrite, by sentences", () => {
  const before = "Our sale starts Monday. Everything is half off! Tell a friend.\nSee you there.";
  const after = "Spring is here, and so are our prices. Everything is half off! Bring two friends this time.\nSee you there.";

  it("splits a text into sentences that join back into it", () => {
    expect(sentences(before)).toEqual(["Our sale starts Monday. ", "Everything is half off! ", "Tell a friend.\n", "See you there."]);
    expect(sentences(after).join("")).toBe(after);
    expect(sentences("")).toEqual([]);
  });

  it("tells a rewrite from an edit", () => {
    expect(mostlyRewritten([{ kind: "same", text: "Our spring sale starts on " }, { kind: "change", index: 0, removed: "Monday", added: "Tuesday" }, { kind: "same", text: " at noon sharp." }])).toBe(false);
    expect(mostlyRewritten(toPieces(spans))).toBe(true);
    expect(mostlyRewritten([{ kind: "same", text: "Hello " }, { kind: "change", index: 0, removed: "a b c", added: "x y z w" }])).toBe(true);
  });

  it("pairs the sentences of a changed run, one change each", () => {
    const pieces = sentencePieces("One. Two. Three.", "Uno. Dos. Three. Four.");
    expect(pieces).toEqual([
      { kind: "change", index: 0, removed: "One. ", added: "Uno. " },
      { kind: "change", index: 1, removed: "Two. ", added: "Dos. " },
      { kind: "same", text: "Three." },
      { kind: "change", index: 2, removed: "", added: " Four." },
    ]);
    expect(applyChoices(pieces, new Map<number, Choice>([[2, "accept"]]))).toBe("One. Two. Three. Four.");
  });

  it("offers each changed sentence whole, and takes what is accepted", () => {
    const pieces = sentencePieces(before, after);
    expect(changeCount(pieces)).toBe(2);
    expect(pieces[0]).toEqual({ kind: "change", index: 0, removed: "Our sale starts Monday. ", added: "Spring is here, and so are our prices. " });
    expect(pieces[2]).toEqual({ kind: "change", index: 1, removed: "Tell a friend.\n", added: "Bring two friends this time.\n" });
    expect(applyChoices(pieces, new Map<number, Choice>([[0, "accept"]]))).toBe("Spring is here, and so are our prices. Everything is half off! Tell a friend.\nSee you there.");
    expect(applyChoices(pieces, new Map<number, Choice>([[0, "accept"], [1, "accept"]]))).toBe(after);
    expect(applyChoices(pieces, new Map())).toBe(before);
  });
});
