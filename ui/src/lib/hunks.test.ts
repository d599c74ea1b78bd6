import { describe, expect, it } from "vitest";
import type { DiffSpan } from "../bindings";
import { applyChoices, changeCount, toPieces, type Choice } from "./hunks";

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
