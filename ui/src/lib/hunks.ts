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

/** The text's sentences, each with the space after it: joined, they are the text. */
export function sentences(text: string): string[] {
  return text.match(/[^.!?\n]*(?:[.!?]+["')\]]*|\n+|$)\s*/g)?.filter((t) => t !== "") ?? [];
}

/** Whether a third or more of the words changed: then word swaps cannot be read (a
 * dozen in two sentences), sentences side by side can. */
export function mostlyRewritten(pieces: Piece[]): boolean {
  const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
  let same = 0;
  let changed = 0;
  for (const p of pieces) {
    if (p.kind === "same") same += words(p.text);
    else changed += Math.max(words(p.removed), words(p.added));
  }
  return changed * 2 >= same;
}

/** The changes between two texts by whole sentences: in each run of sentences that
 * differ, the first removed is paired with the first added, and so on, and each pair
 * is one change to take or leave. */
export function sentencePieces(before: string, after: string): Piece[] {
  // The space after a sentence is not part of what it says.
  const same = (x: string, y: string) => x.trim() === y.trim();
  const a = sentences(before);
  const b = sentences(after);
  // Longest common subsequence of sentences (a text has tens of them).
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = same(a[i]!, b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const pieces: Piece[] = [];
  let changes = 0;
  let removed: string[] = [];
  let added: string[] = [];
  const pairUp = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      let add = added[k] ?? "";
      // A sentence added after the last one needs the space the last one had not.
      const last = pieces[pieces.length - 1];
      if (!removed[k] && add && last?.kind === "same" && !/\s$/.test(last.text) && !/^\s/.test(add)) add = ` ${add}`;
      pieces.push({ kind: "change", index: changes++, removed: removed[k] ?? "", added: add });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && same(a[i]!, b[j]!)) {
      pairUp();
      pieces.push({ kind: "same", text: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) added.push(b[j++]!);
    else removed.push(a[i++]!);
  }
  pairUp();
  return pieces;
}
