import { useCallback, useEffect, useState } from "react";
import { api, toApiError } from "../api";
import type { CurvePoint, DiffSpan, Insight, Insights, Project, PromptVersion, SuggestionDecision } from "../bindings";
import { Modal } from "./Dialog";
import { DiffView } from "./DiffView";
import { PhraseWithModel } from "./PhraseWithModel";

const KIND_LABELS: Record<string, string> = {
  replace_term: "word choice",
  remove_phrase: "removed phrase",
  add_phrase: "added phrase",
  shorten: "length",
  lengthen: "length",
  to_bullets: "structure",
  punctuation: "punctuation",
  emoji: "emoji",
  casing: "casing",
  contractions: "contractions",
  greeting: "greeting",
  closing: "closing",
  spelling_variant: "spelling",
  tagged: "tags",
  rated_low: "ratings",
  phrased: "written by the model",
};

/** Suggestions from what people said of drafts (tags, reasons, ratings), not from edits. */
const SAID = new Set(["tagged", "rated_low"]);

function decision(i: Insight, instruction: string, author: string | null, contentTypeWide = false): SuggestionDecision {
  const s = i.suggestion;
  return { kind: s.kind, key: i.key, instruction, support: s.support, doc_type: s.doc_type, examples: s.examples, author, content_type_wide: contentTypeWide };
}

/** `local:alice` → `alice`, when the person has no name in the workspace. */
const nameOf = (insights: Insights, author: string) => insights.authors.find((a) => a.author === author)?.name ?? author.replace(/^[^:]*:/, "");

/** How many drafts show a suggestion, and where it comes from. */
function support(i: Insight, pairs: number): string {
  const s = i.suggestion;
  if (SAID.has(s.kind)) return `on ${s.support} of ${String(s.details.of)} drafts people ${s.kind === "rated_low" ? "rated" : "gave feedback on"}`;
  if (s.kind === "phrased") {
    const grouped = s.details.grouped_by === "embeddings" ? "grouped by meaning" : "grouped by shared words";
    return `from sentences people ${s.details.added ? "added" : "cut"} in ${s.support} of ${String(s.details.of)} edited drafts, ${grouped} · phrased by ${String(s.details.provider)} (${String(s.details.model)})`;
  }
  return `in ${s.support} of ${pairs} edited drafts · explains ${Math.round(s.impact * 100)}% of all edits`;
}

/** A share of words as people read it. */
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** How much of the model's words people changed, per prompt version: lower means the
 * prompt asks for what people keep. */
function LearningCurve({ curve }: { curve: CurvePoint[] }) {
  const points = curve.filter((c) => c.mean_edit_distance !== null);
  const max = Math.max(0.05, ...points.map((c) => c.mean_edit_distance ?? 0));
  const x = (i: number) => 30 + (curve.length > 1 ? (i * 380) / (curve.length - 1) : 190);
  const y = (v: number) => 110 - (v / max) * 90;
  const path = curve
    .map((c, i) => (c.mean_edit_distance === null ? null : `${x(i)},${y(c.mean_edit_distance)}`))
    .filter(Boolean)
    .join(" ");
  return (
    <div className="curve" data-testid="learning-curve">
      <svg viewBox="0 0 440 130" role="img" aria-label="Share of the words people changed, per prompt version">
        <line x1="30" y1="110" x2="420" y2="110" className="axis" />
        <line x1="30" y1="15" x2="30" y2="110" className="axis" />
        <text x="2" y="20" className="tick">{percent(max)}</text>
        <text x="2" y="112" className="tick">0%</text>
        <text x="36" y="12" className="tick">words changed</text>
        <text x="420" y="104" className="tick" textAnchor="end">prompt version</text>
        {path && <polyline points={path} className="line" />}
        {curve.map((c, i) => (
          <g key={c.prompt_version_id}>
            {c.mean_edit_distance !== null && <circle cx={x(i)} cy={y(c.mean_edit_distance)} r="4" className={c.origin === "suggestion" ? "dot accepted" : "dot"} />}
            <text x={x(i) - 8} y="126" className="tick">
              v{c.version}
            </text>
          </g>
        ))}
      </svg>
      <table className="history">
        <thead>
          <tr>
            <th>Version</th>
            <th>Made</th>
            <th>Edited drafts</th>
            <th>Words changed</th>
            <th>Approval rate</th>
            <th>Needed a person</th>
          </tr>
        </thead>
        <tbody>
          {curve.map((c) => (
            <tr key={c.prompt_version_id}>
              <td>v{c.version}</td>
              <td>{c.origin === "suggestion" ? "from a suggestion" : "by hand"}</td>
              <td>{c.pairs}</td>
              <td>{c.mean_edit_distance === null ? "—" : percent(c.mean_edit_distance)}</td>
              <td>{c.approval_rate === null ? "no reviews yet" : `${Math.round(c.approval_rate * 100)}%`}</td>
              <td title="Of the drafts the review gate routed, the share it sent to a person">{c.needed_person === null ? "not routed yet" : percent(c.needed_person)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A project's Insights: what people keep changing, as prompt instructions to accept. */
export function InsightsDialog({ project, onOpenDocument, onClose }: { project: Project; onOpenDocument: (id: string) => void; onClose: () => void }) {
  const [insights, setInsights] = useState<Insights | null>(null);
  const [prompt, setPrompt] = useState<PromptVersion | null>(null);
  const [accepting, setAccepting] = useState<{ insight: Insight; instruction: string; system: string; spans: DiffSpan[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Whose drafts: everyone's (null) or one author's.
  const [author, setAuthor] = useState<string | null>(null);
  // Where an accepted instruction also goes: the other projects of the content type.
  const [alike, setAlike] = useState<Project[]>([]);
  const [wide, setWide] = useState(false);
  useEffect(() => {
    api
      .projectsLike(project.id)
      .then(setAlike)
      .catch(() => setAlike([]));
  }, [project.id]);

  const load = useCallback(async () => {
    try {
      // Both at once: a suggestion accepted before the prompt arrived would replace the
      // prompt with its instruction alone.
      const [found, versions] = await Promise.all([api.projectInsights(project.id, author), api.listPromptVersions(project.id)]);
      setPrompt(versions[0] ?? null);
      setInsights(found);
    } catch (e) {
      setError(toApiError(e).message);
    }
  }, [project.id, author]);
  useEffect(() => void load(), [load]);

  /** Accepting adds the instruction to the system prompt, or for one author's
   * pattern, to their block of it; shown as the change it makes. */
  const propose = async (insight: Insight, instruction: string) => {
    const current = author ? (prompt?.author_blocks[author] ?? "") : (prompt?.system_prompt ?? "");
    const changed = current.trim() ? `${current.trimEnd()}\n${instruction}` : instruction;
    setAccepting({ insight, instruction, system: author ? (prompt?.system_prompt ?? "") : changed, spans: await api.diffTexts(current, changed) });
  };
  const save = async () => {
    if (!accepting) return;
    try {
      const saved = await api.acceptSuggestion(project.id, decision(accepting.insight, accepting.instruction, author, wide && !author), accepting.system, prompt?.user_template ?? "{{brief}}");
      setWide(false);
      // The list is mined again; until then none of it can be accepted against the
      // prompt it was shown with.
      setPrompt(saved);
      setInsights(null);
      setAccepting(null);
      await load();
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const reject = async (insight: Insight) => {
    try {
      await api.rejectSuggestion(project.id, decision(insight, insight.suggestion.instruction, author));
      setInsights(null);
      await load();
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  return (
    <Modal title={`Insights for ${project.name}`} onClose={onClose} testId="insights-dialog" wide>
      {error && <p className="form-error" role="alert">{error}</p>}
      {!insights ? (
        <p className="muted">Mining your edits…</p>
      ) : (
        <>
          {insights.authors.length > 0 && !accepting && (
            <label className="inline-field scope">
              Edits by
              <select
                data-testid="insights-author"
                value={author ?? ""}
                onChange={(e) => {
                  setInsights(null);
                  setAuthor(e.target.value || null);
                }}
              >
                <option value="">Everyone (suggestions for the whole project)</option>
                {insights.authors.map((a) => (
                  <option key={a.author} value={a.author}>
                    {a.name}: {a.pairs} edited draft{a.pairs === 1 ? "" : "s"} (for {a.name}'s drafts only)
                  </option>
                ))}
              </select>
            </label>
          )}
          <p className="muted small">
            {insights.pairs === 0
              ? "No edited drafts yet."
              : `${insights.pairs} edited draft${insights.pairs === 1 ? "" : "s"}: people changed ${percent(insights.mean_edit_distance)} of the model's words on average.`}
          </p>
          {accepting ? (
            <section className="accepting" data-testid="accept-editor">
              <label className="inline-field">
                {author ? `Instruction for ${nameOf(insights, author)}'s drafts only` : "Instruction to add to the prompt"}
                <textarea rows={2} data-testid="suggestion-instruction" value={accepting.instruction} onChange={(e) => void propose(accepting.insight, e.target.value)} />
              </label>
              <p className="muted small">{author ? `The block of the prompt for ${nameOf(insights, author)}'s drafts, sent after the system prompt when drafting their documents, changes like this:` : "The system prompt changes like this:"}</p>
              <DiffView spans={accepting.spans} />
              {!author && alike.length > 0 && (
                <label className="inline-check">
                  <input type="checkbox" data-testid="content-type-wide" checked={wide} onChange={(e) => setWide(e.target.checked)} />
                  Also add it to the other {project.content_type} projects' prompts: {alike.map((p) => p.name).join(", ")}
                </label>
              )}
              <div className="dialog-actions">
                <button onClick={() => setAccepting(null)}>Back</button>
                <button className="primary" data-testid="save-suggestion" disabled={!accepting.instruction.trim()} onClick={() => void save()}>
                  Save as new prompt version
                </button>
              </div>
            </section>
          ) : insights.suggestions.length === 0 ? (
            <p className="muted">No suggestions yet. Once people edit the model's drafts the same way, or tag or rate them low the same way, in at least three drafts, Draftloop suggests a prompt change here.</p>
          ) : (
            <ol className="suggestions">
              {insights.suggestions.map((i) => (
                <li key={`${i.suggestion.kind}:${i.key}`} data-testid="suggestion" className={i.suggestion.kind === "phrased" ? "phrased" : undefined}>
                  <div className="suggestion-head">
                    <strong>{i.suggestion.instruction}</strong>
                    <span className="chip">{KIND_LABELS[i.suggestion.kind] ?? i.suggestion.kind}</span>
                  </div>
                  <div className="muted small" data-testid="suggestion-support">
                    {support(i, insights.pairs)}
                  </div>
                  {i.suggestion.examples.slice(0, i.suggestion.kind === "phrased" ? 4 : 2).map((ex, k) => (
                    <div className="example" key={k}>
                      {SAID.has(i.suggestion.kind) ? (
                        <>
                          <q>{ex.before}</q> <span className="chip">{ex.after}</span>
                        </>
                      ) : i.suggestion.kind === "phrased" ? (
                        ex.after ? <ins>{ex.after}</ins> : <del>{ex.before}</del>
                      ) : (
                        <>
                          <del>{ex.before}</del> → <ins>{ex.after}</ins>
                        </>
                      )}
                      {i.example_documents[k] && (
                        <button className="link" onClick={() => i.example_documents[k] && onOpenDocument(i.example_documents[k])}>
                          Open
                        </button>
                      )}
                    </div>
                  ))}
                  <div className="dialog-actions">
                    <button onClick={() => void reject(i)} data-testid="reject-suggestion">
                      Reject
                    </button>
                    <button className="primary" onClick={() => void propose(i, i.suggestion.instruction)} data-testid="accept-suggestion">
                      Accept…
                    </button>
                  </div>
                </li>
              ))}
            </ol>
          )}
          {!author && !accepting && <PhraseWithModel projectId={project.id} onPhrased={() => void load()} />}
          <h3>Learning curve</h3>
          <LearningCurve curve={insights.curve} />
        </>
      )}
      <div className="dialog-actions">
        <button className="primary" data-testid="close-insights" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
