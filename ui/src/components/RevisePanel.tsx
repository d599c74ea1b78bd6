import { useEffect, useState } from "react";
import { api, toApiError, type ApiError } from "../api";
import type { Document, Generation, Provider } from "../bindings";
import { applyChoices, changeCount, mostlyRewritten, sentencePieces, toPieces, type Choice, type Piece } from "../lib/hunks";
import { fromMarkdown, toMarkdown } from "../lib/markdown";
import { ErrorNote } from "./ErrorNote";

interface RevisePanelProps {
  document: Document;
  flush: () => Promise<void>;
  onApplied: (doc: Document, what: string) => void;
  onClose: () => void;
  /** Where a bad key or an unreachable server is fixed. */
  onOpenProviders: () => void;
}

/** "Revise with notes": the model's revision arrives as changes to accept or reject,
 * one at a time or all at once. */
export function RevisePanel({ document: doc, flush, onApplied, onClose, onOpenProviders }: RevisePanelProps) {
  const [providers, setProviders] = useState<Provider[]>([]);
  const [provider, setProvider] = useState("");
  const [notes, setNotes] = useState("");
  const [streamed, setStreamed] = useState("");
  // `bySentence`: most words changed, so the proposal is shown a sentence at a time,
  // before beside after, rather than as word swaps nobody can read.
  const [proposal, setProposal] = useState<{ generation: Generation; pieces: Piece[]; bySentence: boolean } | null>(null);
  const [choices, setChoices] = useState<Map<number, Choice>>(new Map());
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api
      .listProviders()
      .then((p) => {
        setProviders(p);
        setProvider((c) => c || p[0]?.name || "");
      })
      .catch((e: unknown) => setError(toApiError(e)));
  }, []);

  const revise = async () => {
    setError(null);
    setProposal(null);
    setStreamed("");
    setRunning(true);
    try {
      await flush();
      const current = await api.getDocument(doc.id);
      const generation = await api.revise(
        { request_id: `${doc.id}:revise:${Date.now()}`, document_id: doc.id, provider, notes },
        (t) => setStreamed((s) => s + t.text),
      );
      const proposed = toMarkdown(fromMarkdown(generation.output));
      setChoices(new Map());
      const words = toPieces(await api.diffTexts(current.body_markdown, proposed));
      const bySentence = mostlyRewritten(words);
      setProposal({ generation, pieces: bySentence ? sentencePieces(current.body_markdown, proposed) : words, bySentence });
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setRunning(false);
    }
  };

  const choose = (index: number, choice: Choice) => setChoices((c) => new Map(c).set(index, choice));
  const changeButtons = (index: number) => (
    <>
      <button className="change-button" aria-label={`Accept change ${index + 1}`} data-testid="accept-change" onClick={() => choose(index, "accept")}>
        ✓
      </button>
      <button className="change-button" aria-label={`Reject change ${index + 1}`} data-testid="reject-change" onClick={() => choose(index, "reject")}>
        ✗
      </button>
    </>
  );
  const chooseAll = (choice: Choice) => proposal && setChoices(new Map(proposal.pieces.flatMap((p) => (p.kind === "change" ? [[p.index, choice] as const] : []))));
  const accepted = [...choices.values()].filter((c) => c === "accept").length;

  /** Takes the accepted changes; every other change keeps the person's words. */
  const apply = async () => {
    if (!proposal) return;
    if (accepted === 0) return setProposal(null);
    try {
      await flush();
      const json = fromMarkdown(applyChoices(proposal.pieces, choices));
      onApplied(await api.applyGeneration(doc.id, proposal.generation.id, { body_json: JSON.stringify(json), body_markdown: toMarkdown(json) }), "The revision");
      setProposal(null);
      setNotes("");
    } catch (e) {
      setError(toApiError(e));
    }
  };

  return (
    <section className="generate-panel" data-testid="revise-panel" aria-label="Revise with notes">
      <div className="generate-controls">
        <label className="inline-field grow">
          Notes for the model
          <textarea
            data-testid="revise-notes"
            rows={2}
            value={notes}
            placeholder="Shorter, and end with a call to action"
            onChange={(e) => setNotes(e.target.value)}
          />
        </label>
        {providers.length > 0 && (
          <label className="inline-field">
            Provider
            <select value={provider} onChange={(e) => setProvider(e.target.value)}>
              {providers.map((p) => (
                <option key={p.id} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button className="primary" data-testid="revise" disabled={running || !notes.trim() || !provider} onClick={() => void revise()}>
          {running ? "Revising…" : "Revise"}
        </button>
        <button className="icon close" aria-label="Close revise panel" onClick={onClose}>
          ×
        </button>
      </div>
      <ErrorNote error={error} onOpenProviders={onOpenProviders} testId="revise-error" />
      {running && streamed && <div className="variant-text streaming-preview">{streamed}</div>}
      {proposal && (
        <div className="proposal" data-testid="proposal">
          <p className="muted small">
            The model proposes {changeCount(proposal.pieces)} change{changeCount(proposal.pieces) === 1 ? "" : "s"} to your text{proposal.bySentence ? ", rewriting most of it: sentence by sentence" : ""}. Take them one at a time with ✓ and ✗, or all at once.
          </p>
          {proposal.bySentence ? (
            <div className="sentences" data-testid="proposal-by-sentence">
              <div className="sentences-head muted small">
                <span>Your text</span>
                <span>The model's</span>
              </div>
              {proposal.pieces.map((p, i) =>
                p.kind === "same" ? (
                  <p key={i} className="sentence-same">
                    {p.text}
                  </p>
                ) : (
                  <div key={i} className={`sentence-pair change-${choices.get(p.index) ?? "open"}`} data-testid="proposed-change" data-state={choices.get(p.index) ?? "open"}>
                    <del>{p.removed || "—"}</del>
                    <ins>{p.added || "—"}</ins>
                    <span className="sentence-choice">{changeButtons(p.index)}</span>
                  </div>
                ),
              )}
            </div>
          ) : (
            <div className="diff word-changes">
              {proposal.pieces.map((p, i) =>
                p.kind === "same" ? (
                  <span key={i}>{p.text}</span>
                ) : (
                  <span key={i} className={`change change-${choices.get(p.index) ?? "open"}`} data-testid="proposed-change" data-state={choices.get(p.index) ?? "open"}>
                    {p.removed && <del>{p.removed}</del>}
                    {p.added && <ins>{p.added}</ins>}
                    {changeButtons(p.index)}
                  </span>
                ),
              )}
            </div>
          )}
          <div className="dialog-actions">
            <button data-testid="reject-revision" onClick={() => chooseAll("reject")}>
              Reject all
            </button>
            <button data-testid="accept-all-changes" onClick={() => chooseAll("accept")}>
              Accept all
            </button>
            <button className="primary" data-testid="accept-revision" onClick={() => void apply()}>
              {accepted === 0 ? "Close" : `Apply ${accepted} accepted change${accepted === 1 ? "" : "s"}`}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
