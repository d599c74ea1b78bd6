import type { DiffSpan } from "../bindings";

/** Word-level changes, in the colours every view shares (`.word-changes`): deletions
 * struck through, insertions underlined; a deletion and the insertion that replaces it
 * are set apart, so "for" and "Spring" do not read as "forSpring". */
export function DiffView({ spans }: { spans: DiffSpan[] }) {
  return (
    <div className="diff word-changes" data-testid="diff">
      {spans.map((s, i) =>
        s.kind === "equal" ? (
          <span key={i}>{s.text}</span>
        ) : s.kind === "insert" ? (
          <ins key={i}>{s.text}</ins>
        ) : (
          <del key={i}>{s.text}</del>
        ),
      )}
    </div>
  );
}
