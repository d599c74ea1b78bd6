import { useEffect, useState, type FormEvent } from "react";
import { api, toApiError } from "../api";
import type { Fallback, Project, Provider, ReliabilityBin, RoutingPolicy, RoutingVersion, ThresholdSuggestion } from "../bindings";
import { when } from "../lib/dates";
import { FormFooter, Modal } from "./Dialog";
import { ProviderSelect } from "./ProviderSelect";

type FallbackKind = "none" | Fallback["kind"];

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A number typed in a field, or null when it is empty; NaN when it is not a number. */
function optionalNumber(text: string): number | null {
  return text.trim() === "" ? null : Number(text);
}

/** How far the scores given have matched reviewers: observed share approved unchanged
 * against the score, per tenth, with the diagonal a perfect score would follow. */
function ReliabilityCurve({ bins }: { bins: ReliabilityBin[] }) {
  const size = 180;
  const at = (x: number, y: number) => `${24 + x * size},${8 + (1 - y) * size}`;
  const drafts = bins.reduce((n, b) => n + b.drafts, 0);
  if (drafts === 0) {
    return <p className="muted small" data-testid="reliability-empty">No reviewed drafts yet: the curve appears once reviewers have decided some.</p>;
  }
  return (
    <figure className="reliability" data-testid="reliability-curve">
      <svg width={size + 40} height={size + 40} role="img" aria-label="Reliability curve">
        <rect x={24} y={8} width={size} height={size} className="frame" />
        <polyline points={`${at(0, 0)} ${at(1, 1)}`} className="diagonal" />
        <polyline points={bins.map((b) => at(b.mean_score, b.approved_unchanged)).join(" ")} className="curve" />
        {bins.map((b) => {
          const [x, y] = at(b.mean_score, b.approved_unchanged).split(",");
          return <circle key={b.from} cx={x} cy={y} r={2 + Math.min(6, Math.sqrt(b.drafts))} className="dot"><title>{`${b.drafts} drafts scored ${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%: ${Math.round(b.approved_unchanged * 100)}% approved unchanged`}</title></circle>;
        })}
        <text x={24} y={size + 30} className="axis">score given →</text>
        <text x={4} y={16} className="axis" transform={`rotate(-90 10 ${size / 2})`}>approved unchanged →</text>
      </svg>
      <figcaption className="muted small">{drafts} reviewed drafts. On the diagonal, a score of 90% meant 9 in 10 such drafts were approved unchanged.</figcaption>
    </figure>
  );
}

/** A project's routing policy: when drafts pass without a person, how many are
 * audited, what a rejection falls back to, the checks. Saving makes a new version. */
export function RoutingDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const [policy, setPolicy] = useState<RoutingPolicy | null>(null);
  const [bins, setBins] = useState<ReliabilityBin[]>([]);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [threshold, setThreshold] = useState("");
  const [autoApprove, setAutoApprove] = useState(true);
  const [auditRate, setAuditRate] = useState("");
  const [deadline, setDeadline] = useState("");
  const [fallbackKind, setFallbackKind] = useState<FallbackKind>("none");
  const [fallbackProvider, setFallbackProvider] = useState("");
  const [standardText, setStandardText] = useState("");
  const [banned, setBanned] = useState("");
  const [required, setRequired] = useState("");
  const [minWords, setMinWords] = useState("");
  const [maxWords, setMaxWords] = useState("");
  const [grade, setGrade] = useState("");
  const [approvePrompts, setApprovePrompts] = useState(false);
  const [judge, setJudge] = useState("");
  const [adaptive, setAdaptive] = useState(false);
  const [missTarget, setMissTarget] = useState("5");
  const [multi, setMulti] = useState(false);
  const [reviewers, setReviewers] = useState("2");
  const [reviewShare, setReviewShare] = useState("10");
  const [suggestion, setSuggestion] = useState<ThresholdSuggestion | null>(null);
  const [versions, setVersions] = useState<RoutingVersion[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  // What the history suggests for the target typed, as it is typed.
  useEffect(() => {
    const target = Number(missTarget) / 100;
    if (!(target > 0 && target < 1)) return;
    api.thresholdSuggestion(project.id, target).then(setSuggestion).catch(() => setSuggestion(null));
  }, [project.id, missTarget]);

  useEffect(() => {
    (async () => {
      const [p, curve, provs, vs] = await Promise.all([api.routingPolicy(project.id), api.reliabilityCurve(project.id), api.listProviders(), api.routingVersions(project.id)]);
      setPolicy(p);
      setVersions(vs);
      setApprovePrompts(p.approve_prompts);
      setJudge(p.judge?.provider ?? "");
      setAdaptive(p.adaptive !== null);
      if (p.adaptive) setMissTarget(String(Math.round(p.adaptive.target_miss_rate * 1000) / 10));
      setMulti(p.multi_review !== null);
      if (p.multi_review) {
        setReviewers(String(p.multi_review.reviewers));
        setReviewShare(String(Math.round(p.multi_review.share * 1000) / 10));
      }
      setBins(curve);
      setProviders(provs);
      setThreshold(String(Math.round(p.threshold * 100)));
      setAutoApprove(p.auto_approve);
      setAuditRate(String(Math.round(p.audit_sample_rate * 1000) / 10));
      setDeadline(p.review_deadline_hours === null ? "" : String(p.review_deadline_hours));
      setFallbackKind(p.fallback?.kind ?? "none");
      setFallbackProvider(p.fallback?.kind === "provider" ? p.fallback.name : (provs[0]?.name ?? ""));
      setStandardText(p.fallback?.kind === "standard" ? p.fallback.text : "");
      setBanned(p.checks.banned.join("\n"));
      setRequired(p.checks.required.join("\n"));
      setMinWords(p.checks.min_words === null ? "" : String(p.checks.min_words));
      setMaxWords(p.checks.max_words === null ? "" : String(p.checks.max_words));
      setGrade(p.checks.max_reading_grade === null ? "" : String(p.checks.max_reading_grade));
    })().catch((e) => setError(toApiError(e).message));
  }, [project.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const numbers = {
      threshold: Number(threshold),
      audit: Number(auditRate),
      deadline: optionalNumber(deadline),
      min: optionalNumber(minWords),
      max: optionalNumber(maxWords),
      grade: optionalNumber(grade),
      reviewers: Number(reviewers),
      "review share": Number(reviewShare),
    };
    const bad = Object.entries(numbers).find(([, v]) => v !== null && Number.isNaN(v));
    if (bad) {
      setError(`"${bad[0]}" must be a number.`);
      return;
    }
    const fallback: Fallback | null =
      fallbackKind === "lower_temperature" ? { kind: "lower_temperature" } : fallbackKind === "provider" ? { kind: "provider", name: fallbackProvider } : fallbackKind === "standard" ? { kind: "standard", text: standardText } : null;
    try {
      const next = await api.setRoutingPolicy(project.id, {
        threshold: numbers.threshold / 100,
        auto_approve: autoApprove,
        audit_sample_rate: numbers.audit / 100,
        review_deadline_hours: numbers.deadline,
        fallback,
        checks: { banned: lines(banned), required: lines(required), min_words: numbers.min, max_words: numbers.max, max_reading_grade: numbers.grade },
        approve_prompts: approvePrompts,
        judge: judge ? { provider: judge } : null,
        adaptive: adaptive ? { target_miss_rate: Number(missTarget) / 100 } : null,
        multi_review: multi ? { reviewers: numbers.reviewers, share: numbers["review share"] / 100 } : null,
      });
      setPolicy(next);
      setVersions(await api.routingVersions(project.id));
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(toApiError(err).message);
      setSaved(false);
    }
  };

  return (
    <Modal title={`Routing: ${project.name}`} onClose={onClose} testId="routing-dialog" wide>
      {!policy ? (
        <p className="muted">{error ?? "Loading…"}</p>
      ) : (
        <form onSubmit={submit} onChange={() => setSaved(false)}>
          <div className="routing-grid">
            <div>
              <div className="options-row">
                <label>
                  Confidence threshold (%)
                  <input data-testid="routing-threshold" inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
                </label>
                <label className="check">
                  <input type="checkbox" data-testid="routing-auto-approve" checked={autoApprove} onChange={(e) => setAutoApprove(e.target.checked)} /> Approve drafts at or above it without a person
                </label>
              </div>
              <div className="options-row">
                <label>
                  Audit (% of those)
                  <input data-testid="routing-audit-rate" inputMode="decimal" value={auditRate} onChange={(e) => setAuditRate(e.target.value)} />
                </label>
                <label>
                  Review deadline (hours)
                  <input data-testid="routing-deadline" inputMode="decimal" value={deadline} placeholder="none" onChange={(e) => setDeadline(e.target.value)} />
                </label>
              </div>
              <label>
                When a reviewer rejects a draft
                <select data-testid="routing-fallback" value={fallbackKind} onChange={(e) => setFallbackKind(e.target.value as FallbackKind)}>
                  <option value="none">Do nothing more</option>
                  <option value="lower_temperature">Ask again at a lower temperature</option>
                  <option value="provider">Ask another provider</option>
                  <option value="standard">Put in a standard text</option>
                </select>
              </label>
              {fallbackKind === "provider" && (
                <label>
                  Provider
                  <ProviderSelect providers={providers} value={fallbackProvider} onChange={setFallbackProvider} testId="routing-fallback-provider" />
                </label>
              )}
              {fallbackKind === "standard" && (
                <label>
                  Standard text
                  <textarea data-testid="routing-standard-text" rows={3} value={standardText} onChange={(e) => setStandardText(e.target.value)} />
                </label>
              )}
              <label>
                A second model rates each routed draft against the rubric
                <ProviderSelect providers={providers} value={judge} onChange={setJudge} testId="routing-judge" none="No judge" />
              </label>
              <h3>Checks</h3>
              <div className="options-row">
                <label>
                  Banned phrases (one a line)
                  <textarea data-testid="routing-banned" rows={3} value={banned} onChange={(e) => setBanned(e.target.value)} />
                </label>
                <label>
                  Required terms (one a line)
                  <textarea data-testid="routing-required" rows={3} value={required} onChange={(e) => setRequired(e.target.value)} />
                </label>
              </div>
              <div className="options-row">
                <label>
                  Fewest words
                  <input data-testid="routing-min-words" inputMode="numeric" value={minWords} placeholder="none" onChange={(e) => setMinWords(e.target.value)} />
                </label>
                <label>
                  Most words
                  <input data-testid="routing-max-words" inputMode="numeric" value={maxWords} placeholder="none" onChange={(e) => setMaxWords(e.target.value)} />
                </label>
                <label>
                  Hardest reading grade
                  <input data-testid="routing-grade" inputMode="decimal" value={grade} placeholder="none" onChange={(e) => setGrade(e.target.value)} />
                </label>
              </div>
              <p className="muted small">A banned phrase or a missing required term sends a draft to review whatever its score. Each save is a new version in the audit log.</p>
              <label className="check">
                <input type="checkbox" data-testid="routing-approve-prompts" checked={approvePrompts} onChange={(e) => setApprovePrompts(e.target.checked)} /> A new prompt version needs a
                reviewer's approval before batches use it
              </label>
            </div>
            <div>
              <h3>How far the score can be trusted</h3>
              <ReliabilityCurve bins={bins} />
              <h3>Adaptive threshold</h3>
              <label className="check">
                <input type="checkbox" data-testid="routing-adaptive" checked={adaptive} onChange={(e) => setAdaptive(e.target.checked)} /> Move the threshold by itself
              </label>
              <label>
                Let through at most (% needing a person)
                <input data-testid="routing-miss-target" inputMode="decimal" value={missTarget} onChange={(e) => setMissTarget(e.target.value)} />
              </label>
              {suggestion ? (
                <p className="small" data-testid="threshold-suggestion">
                  Suggested: <strong>{Math.round(suggestion.threshold * 100)}%</strong>, because {suggestion.reason}.{" "}
                  <button type="button" className="link" onClick={() => setThreshold(String(Math.round(suggestion.threshold * 100)))}>
                    Use it
                  </button>
                </p>
              ) : (
                <p className="muted small">No suggestion yet: it needs at least 20 reviewed or audited drafts above a threshold.</p>
              )}
              <h3>Several reviewers</h3>
              <label className="check">
                <input type="checkbox" data-testid="routing-multi-review" checked={multi} onChange={(e) => setMulti(e.target.checked)} /> Ask several reviewers for some queued drafts
              </label>
              <div className="options-row">
                <label>
                  Reviewers each
                  <input data-testid="routing-reviewers" inputMode="numeric" value={reviewers} disabled={!multi} onChange={(e) => setReviewers(e.target.value)} />
                </label>
                <label>
                  For (% of queued drafts)
                  <input data-testid="routing-review-share" inputMode="decimal" value={reviewShare} disabled={!multi} onChange={(e) => setReviewShare(e.target.value)} />
                </label>
              </div>
              <p className="muted small">
                Each reviewer decides without seeing the others' reviews. When they all agree, that is the decision; when they disagree, the draft goes to a senior reviewer. The dashboard
                shows how far reviewers agree.
              </p>
            </div>
          </div>
          {versions.length > 0 && (
            <details className="routing-versions" data-testid="routing-versions">
              <summary>
                {versions.length} version{versions.length === 1 ? "" : "s"}, the latest {when(versions[versions.length - 1]?.created_at ?? "")}
              </summary>
              <ol>
                {[...versions].reverse().map((v) => (
                  <li key={v.id} className="small">
                    {when(v.created_at)}: threshold {Math.round(v.policy.threshold * 100)}%{v.reason ? ` · moved by Draftloop: ${v.reason}` : ` · saved by ${v.author}`}
                  </li>
                ))}
              </ol>
            </details>
          )}
          {saved && (
            <p className="written-head" role="status" data-testid="routing-saved">
              ✓ Saved as a new version
            </p>
          )}
          <FormFooter error={error} onClose={onClose} submit="Save routing" testId="save-routing" />
        </form>
      )}
    </Modal>
  );
}
