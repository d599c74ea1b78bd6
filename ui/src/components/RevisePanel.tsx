import { useEffect, useState } from "react";
import { api, toApiError } from "../api";
import type { DiffSpan, Document, Generation, Provider } from "../bindings";
import { fromMarkdown, toMarkdown } from "../lib/markdown";
import { DiffView } from "./DiffView";

interface RevisePanelProps {
  document: Document;
  flush: () => Promise<void>;
  onApplied: (doc: Document) => void;
  onClose: () => void;
}

/** "Revise with notes": the model's revision arrives as a change to accept or reject. */
export function RevisePanel({ document: doc, flush, onApplied, onClose }: RevisePanelProps) {
  const [providers, setProviders] = useState<Provider[]>([]);
  const [provider, setProvider] = useState("");
  const [notes, setNotes] = useState("");
  const [streamed, setStreamed] = useState("");
  const [proposal, setProposal] = useState<{ generation: Generation; spans: DiffSpan[] } | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .listProviders()
      .then((p) => {
        setProviders(p);
        setProvider((c) => c || p[0]?.name || "");
      })
      .catch((e: unknown) => setError(toApiError(e).message));
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
      setProposal({ generation, spans: await api.diffTexts(current.body_markdown, proposed) });
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setRunning(false);
    }
  };

  const accept = async () => {
    if (!proposal) return;
    try {
      await flush();
      const json = fromMarkdown(proposal.generation.output);
      onApplied(await api.applyGeneration(doc.id, proposal.generation.id, { body_json: JSON.stringify(json), body_markdown: toMarkdown(json) }));
      setProposal(null);
      setNotes("");
    } catch (e) {
      setError(toApiError(e).message);
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
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {running && streamed && <div className="variant-text streaming-preview">{streamed}</div>}
      {proposal && (
        <div className="proposal" data-testid="proposal">
          <p className="muted small">The model proposes these changes to your text:</p>
          <DiffView spans={proposal.spans} />
          <div className="dialog-actions">
            <button data-testid="reject-revision" onClick={() => setProposal(null)}>
              Reject
            </button>
            <button className="primary" data-testid="accept-revision" onClick={() => void accept()}>
              Accept
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
