import type { Document, Project } from "../bindings";
import { STATUS_LABELS } from "../lib/labels";

interface FeedbackPanelProps {
  project: Project | null;
  document: Document | null;
  words: number;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The right-hand panel: where feedback on the open document is given and shown. */
export function FeedbackPanel({ project, document, words }: FeedbackPanelProps) {
  return (
    <aside className="feedback" aria-label="Feedback" data-testid="feedback-panel">
      <h2>Feedback</h2>
      {!document || !project ? (
        <p className="muted">Open a document to rate it, tag it and comment on it.</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`status status-${document.status}`}>{STATUS_LABELS[document.status]}</span>
            </dd>
            <dt>Project</dt>
            <dd>{project.name}</dd>
            <dt>Words</dt>
            <dd data-testid="word-count">{words}</dd>
            <dt>Created</dt>
            <dd>{when(document.created_at)}</dd>
            <dt>Last saved</dt>
            <dd>{when(document.updated_at)}</dd>
          </dl>
          <h3>Rubric</h3>
          <ul className="rubric">
            {project.rubric.map((d) => (
              <li key={d.name} title={d.description}>
                <span>{d.name}</span>
                <span className="muted">
                  {d.min}–{d.max}
                </span>
              </li>
            ))}
          </ul>
          <h3>Tags</h3>
          <div className="tags">
            {project.tags.map((t) => (
              <span key={t} className="chip">
                {t}
              </span>
            ))}
          </div>
          <p className="muted hint">No feedback yet. Ratings, tags and comments on this document's drafts will show here.</p>
        </>
      )}
    </aside>
  );
}
