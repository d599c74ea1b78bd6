import { useEffect, useState } from "react";
import { api, toApiError } from "../api";
import type { DiffSpan, Document, Profile, Revision, VariantSet } from "../bindings";
import { activityOn, useChanged } from "../lib/changed";
import { when } from "../lib/dates";
import { personName } from "../lib/feedback";
import { DiffView } from "./DiffView";

type Entry = { id: string; label: string; markdown: string; revision: boolean };

interface HistoryPanelProps {
  document: Document;
  /** Puts the revision's text back; `what` names it ("Revision #2"). */
  onRestore: (revisionId: string, what: string) => Promise<void>;
  /** Shows a request's variants in the Generate panel. */
  onOpenRequest: (groupId: string) => void;
  /** Everyone in the workspace: the names revisions are shown by. */
  people: readonly Profile[];
  onClose: () => void;
}

/** Every revision, by a person or by the model; any two compared word by word, and any
 * one put back (as a new revision: nothing after it is lost). */
export function HistoryPanel({ document: doc, onRestore, onOpenRequest, people, onClose }: HistoryPanelProps) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [requests, setRequests] = useState<VariantSet[]>([]);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [spans, setSpans] = useState<DiffSpan[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped when the core says the document has a new revision.
  const [version, setVersion] = useState(0);
  useChanged((changed) => {
    if (activityOn(changed, doc.id)) setVersion((v) => v + 1);
  });

  useEffect(() => {
    // Only the latest read lands; the chosen pair stays chosen while it exists.
    let latest = true;
    api
      .documentRequests(doc.id)
      .then((sets) => latest && setRequests(sets))
      .catch((e: unknown) => setError(toApiError(e).message));
    api
      .listRevisions(doc.id)
      .then((revisions: Revision[]) => {
        if (!latest) return;
        const list: Entry[] = revisions.map((r, i) => ({
          id: r.id,
          label: `#${i + 1} ${r.author_kind === "model" ? "model" : personName(people, r)} · ${when(r.created_at)}`,
          markdown: r.body_markdown,
          revision: true,
        }));
        list.push({ id: "current", label: "Current text", markdown: doc.body_markdown, revision: false });
        const has = (id: string | null) => id !== null && list.some((e) => e.id === id);
        setEntries(list);
        setFrom((f) => (has(f) ? f : list.length > 1 ? (list[list.length - 2]?.id ?? null) : null));
        setTo((t) => (has(t) ? t : "current"));
      })
      .catch((e: unknown) => setError(toApiError(e).message));
    return () => {
      latest = false;
    };
  }, [doc.id, doc.body_markdown, version]);

  useEffect(() => {
    const a = entries.find((e) => e.id === from);
    const b = entries.find((e) => e.id === to);
    if (!a || !b) return setSpans(null);
    api.diffTexts(a.markdown, b.markdown).then(setSpans).catch((e: unknown) => setError(toApiError(e).message));
  }, [entries, from, to]);

  return (
    <section className="generate-panel" data-testid="history-panel" aria-label="History">
      <div className="generate-controls">
        <strong>History</strong>
        <button className="icon close" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      </div>
      {error && <p className="form-error">{error}</p>}
      <table className="history">
        <thead>
          <tr>
            <th>From</th>
            <th>To</th>
            <th>Revision</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="revision">
              <td>
                <input type="radio" name="from" aria-label={`Compare from ${e.label}`} checked={from === e.id} onChange={() => setFrom(e.id)} />
              </td>
              <td>
                <input type="radio" name="to" aria-label={`Compare to ${e.label}`} checked={to === e.id} onChange={() => setTo(e.id)} />
              </td>
              <td>{e.label}</td>
              <td>
                {e.revision && e.markdown.trim() !== doc.body_markdown.trim() && (
                  <button
                    type="button"
                    className="tool"
                    data-testid="restore-revision"
                    title="Put this text back in the editor (undo takes it out again)"
                    onClick={() => onRestore(e.id, `Revision ${e.label.split(" ")[0] ?? ""}`).catch((err: unknown) => setError(toApiError(err).message))}
                  >
                    Restore
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {spans && <DiffView spans={spans} />}
      {requests.length > 0 && (
        <>
          <strong className="small">Requests to the model</strong>
          <ul className="requests" data-testid="requests">
            {requests.map((r) => (
              <li key={r.group_id} data-testid="request">
                <span>
                  {when(r.created_at)} · {r.variants[0]?.model ?? ""} · {r.variants.length} variant
                  {r.variants.length === 1 ? "" : "s"}
                </span>
                <span className="muted small">{r.variants.map((v) => v.output.slice(0, 60)).join(" · ")}</span>
                <button type="button" className="tool" data-testid="open-request" onClick={() => onOpenRequest(r.group_id)}>
                  Open
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
