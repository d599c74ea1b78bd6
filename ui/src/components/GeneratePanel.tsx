import { useCallback, useEffect, useRef, useState } from "react";
import { api, toApiError, type ApiError } from "../api";
import type { Document, Feedback, Generation, PromptVersion, Provider, VariantSet } from "../bindings";
import { activityOn, serially, useChanged } from "../lib/changed";
import { when } from "../lib/dates";
import { keyCode } from "../lib/keys";
import { variableLabel } from "../lib/labels";
import { ErrorNote } from "./ErrorNote";
import { fromMarkdown, toMarkdown } from "../lib/markdown";
import { ConfidenceBadge } from "./ConfidenceBadge";

type VariantState = { text: string; status: "streaming" | "done" | "cancelled" | "incomplete"; generation: Generation | null };

interface GeneratePanelProps {
  document: Document;
  /** Saves pending edits before the model's text replaces them. */
  flush: () => Promise<void>;
  /** The text is the variant's now; `what` names it ("Variant B"). */
  onApplied: (doc: Document, what: string) => void;
  /** Records "A is better / B is better / tie" on the chosen generation. */
  onPreference: (feedback: Feedback, chosenId: string) => Promise<void>;
  onOpenPrompt: () => void;
  onOpenProviders: () => void;
  onClose: () => void;
  /** The request to show first (from History); else the latest. */
  initialGroup?: string | null;
  /** The generation whose text is in the editor. */
  inEditor?: string | null;
}

function shownVariants(set: VariantSet): VariantState[] {
  return set.variants.map((g) => ({ text: g.output, status: g.incomplete || g.error ? "incomplete" : "done", generation: g }));
}


/** Generate 1–4 variants side by side from the project's prompt and the document's brief. */
export function GeneratePanel(props: GeneratePanelProps) {
  const { document: doc } = props;
  const [prompt, setPrompt] = useState<PromptVersion | null | undefined>(undefined);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [provider, setProvider] = useState("");
  const [n, setN] = useState(2);
  const [brief, setBrief] = useState<Record<string, string>>(() => ({ ...(doc.brief as Record<string, string>) }));
  const [variants, setVariants] = useState<VariantState[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const requestId = useRef("");
  const [pair, setPair] = useState<[number, number]>([0, 1]);
  const [why, setWhy] = useState("");
  const [preferred, setPreferred] = useState<string | null>(null);
  // Every request made for the document stays here: reopened after a switch or a
  // restart, its variants can be compared, used and preferred as when they came.
  const [sets, setSets] = useState<VariantSet[]>([]);
  const [shown, setShown] = useState<string | null>(props.initialGroup ?? null);
  const runningRef = useRef(false);
  runningRef.current = running;

  // Reads one after another, so the last change's answer is the one shown.
  const [inOrder] = useState(serially);
  const readPrompt = useCallback(() => {
    inOrder(async () => setPrompt((await api.listPromptVersions(doc.project_id))[0] ?? null)).catch((e: unknown) => setError(toApiError(e)));
  }, [doc.project_id, inOrder]);
  const readProviders = useCallback(() => {
    inOrder(async () => {
      const p = await api.listProviders();
      setProviders(p);
      setProvider((current) => (p.some((q) => q.name === current) ? current : (p[0]?.name ?? "")));
    }).catch((e: unknown) => setError(toApiError(e)));
  }, [inOrder]);
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const readSets = useCallback(() => {
    inOrder(async () => {
      const all = await api.documentRequests(doc.id);
      setSets(all);
      // While variants stream in, the panel shows them, not what was stored.
      if (runningRef.current) return;
      const set = all.find((s) => s.group_id === shownRef.current) ?? all[0];
      if (!set) return;
      if (set.group_id !== shownRef.current) {
        setShown(set.group_id);
        setVariants(shownVariants(set));
      } else setVariants((vs) => (vs.length === 0 ? shownVariants(set) : vs));
    }).catch((e: unknown) => setError(toApiError(e)));
  }, [doc.id, inOrder]);
  useEffect(() => {
    readPrompt();
    readProviders();
    readSets();
  }, [readPrompt, readProviders, readSets]);
  const showSet = (groupId: string) => {
    const set = sets.find((s) => s.group_id === groupId);
    if (!set) return;
    setShown(groupId);
    setVariants(shownVariants(set));
    setPair([0, 1]);
    setPreferred(null);
  };
  // A provider added or a prompt saved while the panel is open (say, after "Open
  // Providers" on an error) is offered at once.
  useChanged((changed) => {
    if (changed.everything || changed.providers) readProviders();
    if (changed.everything || changed.projects.includes(doc.project_id)) readPrompt();
    if (activityOn(changed, doc.id)) readSets();
  });

  const generate = async () => {
    setError(null);
    setRunning(true);
    requestId.current = `${doc.id}:${Date.now()}`;
    setPreferred(null);
    setPair([0, 1]);
    setVariants(Array.from({ length: n }, () => ({ text: "", status: "streaming", generation: null })));
    try {
      await api.setDocumentBrief(doc.id, brief);
      const generations = await api.generate(
        { request_id: requestId.current, document_id: doc.id, provider, model: null, n, temperature: null },
        (token) =>
          setVariants((vs) => vs.map((v, i) => (i === token.variant && v.status === "streaming" ? { ...v, text: v.text + token.text } : v))),
      );
      setShown(generations[0]?.group_id ?? null);
      setVariants((vs) =>
        vs.map((v, i) => {
          const g = generations[i] ?? null;
          // A cancelled variant keeps the text it showed when it was stopped.
          if (v.status === "cancelled") return { ...v, generation: g };
          return { text: g?.output ?? v.text, status: g?.incomplete ? "incomplete" : "done", generation: g };
        }),
      );
    } catch (e) {
      setError(toApiError(e));
      setVariants((vs) => vs.map((v) => (v.status === "streaming" ? { ...v, status: "incomplete" } : v)));
    } finally {
      setRunning(false);
    }
  };

  const cancel = (i: number) => {
    setVariants((vs) => vs.map((v, j) => (j === i ? { ...v, status: "cancelled" } : v)));
    void api.cancelVariant(requestId.current, i);
  };

  const use = async (v: VariantState, what: string) => {
    if (!v.generation) return;
    try {
      await props.flush();
      const json = fromMarkdown(v.generation.output);
      const updated = await api.applyGeneration(doc.id, v.generation.id, { body_json: JSON.stringify(json), body_markdown: toMarkdown(json) });
      props.onApplied(updated, what);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const letter = (i: number) => String.fromCharCode(65 + i);
  const comparable = !running && variants.filter((v) => v.generation && v.text).length >= 2;
  const prefer = async (choice: "first" | "second" | "tie") => {
    const [a, b] = pair.map((i) => variants[i]?.generation ?? null);
    if (!a || !b || a.id === b.id) return;
    const [chosen, rejected] = choice === "second" ? [b, a] : [a, b];
    try {
      await props.onPreference({ kind: "preference", chosen: chosen.id, rejected: rejected.id, tie: choice === "tie", reason: why.trim() || null }, chosen.id);
      setPreferred(choice === "tie" ? `Tie between ${letter(pair[0])} and ${letter(pair[1])}` : `${letter(choice === "first" ? pair[0] : pair[1])} is better`);
      setWhy("");
    } catch {
      // The pane has shown the error.
    }
  };
  const preferRef = useRef(prefer);
  preferRef.current = prefer;
  useEffect(() => {
    if (!comparable) return;
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const choice = ({ Digit1: "first", Digit2: "second", Digit0: "tie" } as const)[keyCode(e) as "Digit1" | "Digit2" | "Digit0"];
      if (!choice) return;
      e.preventDefault();
      void preferRef.current(choice);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [comparable]);

  // The brief is complete when every variable of the prompt has a value.
  // An email's subject and preheader fill {{subject}} and {{preheader}} when it has them.
  const fromEmail = (v: string): string | null => (v === "subject" || v === "preheader") && doc[v].trim() ? doc[v] : null;
  const unfilled = (prompt?.variables ?? []).filter((v) => !fromEmail(v) && !brief[v]?.trim());
  const ready = prompt && provider && !running && unfilled.length === 0;
  return (
    <section className="generate-panel" data-testid="generate-panel" aria-label="Generate">
      <div className="generate-controls">
        {prompt === null ? (
          <p className="muted">
            This project has no prompt yet.{" "}
            <button className="link accent" onClick={props.onOpenPrompt}>
              Write the prompt
            </button>
          </p>
        ) : (
          prompt?.variables.map((name) => (
            <label key={name} className="inline-field">
              {variableLabel(name)}
              {fromEmail(name) !== null ? (
                <input data-testid={`brief-${name}`} value={fromEmail(name) ?? ""} readOnly title="From the email's own field, above the text" />
              ) : (
                <input data-testid={`brief-${name}`} value={brief[name] ?? ""} onChange={(e) => setBrief((b) => ({ ...b, [name]: e.target.value }))} />
              )}
            </label>
          ))
        )}
        {providers.length === 0 ? (
          <p className="muted">
            No provider yet.{" "}
            <button className="link accent" onClick={props.onOpenProviders}>
              Add a provider
            </button>
          </p>
        ) : (
          <label className="inline-field">
            Provider
            <select data-testid="generate-provider" value={provider} onChange={(e) => setProvider(e.target.value)}>
              {providers.map((p) => (
                <option key={p.id} value={p.name}>
                  {p.name} · {p.default_model}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="inline-field">
          Variants
          <select data-testid="generate-n" value={n} onChange={(e) => setN(Number(e.target.value))}>
            {[1, 2, 3, 4].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button
          className="primary"
          data-testid="generate"
          disabled={!ready}
          title={unfilled.length > 0 ? `Fill in the brief first: ${unfilled.map(variableLabel).join(", ")}` : "Generate variants from the prompt and the brief"}
          onClick={() => void generate()}
        >
          {running ? "Generating…" : "Generate"}
        </button>
        <button className="icon close" aria-label="Close generate panel" onClick={props.onClose}>
          ×
        </button>
      </div>
      <ErrorNote error={error} onOpenProviders={props.onOpenProviders} testId="generate-error" />
      {sets.length > 0 && !running && (
        <label className="inline-field request-picker">
          Variants of
          <select data-testid="variant-set" value={shown ?? ""} onChange={(e) => showSet(e.target.value)}>
            {sets.map((s, i) => (
              <option key={s.group_id} value={s.group_id}>
                {i === 0 ? "the latest request" : "an earlier request"} · {when(s.created_at)} · {s.variants.length} variant{s.variants.length === 1 ? "" : "s"}
              </option>
            ))}
          </select>
        </label>
      )}
      {variants.length > 0 && (
        <div className="variants">
          {variants.map((v, i) => (
            <article key={i} className={`variant ${v.status}`} data-testid="variant" data-status={v.status}>
              <header>
                <strong>Variant {letter(i)}</strong>
                {v.generation && v.generation.id === props.inEditor && (
                  <span className="chip on" data-testid="variant-in-editor">
                    in the editor
                  </span>
                )}
                {v.generation?.confidence != null && <ConfidenceBadge generationId={v.generation.id} score={v.generation.confidence} />}
                <span className="muted small">{v.status === "streaming" ? "writing…" : v.status}</span>
              </header>
              <div className="variant-text">{v.text}</div>
              <footer>
                {v.status === "streaming" ? (
                  <button onClick={() => cancel(i)} data-testid="cancel-variant">
                    Cancel
                  </button>
                ) : (
                  <button className="primary" disabled={!v.generation || !v.text} onClick={() => void use(v, `Variant ${letter(i)}`)} data-testid="use-variant">
                    Use this
                  </button>
                )}
              </footer>
            </article>
          ))}
        </div>
      )}
      {comparable && (
        <div className="preference" data-testid="preference-bar" role="group" aria-label="Which variant is better">
          {variants.length > 2 && (
            <>
              <select aria-label="First variant" value={pair[0]} onChange={(e) => setPair([Number(e.target.value), pair[1]])}>
                {variants.map((_, i) => (
                  <option key={i} value={i}>
                    {letter(i)}
                  </option>
                ))}
              </select>
              <span className="muted small">vs</span>
              <select aria-label="Second variant" value={pair[1]} onChange={(e) => setPair([pair[0], Number(e.target.value)])}>
                {variants.map((_, i) => (
                  <option key={i} value={i}>
                    {letter(i)}
                  </option>
                ))}
              </select>
            </>
          )}
          <button data-testid="prefer-first" title="Alt+1" onClick={() => void prefer("first")}>
            {letter(pair[0])} is better
          </button>
          <button data-testid="prefer-second" title="Alt+2" onClick={() => void prefer("second")}>
            {letter(pair[1])} is better
          </button>
          <button data-testid="prefer-tie" title="Alt+0" onClick={() => void prefer("tie")}>
            Tie
          </button>
          <input data-testid="preference-reason" placeholder="Why? (optional)" value={why} onChange={(e) => setWhy(e.target.value)} />
          {preferred && (
            <span className="muted small" data-testid="preference-recorded" role="status">
              ✓ {preferred}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
