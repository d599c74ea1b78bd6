import { useState } from "react";
import { api, toApiError } from "../api";
import type { Confidence } from "../bindings";

/** A draft's confidence score; opened, the reasons behind it. */
export function ConfidenceBadge({ generationId, score }: { generationId: string; score: number }) {
  const [confidence, setConfidence] = useState<Confidence | null>(null);
  const [error, setError] = useState<string | null>(null);
  const level = score >= 0.85 ? "high" : score >= 0.6 ? "middle" : "low";
  return (
    <details
      className={`confidence-badge ${level}`}
      data-testid="confidence-badge"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open && !confidence) {
          api
            .generationConfidence(generationId)
            .then(setConfidence)
            .catch((err) => setError(toApiError(err).message));
        }
      }}
    >
      <summary title="How sure the review gate is of this draft">Confidence {Math.round(score * 100)}%</summary>
      <div className="confidence-reasons" role="tooltip">
        {error && <p className="form-error">{error}</p>}
        {confidence ? (
          <ul>
            {confidence.reasons.map((r, i) => (
              <li key={i} className={r.passed ? "passed" : "failed"}>
                <span aria-hidden="true">{r.passed ? "✓" : "✗"}</span> {r.detail}
              </li>
            ))}
          </ul>
        ) : (
          !error && <p className="muted small">Loading…</p>
        )}
      </div>
    </details>
  );
}
