// A proposed revision as changes to take one at a time: each run of deleted and
// inserted words between unchanged text is one change, accepted or rejected by itself.
import type { DiffSpan } from "../bindings";

export type Piece = { kind: "same"; text: string } | { kind: "change"; index: number; removed: string; added: string };

export type Choice = "accept" | "reject";

export function toPieces(spans: DiffSpan[]): Piece[] {
  const pieces: Piece[] = [];
  let changes = 0;
  for (const span of spans) {
    const last = pieces[pieces.length - 1];
    if (span.kind === "equal") {
      pieces.push({ kind: "same", text: span.text });
    } else if (last?.kind === "change") {
      if (span.kind === "delete") last.removed += span.text;
      else last.added += span.text;
    } else {
      pieces.push({ kind: "change", index: changes++, removed: span.kind === "delete" ? span.text : "", added: span.kind === "insert" ? span.text : "" });
    }
  }
  return pieces;
}

/** The text with accepted changes taken and every other change left as it was. */
export function applyChoices(pieces: Piece[], choices: ReadonlyMap<number, Choice>): string {
  return pieces.map((p) => (p.kind === "same" ? p.text : choices.get(p.index) === "accept" ? p.added : p.removed)).join("");
}

export function changeCount(pieces: Piece[]): number {
  return pieces.filter((p) => p.kind === "change").length;
}
