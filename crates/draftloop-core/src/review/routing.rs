//! Scoring a generation as it is recorded, and routing a document's draft: approved
//! without a person (and perhaps drawn for audit), or queued for review.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::confidence::{self, Calibration, Confidence, History, JudgeVerdict};
use super::policy::RoutingPolicy;
use crate::actor::Actor;
use crate::audit;
use crate::error::Result;
use crate::feedback::Verdict;
use crate::generation::Generation;

/// What scores a project's drafts: its checks, its prompt version's history and its
/// content type's calibration, read once for all the variants of a request.
pub(crate) struct Scorer {
    policy: RoutingPolicy,
    history: History,
    calibration: Option<Calibration>,
}

impl Scorer {
    /// For a draft of `document_id` (or, without one, of the prompt version's project).
    pub(crate) fn new(
        conn: &Connection,
        document_id: Option<&str>,
        prompt_version_id: Option<&str>,
    ) -> Result<Scorer> {
        let project: Option<(String, String, String)> = conn
            .prepare_cached(
                "SELECT p.id, p.content_type, p.routing FROM projects p
                 WHERE p.id = (SELECT project_id FROM documents WHERE id = ?1)
                    OR p.id = (SELECT project_id FROM prompt_versions WHERE id = ?2)
                 LIMIT 1",
            )?
            .query_row(params![document_id, prompt_version_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((_, content_type, routing)) = project else {
            return Ok(Scorer {
                policy: RoutingPolicy::default(),
                history: History::default(),
                calibration: None,
            });
        };
        let history = match prompt_version_id {
            Some(v) => conn
                .prepare_cached(
                    "SELECT count(*), coalesce(sum(r.outcome IN ('rejected', 'edited')), 0)
                 FROM review_items r JOIN generations g ON g.id = r.generation_id
                 WHERE r.outcome IS NOT NULL AND g.prompt_version_id = ?1",
                )?
                .query_row([v], |r| {
                    Ok(History {
                        decided: r.get::<_, i64>(0)? as usize,
                        reworked: r.get::<_, i64>(1)? as usize,
                    })
                })?,
            None => History::default(),
        };
        Ok(Scorer {
            policy: serde_json::from_str(&routing)?,
            history,
            calibration: Calibration::fit(&outcomes(conn, &content_type, "g.confidence_raw")?),
        })
    }

    pub(crate) fn score(
        &self,
        text: &str,
        logprobs: &[f64],
        judge: Option<&JudgeVerdict>,
    ) -> Confidence {
        confidence::score_judged(
            text,
            logprobs,
            &self.policy.checks,
            self.history,
            judge,
            self.calibration.as_ref(),
        )
    }
}

/// (score, approved unchanged) of every reviewed or audited draft of a content type;
/// `score` is the column read: the raw score (to calibrate) or the one routing used.
pub(crate) fn outcomes(
    conn: &Connection,
    content_type: &str,
    score: &str,
) -> Result<Vec<(f64, bool)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {score}, r.outcome = 'approved'
         FROM review_items r
         JOIN generations g ON g.id = r.generation_id
         JOIN documents d ON d.id = r.document_id
         JOIN projects p ON p.id = d.project_id
         WHERE r.outcome IS NOT NULL AND {score} IS NOT NULL AND p.content_type = ?1"
    ))?;
    let rows = stmt.query_map([content_type], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How well the scores routing used have matched what reviewers decided, for a
/// content type: the reliability curve.
pub fn reliability(
    conn: &Connection,
    content_type: &str,
) -> Result<Vec<confidence::ReliabilityBin>> {
    Ok(confidence::reliability(&outcomes(
        conn,
        content_type,
        "g.confidence",
    )?))
}

/// Where a draft went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// Approved without a person; `audited` when drawn into the audit queue.
    AutoApproved { audited: bool },
    /// Waiting for a reviewer, for these reasons.
    Queued { reasons: Vec<String> },
}

/// Why `confidence` under `policy` needs a person, or nothing when it may pass.
pub fn review_reasons(confidence: &Confidence, policy: &RoutingPolicy) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    if confidence.must_review {
        reasons.extend(
            confidence
                .reasons
                .iter()
                .filter(|r| {
                    !r.passed
                        && matches!(
                            r.signal,
                            confidence::Signal::BannedPhrase | confidence::Signal::RequiredTerm
                        )
                })
                .map(|r| r.detail.clone()),
        );
    }
    if confidence.score < policy.threshold {
        reasons.push(format!(
            "confidence {:.2} is below the threshold {:.2}",
            confidence.score, policy.threshold
        ));
    }
    if reasons.is_empty() && !policy.auto_approve {
        reasons.push(format!(
            "confidence {:.2}; auto-approve is off",
            confidence.score
        ));
    }
    reasons
}

/// Whether the draft `generation_id` is drawn for audit at `rate`: reproducible from
/// the seed and the id alone, so the same drafts are drawn on every run.
pub fn drawn_for_audit(seed: &str, generation_id: &str, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    let digest = Sha256::new()
        .chain_update(seed.as_bytes())
        .chain_update([0])
        .chain_update(generation_id.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) as f64) < rate * (u64::MAX as f64)
}

/// How many reviews a queued draft asks for: several when the policy asks for them and
/// the draft is drawn (by its id, as audits are), otherwise one.
fn reviews_for(policy: &RoutingPolicy, project_id: &str, generation_id: &str) -> u8 {
    match policy.multi_review {
        Some(m) if drawn_for_audit(&format!("{project_id}/reviews"), generation_id, m.share) => {
            m.reviewers
        }
        _ => 1,
    }
}

/// Routes `generation`, now the document's draft: queued (status in review), or
/// approved by the gate and perhaps drawn for audit. In the caller's transaction.
pub(crate) fn route(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    generation: &Generation,
    at: DateTime<Utc>,
) -> Result<Route> {
    let (project_id, routing): (String, String) = tx
        .prepare_cached(
            "SELECT p.id, p.routing FROM documents d JOIN projects p ON p.id = d.project_id
         WHERE d.id = ?1",
        )?
        .query_row([document_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let policy: RoutingPolicy = serde_json::from_str(&routing)?;
    let confidence = stored_confidence(tx, &generation.id)?;
    let reasons = match &confidence {
        Some(c) => review_reasons(c, &policy),
        None => vec!["the draft has no confidence score".into()],
    };
    let score = confidence.as_ref().map(|c| c.score);
    let stamp = crate::host::stamp(at);
    let route = if reasons.is_empty() {
        let reason = format!(
            "approved by the review gate: confidence {:.2} is at or above {:.2}",
            score.unwrap_or_default(),
            policy.threshold
        );
        let decision = crate::feedback::record_decision(
            tx,
            actor,
            document_id,
            generation,
            Verdict::Approve,
            Some(reason),
            &stamp,
        )?;
        tx.execute(
            "UPDATE generations SET routed = 'auto_approved', gate_decision = ?2 WHERE id = ?1",
            [&generation.id, &decision],
        )?;
        let audited = drawn_for_audit(&project_id, &generation.id, policy.audit_sample_rate);
        if audited {
            super::queue::insert_item(
                tx,
                &super::queue::NewItem {
                    document_id,
                    generation_id: &generation.id,
                    confidence: score,
                    kind: super::ReviewKind::Audit,
                    reasons: &[format!(
                        "drawn for audit ({:.0}% of auto-approved drafts)",
                        policy.audit_sample_rate * 100.0
                    )],
                    due_at: due(&policy, at),
                    reviews: 1,
                    at: &stamp,
                },
            )?;
        }
        Route::AutoApproved { audited }
    } else {
        super::queue::insert_item(
            tx,
            &super::queue::NewItem {
                document_id,
                generation_id: &generation.id,
                confidence: score,
                kind: super::ReviewKind::Review,
                reasons: &reasons,
                due_at: due(&policy, at),
                reviews: reviews_for(&policy, &project_id, &generation.id),
                at: &stamp,
            },
        )?;
        crate::document::set_status(tx, document_id, crate::DocumentStatus::InReview, &stamp)?;
        tx.execute(
            "UPDATE generations SET routed = 'queued' WHERE id = ?1",
            [&generation.id],
        )?;
        Route::Queued { reasons }
    };
    audit::record(
        tx,
        actor,
        "document.routed",
        "document",
        document_id,
        json!({"generation_id": generation.id, "confidence": score, "route": route}),
    )?;
    Ok(route)
}

fn due(policy: &RoutingPolicy, at: DateTime<Utc>) -> Option<String> {
    policy
        .review_deadline_hours
        .map(|h| crate::host::stamp(at + Duration::milliseconds((h * 3_600_000.0) as i64)))
}

/// The score recorded with a generation.
pub(crate) fn stored_confidence(
    conn: &Connection,
    generation_id: &str,
) -> Result<Option<Confidence>> {
    let row: Option<(Option<f64>, Option<f64>, Option<String>)> = conn
        .prepare_cached(
            "SELECT confidence, confidence_raw, confidence_reasons FROM generations WHERE id = ?1",
        )?
        .query_row([generation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((Some(score), raw, reasons)) => {
            let reasons: Vec<confidence::Reason> = match reasons {
                Some(j) => serde_json::from_str(&j)?,
                None => Vec::new(),
            };
            let must_review = reasons.iter().any(|r| {
                !r.passed
                    && matches!(
                        r.signal,
                        confidence::Signal::BannedPhrase | confidence::Signal::RequiredTerm
                    )
            });
            Some(Confidence {
                score,
                raw: raw.unwrap_or(score),
                must_review,
                reasons,
            })
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_draws_are_reproducible_and_near_the_rate() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("draft-{i}")).collect();
        for rate in [0.05, 0.2] {
            let drawn = ids
                .iter()
                .filter(|id| drawn_for_audit("project-seed", id, rate))
                .count() as f64;
            let expected = rate * 10_000.0;
            let sd = (10_000.0 * rate * (1.0 - rate)).sqrt();
            assert!(
                (drawn - expected).abs() < 4.0 * sd,
                "rate {rate}: drew {drawn}, expected {expected} ± {}",
                4.0 * sd
            );
            let again = ids
                .iter()
                .filter(|id| drawn_for_audit("project-seed", id, rate))
                .count() as f64;
            assert_eq!(drawn, again);
        }
        assert!(!ids.iter().any(|id| drawn_for_audit("s", id, 0.0)));
        assert!(ids.iter().all(|id| drawn_for_audit("s", id, 1.0)));
    }
}
