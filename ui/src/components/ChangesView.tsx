import type { DocumentChanges } from "../bindings";
import { actorName } from "../lib/feedback";

/** The text against the model's first draft: who inserted and deleted what. */
export function ChangesView({ changes }: { changes: DocumentChanges | null }) {
  if (!changes) return <div className="changes-view muted">Loading changes…</div>;
  if (changes.changes.length === 0) {
    return (
      <div className="changes-view" data-testid="changes-view">
        <p className="muted">No model draft in this document yet: generate one to see what people change in it.</p>
      </div>
    );
  }
  const name = (i: number) => {
    const a = changes.authors[i];
    return a ? (a.kind === "model" ? `${a.name} (model)` : actorName(a.name)) : "someone";
  };
  return (
    <div className="changes-view" data-testid="changes-view">
      <div className="legend small">
        {changes.authors.map((a, i) => (
          <span key={i} className={`author author-${i % 6}`}>
            {i === 0 ? "Draft" : a.kind === "model" ? "Model revision" : "Edits"} by {name(i)}
          </span>
        ))}
        {/* The words' colours are History's; the colour of the line says who. */}
        <span className="muted word-changes">
          <span>
            <del>Struck through</del>: deleted.
          </span>{" "}
          <span>
            <ins>Underlined</ins>: inserted.
          </span>{" "}
          The line's colour says who made the change.
        </span>
      </div>
      <div className="changes-text word-changes">
        {changes.changes.map((c, i) =>
          c.kind === "draft" ? (
            <span key={i}>{c.text}</span>
          ) : c.kind === "inserted" ? (
            <ins key={i} className={`author-${c.author % 6}`} title={`Inserted by ${name(c.author)}`}>
              {c.text}
            </ins>
          ) : (
            <del key={i} className={`author-${c.author % 6}`} title={`Deleted by ${name(c.author)}`}>
              {c.text}
            </del>
          ),
        )}
      </div>
    </div>
  );
}
