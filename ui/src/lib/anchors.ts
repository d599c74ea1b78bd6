// Span anchors: a tag or comment on some words is an `annotation` mark on them, with the
// anchor id its feedback event names. ProseMirror maps marks through every edit, so the
// note stays on the right words; the marks live in the editor JSON, so they come back
// after a restart.
import type { Node as PmDoc } from "@tiptap/pm/model";

export const ANNOTATION = "annotation";

/** The mark's rules, shared by the editor extension and the tests' schema. */
export const annotationRules = {
  // Typing just after a note does not extend it.
  inclusive: false,
  // Notes overlap: a tag and a comment may cover the same words.
  excludes: "",
} as const;

export type AnnotationKind = "tag" | "comment";

export interface AnchorRange {
  id: string;
  kind: AnnotationKind;
  label: string;
  from: number;
  to: number;
  text: string;
}

/** Where each anchor is now: from its first to its last marked character. */
export function anchorRanges(doc: PmDoc): Map<string, AnchorRange> {
  const ranges = new Map<string, AnchorRange>();
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type.name !== ANNOTATION) continue;
      const id = String(mark.attrs.id);
      const end = pos + node.nodeSize;
      const range = ranges.get(id);
      if (range) {
        range.from = Math.min(range.from, pos);
        range.to = Math.max(range.to, end);
      } else {
        ranges.set(id, { id, kind: mark.attrs.kind === "comment" ? "comment" : "tag", label: String(mark.attrs.label ?? ""), from: pos, to: end, text: "" });
      }
    }
    return false;
  });
  for (const range of ranges.values()) range.text = doc.textBetween(range.from, range.to, " ");
  return ranges;
}

export function newAnchorId(): string {
  return `a-${crypto.randomUUID()}`;
}
