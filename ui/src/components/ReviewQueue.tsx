import type { Editor as TiptapEditor } from "@tiptap/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, toApiError } from "../api";
import type { Confidence, Document, DocumentText, Generation, Project, QueueItem, QueueOrder, Verdict } from "../bindings";
import { gathered, useChanged } from "../lib/changed";
import { when } from "../lib/dates";
import { modalOpen } from "../lib/keys";
import { variableLabel } from "../lib/labels";
import { Editor } from "./Editor";

type Tab = "tier1" | "senior" | "audit";
type Mode = null | "reject" | "escalate" | "edit";

const TABS: { tab: Tab; label: string }[] = [
  { tab: "tier1", label: "To review" },
  { tab: "senior", label: "Escalated" },
  { tab: "audit", label: "Audit" },
];

interface Props {
  projects: Project[];
  onOpenDocument: (id: string) => void;
  onNotice: (message: string) => void;
}

function percent(x: number | null): string {
  return x === null ? "–" : `${Math.round(x * 100)}%`;
}

/** Whether a key press belongs to a field being typed in, not to the queue's shortcuts. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

/**
 * What waits for a person: each draft with why it was routed here, its brief, its
 * confidence breakdown, the model's draft and the editor. A opens nothing; keys act on
 * the selected item: A approve, R reject (a reason is required), E edit then approve
 * (Ctrl+Enter), S escalate with a note, J/K next and previous. The selected item is
 * held for this reviewer while it is open.
 */
export function ReviewQueue({ projects, onOpenDocument, onNotice }: Props) {
  const [tab, setTab] = useState<Tab>("tier1");
  const [order, setOrder] = useState<QueueOrder>("lowest_confidence");
  const [items, setItems] = useState<QueueItem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [held, setHeld] = useState<QueueItem | null>(null);
  const [heldError, setHeldError] = useState<string | null>(null);
  const [doc, setDoc] = useState<Document | null>(null);
  const [draft, setDraft] = useState<Generation | null>(null);
  const [confidence, setConfidence] = useState<Confidence | null>(null);
  const [mode, setMode] = useState<Mode>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const readText = useRef<(() => DocumentText) | null>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const editorFocus = useRef<(() => void) | null>(null);

  const load = useCallback(async () => {
    const filter = tab === "audit" ? { kind: "audit" as const, tier: null } : { kind: "review" as const, tier: tab === "senior" ? 2 : 1 };
    const list = await api.reviewQueue({ project_id: null, order, ...filter });
    setItems(list);
    setSelected((s) => (s && list.some((i) => i.id === s) ? s : (list[0]?.id ?? null)));
  }, [tab, order]);

  useEffect(() => {
    load().catch((e) => setError(toApiError(e).message));
  }, [load]);

  const latestLoad = useRef(load);
  latestLoad.current = load;
  const [reload] = useState(() => gathered<true>(() => latestLoad.current()));
  useChanged((changed) => {
    if (changed.everything || changed.documents.length > 0) void reload([true]);
  });

  // Opening an item holds it for this reviewer; moving on lets it go (time is counted).
  useEffect(() => {
    setMode(null);
    setReason("");
    setError(null);
    setHeld(null);
    setHeldError(null);
    setDoc(null);
    setDraft(null);
    setConfidence(null);
    if (!selected) return;
    let live = true;
    const item = items.find((i) => i.id === selected);
    (async () => {
      try {
        const opened = await api.openReviewItem(selected);
        if (live) setHeld(opened);
      } catch (e) {
        if (live) setHeldError(toApiError(e).message);
      }
      if (!item) return;
      const [d, requests] = await Promise.all([api.getDocument(item.document_id), api.documentRequests(item.document_id)]);
      const g = requests.flatMap((r) => r.variants).find((v) => v.id === item.generation_id) ?? null;
      const c = g ? await api.generationConfidence(g.id) : null;
      if (!live) return;
      setDoc(d);
      setDraft(g);
      setConfidence(c);
    })().catch((e) => live && setError(toApiError(e).message));
    return () => {
      live = false;
      void api.releaseReviewItem(selected).catch(() => undefined);
    };
    // The hold follows the selection, not every reload of the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const onEditorReady = useCallback((ed: TiptapEditor | null) => {
    editorFocus.current = ed ? () => ed.commands.focus("end") : null;
  }, []);

  const index = items.findIndex((i) => i.id === selected);
  const item = index >= 0 ? items[index] : null;
  const project = projects.find((p) => p.id === item?.project_id) ?? null;

  const decide = useCallback(
    async (verdict: Verdict, withText: boolean) => {
      if (!item || busy) return;
      if ((verdict === "reject" || verdict === "escalate") && !reason.trim()) {
        setError(verdict === "reject" ? "Say why the draft is rejected." : "Write a note for the senior reviewer.");
        return;
      }
      setBusy(true);
      setError(null);
      try {
        const text = withText && readText.current ? readText.current() : null;
        const reviewed = await api.reviewDocument({
          document_id: item.document_id,
          verdict,
          reason: verdict === "approve" ? null : reason.trim(),
          final_text: text,
        });
        const title = reviewed.document.title;
        // A review of a draft that asks for several decides it only once all are in.
        const onlyAReview = item.reviews_wanted > 1 && item.tier === 1 && verdict !== "escalate" && !reviewed.fallback && reviewed.document.status === "in_review";
        // The last review in, disagreeing: the draft went to the senior tier.
        const toSenior =
          onlyAReview && (await api.reviewQueue({ project_id: item.project_id, order, kind: "review", tier: 2 })).some((i) => i.document_id === item.document_id);
        const said = onlyAReview
          ? toSenior
            ? `Gave your review of "${title}": the reviewers disagreed, so it goes to a senior reviewer`
            : `Gave your review of "${title}"`
          :
          verdict === "approve"
            ? `Approved "${title}"`
            : verdict === "escalate"
              ? `Escalated "${title}" to a senior reviewer`
              : reviewed.fallback
                ? `Rejected "${title}"; the fallback's draft ${reviewed.fallback.route.route === "queued" ? "waits for review" : "was approved by the gate"}`
                : `Rejected "${title}"${reviewed.fallback_error ? ` (${reviewed.fallback_error})` : ""}`;
        onNotice(said);
        // The next item takes the decided one's place.
        const next = items[index + 1] ?? items[index - 1] ?? null;
        setSelected(next?.id ?? null);
        await load();
      } catch (e) {
        setError(toApiError(e).message);
      } finally {
        setBusy(false);
      }
    },
    [item, busy, reason, items, index, load, onNotice, order],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen() || e.altKey) return;
      if (mode === "edit" && (e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        void decide("approve", true);
        return;
      }
      if (e.key === "Escape" && mode) {
        e.preventDefault();
        setMode(null);
        setReason("");
        setError(null);
        return;
      }
      if (e.ctrlKey || e.metaKey || typing(e.target)) return;
      const key = e.key.toLowerCase();
      const move = (by: number) => {
        const next = items[Math.min(items.length - 1, Math.max(0, index + by))];
        if (next) setSelected(next.id);
      };
      if (key === "j") move(1);
      else if (key === "k") move(-1);
      else if (!item || heldError || (item.reviewed_by_me && item.tier === 1)) return;
      else if (key === "a") void decide("approve", false);
      else if (key === "r") setMode("reject");
      else if (key === "s" && tab === "tier1") setMode("escalate");
      else if (key === "e") setMode("edit");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, index, item, mode, tab, heldError, decide]);

  useEffect(() => {
    if (mode === "reject" || mode === "escalate") reasonRef.current?.focus();
    if (mode === "edit") editorFocus.current?.();
  }, [mode]);

  return (
    <main className="document-pane review-queue" data-testid="review-queue">
      <header className="queue-head">
        <h1>Review queue</h1>
        <div className="tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.tab} role="tab" aria-selected={tab === t.tab} className={tab === t.tab ? "active" : ""} data-testid={`queue-tab-${t.tab}`} onClick={() => setTab(t.tab)}>
              {t.label}
            </button>
          ))}
        </div>
        <label className="inline">
          Order
          <select data-testid="queue-order" value={order} onChange={(e) => setOrder(e.target.value as QueueOrder)}>
            <option value="lowest_confidence">Lowest confidence, oldest first</option>
            <option value="most_uncertain">Most uncertain first (teaches the score most)</option>
          </select>
        </label>
        <span className="muted small keys-hint">
          <kbd>A</kbd> approve · <kbd>R</kbd> reject · <kbd>E</kbd> edit · <kbd>S</kbd> escalate · <kbd>J</kbd>/<kbd>K</kbd> next/previous
        </span>
      </header>
      <div className="queue-body">
        <ul className="queue-list" data-testid="queue-list" aria-label="Drafts waiting">
          {items.length === 0 && <li className="muted empty" data-testid="queue-empty">Nothing waits here.</li>}
          {items.map((i) => (
            <li key={i.id}>
              <button className={`queue-item ${i.id === selected ? "active" : ""}`} data-testid="queue-item" data-title={i.title} onClick={() => setSelected(i.id)}>
                <span className="queue-score" data-testid="queue-score">{percent(i.confidence)}</span>
                <span className="name" title={i.title}>{i.title}</span>
                <span className="meta">
                  {i.project}
                  {i.overdue && <span className="overdue" data-testid="overdue"> · overdue</span>}
                  {i.held_by && <span> · {i.held_by} is on it</span>}
                  {i.reviews_wanted > 1 && (
                    <span data-testid="queue-reviews">
                      {" "}
                      · {i.reviews_in}/{i.reviews_wanted} reviews{i.reviewed_by_me ? ", yours in" : ""}
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {item ? (
          <section className="queue-detail" data-testid="queue-detail" data-title={item.title}>
            <div className="queue-detail-head">
              <h2>{item.title}</h2>
              <button type="button" className="link" onClick={() => onOpenDocument(item.document_id)}>
                Open in the editor
              </button>
            </div>
            {heldError ? (
              <p className="form-error" role="alert" data-testid="held-elsewhere">{heldError}</p>
            ) : (
              held?.held_until && <p className="muted small" data-testid="held-for-you">Held for you until {when(held.held_until)}.</p>
            )}
            {item.reviews_wanted > 1 && item.tier === 1 && (
              <p className="blind-review" data-testid="blind-review">
                {item.reviewed_by_me
                  ? `Your review is in (${item.reviews_in} of ${item.reviews_wanted}). The others' reviews show once all are in; if they disagree, the draft goes to a senior reviewer.`
                  : `Blind review: ${item.reviews_wanted} reviewers each decide without seeing the others' reviews (${item.reviews_in} in so far). When all agree, that is the decision.`}
              </p>
            )}
            <div className="why" data-testid="routing-reasons">
              <h3>Why it is here</h3>
              <ul>
                {item.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              {item.note && (
                <p className="escalation-note" data-testid="escalation-note">
                  {item.reviews_wanted > 1 ? "" : "Note from the reviewer: "}
                  {item.note}
                </p>
              )}
              {item.due_at && (
                <p className={`muted small ${item.overdue ? "overdue" : ""}`}>
                  {item.overdue ? "Overdue since" : "Due"} {when(item.due_at)}
                </p>
              )}
            </div>
            {doc && Object.keys(doc.brief).length > 0 && (
              <div className="brief-view" data-testid="queue-brief">
                <h3>Brief</h3>
                <dl>
                  {Object.entries(doc.brief).map(([k, v]) => (
                    <div key={k}>
                      <dt>{variableLabel(k)}</dt>
                      <dd>{v}</dd>
                    </div>
                  ))}
                </dl>
              </div>
            )}
            {confidence && (
              <div className="confidence" data-testid="confidence-breakdown">
                <h3>
                  Confidence {percent(confidence.score)}
                  {confidence.raw !== confidence.score && <span className="muted small"> (before calibration {percent(confidence.raw)})</span>}
                </h3>
                <ul>
                  {confidence.reasons.map((r, k) => (
                    <li key={k} className={r.passed ? "passed" : "failed"}>
                      <span aria-hidden="true">{r.passed ? "✓" : "✗"}</span> {r.detail}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {draft && doc && draft.output.trim() !== doc.body_markdown.trim() && (
              <details className="model-draft">
                <summary>The model's draft (the text below has changed since)</summary>
                <pre>{draft.output}</pre>
              </details>
            )}
            {doc && (
              <div className={`queue-editor ${mode === "edit" ? "editing" : ""}`} data-testid="queue-editor">
                <Editor
                  key={doc.id}
                  initialJson={doc.body_json}
                  initialMarkdown={doc.body_markdown}
                  editable={mode === "edit"}
                  onChange={(read) => (readText.current = read)}
                  onReady={onEditorReady}
                />
              </div>
            )}
            {(mode === "reject" || mode === "escalate") && (
              <form
                className="reason-row"
                onSubmit={(e) => {
                  e.preventDefault();
                  void decide(mode, false);
                }}
              >
                <label>
                  {mode === "reject" ? "Why is it rejected?" : "Note for the senior reviewer"}
                  <input
                    ref={reasonRef}
                    data-testid="review-reason"
                    list={mode === "reject" ? "reject-reasons" : undefined}
                    value={reason}
                    onChange={(e) => {
                      setReason(e.target.value);
                      setError(null);
                    }}
                    onKeyDown={(e) => {
                      // Enter decides, even while the list of tags is showing.
                      if (e.key === "Enter") {
                        e.preventDefault();
                        void decide(mode, false);
                      }
                    }}
                    placeholder={mode === "reject" ? "A tag, or your own words" : "What should they look at?"}
                  />
                </label>
                {mode === "reject" && (
                  <datalist id="reject-reasons">
                    {(project?.tags ?? []).map((t) => (
                      <option key={t} value={t} />
                    ))}
                  </datalist>
                )}
                <button type="submit" className="primary" data-testid="confirm-review" disabled={busy}>
                  {mode === "reject" ? "Reject" : "Escalate"}
                </button>
                <button type="button" onClick={() => setMode(null)}>
                  Cancel
                </button>
              </form>
            )}
            {error && (
              <p className="form-error" role="alert" data-testid="review-error">
                {error}
              </p>
            )}
            <div className="review-actions" hidden={item.reviewed_by_me && item.tier === 1}>
              {mode === "edit" ? (
                <button className="primary" data-testid="approve-edited" disabled={busy || !!heldError} onClick={() => void decide("approve", true)}>
                  Approve as edited <kbd>Ctrl+Enter</kbd>
                </button>
              ) : (
                <button className="primary" data-testid="review-approve" disabled={busy || !!heldError} onClick={() => void decide("approve", false)}>
                  Approve <kbd>A</kbd>
                </button>
              )}
              <button data-testid="review-edit" disabled={busy || !!heldError || mode === "edit"} onClick={() => setMode("edit")}>
                Edit <kbd>E</kbd>
              </button>
              <button data-testid="review-reject" disabled={busy || !!heldError} onClick={() => setMode("reject")}>
                Reject <kbd>R</kbd>
              </button>
              {tab === "tier1" && (
                <button data-testid="review-escalate" disabled={busy || !!heldError} onClick={() => setMode("escalate")}>
                  Escalate <kbd>S</kbd>
                </button>
              )}
            </div>
          </section>
        ) : (
          <section className="queue-detail empty-state">
            <p className="muted">{items.length ? "Pick a draft on the left." : "When drafts need a person, they wait here."}</p>
          </section>
        )}
      </div>
    </main>
  );
}
