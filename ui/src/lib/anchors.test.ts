import { describe, expect, it } from "vitest";
import { Schema } from "@tiptap/pm/model";
import { EditorState } from "@tiptap/pm/state";
import { ANNOTATION, anchorRanges, annotationRules } from "./anchors";

const schema = new Schema({
  nodes: {
    doc: { content: "paragraph+" },
    paragraph: { content: "text*", toDOM: () => ["p", 0] },
    text: {},
  },
  marks: {
    [ANNOTATION]: { attrs: { id: {}, kind: { default: "tag" }, label: { default: "" } }, ...annotationRules },
  },
});

const SENTENCE = "Our sale starts Monday at noon.";

/** A paragraph with "Monday" tagged as anchor a1. */
function tagged(): EditorState {
  const doc = schema.node("doc", null, [schema.node("paragraph", null, [schema.text(SENTENCE)])]);
  const state = EditorState.create({ doc });
  const from = 1 + SENTENCE.indexOf("Monday");
  const tr = state.tr.addMark(from, from + "Monday".length, schema.marks[ANNOTATION]!.create({ id: "a1", label: "factual-error" }));
  return state.apply(tr);
}

function range(state: EditorState) {
  const r = anchorRanges(state.doc).get("a1");
  return r ? { from: r.from, to: r.to, text: r.text } : null;
}

describe("span anchors", () => {
  it("find the marked words", () => {
    const at = 1 + SENTENCE.indexOf("Monday");
    expect(range(tagged())).toEqual({ from: at, to: at + 6, text: "Monday" });
  });

  it("move with an edit before the span", () => {
    const state = tagged();
    const before = range(state)!;
    const next = state.apply(state.tr.insertText("big ", 5));
    expect(range(next)).toEqual({ from: before.from + 4, to: before.to + 4, text: "Monday" });
  });

  it("grow with an edit inside the span", () => {
    const state = tagged();
    const before = range(state)!;
    const next = state.apply(state.tr.insertText("-ish ", before.from + 3));
    expect(range(next)).toEqual({ from: before.from, to: before.to + 5, text: "Mon-ish day" });
  });

  it("stay put with an edit after the span, even right at its end", () => {
    const state = tagged();
    const before = range(state)!;
    let next = state.apply(state.tr.insertText("!", before.to));
    expect(range(next)).toEqual(before);
    next = next.apply(next.tr.insertText(" sharp", next.doc.content.size - 2));
    expect(range(next)).toEqual(before);
  });

  it("shrink when part of the span is deleted and vanish with all of it", () => {
    const state = tagged();
    const before = range(state)!;
    // Delete from two characters before the span into its middle.
    let next = state.apply(state.tr.delete(before.from - 2, before.from + 3));
    expect(range(next)).toEqual({ from: before.from - 2, to: before.from + 1, text: "day" });
    next = next.apply(next.tr.delete(before.from - 2, before.from + 1));
    expect(range(next)).toBeNull();
  });

  it("survive a round trip through the editor JSON", () => {
    const state = tagged();
    const restored = schema.nodeFromJSON(JSON.parse(JSON.stringify(state.doc.toJSON())));
    expect(anchorRanges(restored).get("a1")?.text).toBe("Monday");
  });
});
