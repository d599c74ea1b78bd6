//! The review gate: every draft is scored, a draft that may pass without a person is
//! approved (and a share of those drawn for audit), the rest wait in the review queue
//! for a reviewer, who approves, edits then approves, rejects (and the project's
//! fallback runs at once) or escalates to a senior reviewer, whose decision is final.
//! Batches of briefs go through the same gate.

pub mod adaptive;
pub mod approval;
pub mod batch;
pub mod confidence;
pub mod policy;
pub mod publish;
pub mod queue;
pub mod routing;

use std::sync::Arc;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use confidence::{Confidence, Reason, ReliabilityBin, Signal};
pub use policy::{Adaptive, Checks, Fallback, Judge, MultiReview, RoutingPolicy, RoutingVersion};
pub use queue::{QueueFilter, QueueItem, QueueOrder, LEASE_MINUTES};
pub use routing::Route;

use crate::document::{Document, DocumentText};
use crate::drafting::{Brief, DraftRequest, RouteDraft};
use crate::error::{Error, Result};
use crate::feedback::{Feedback, Verdict};
use crate::generation::{Generation, GenerationContext};
use crate::host::{stamp, Notice};
use crate::ids::new_id;
use crate::llm::{ChatMessage, Completion, CompletionRequest, Role};
use crate::services::Core;
use crate::store::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// Routed to a person before it may ship.
    Review,
    /// Approved by the gate and drawn to check the gate.
    Audit,
}

impl ReviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::Review => "review",
            ReviewKind::Audit => "audit",
        }
    }
}

/// A reviewer's decision on a queued document.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewDecision {
    pub document_id: String,
    pub verdict: Verdict,
    /// Why it was rejected (required), or the note for the senior reviewer (required
    /// to escalate).
    pub reason: Option<String>,
    /// The text as the reviewer left it (edit then approve).
    pub final_text: Option<DocumentTextInput>,
}

/// Text a front end sends with a decision.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DocumentTextInput {
    pub body_json: String,
    pub body_markdown: String,
}

/// A draft put into its document and routed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Routed {
    pub generation: Generation,
    pub route: Route,
}

/// What a decision led to: the document, and the fallback's draft after a rejection
/// (or why the fallback could not run: the rejection stands either way).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Reviewed {
    pub document: Document,
    pub fallback: Option<Routed>,
    pub fallback_error: Option<String>,
}

impl Workspace {
    /// Records a reviewer's decision: the text they left first (when given), then the
    /// decision, which resolves the queue item (an escalation moves it to the senior
    /// tier). Refused, changing nothing, without a reason to reject or a note to
    /// escalate, while another reviewer holds the item, or from someone whose role does
    /// not reach its tier.
    pub fn review_document(&mut self, decision: &ReviewDecision) -> Result<Document> {
        let reason = decision
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        match (decision.verdict, &reason) {
            (Verdict::Reopen, _) => {
                return Err(Error::invalid(
                    "a review approves, rejects or escalates a draft",
                ))
            }
            (Verdict::Reject, None) => return Err(Error::invalid("say why the draft is rejected")),
            (Verdict::Escalate, None) => {
                return Err(Error::invalid(
                    "an escalation needs a note for the senior reviewer",
                ))
            }
            _ => {}
        }
        let document = self.document(&decision.document_id)?;
        let at = chrono::Utc::now();
        let item = self.review_item_of(&document.id, at)?;
        // The same checks the decision's write makes, before the text is saved.
        self.write(|tx, actor| {
            queue::check_decision(
                tx,
                actor,
                &document.id,
                decision.verdict,
                &reason,
                &stamp(at),
            )?;
            Err::<(), _>(Error::Cancelled("checked".into()))
        })
        .or_else(|e| match e {
            Error::Cancelled(_) => Ok(()),
            other => Err(other),
        })?;
        if let Some(text) = &decision.final_text {
            self.save_document_text(
                &document.id,
                &DocumentText {
                    body_json: text.body_json.clone(),
                    body_markdown: text.body_markdown.clone(),
                },
            )?;
        }
        self.record_feedback(
            &document.id,
            item.as_ref().and_then(|i| i.generation_id.as_deref()),
            &Feedback::Decision {
                verdict: decision.verdict,
                reason,
            },
        )?;
        self.document(&document.id)
    }

    /// How the scores of the project's content type have matched reviewers' decisions.
    pub fn reliability_curve(&self, project_id: &str) -> Result<Vec<ReliabilityBin>> {
        let project = self.project(project_id)?;
        routing::reliability(self.conn(), &project.content_type)
    }

    pub(crate) fn remember_refuses_logprobs(&mut self, provider_id: &str) -> Result<()> {
        self.write(|tx, actor| {
            tx.execute(
                "UPDATE providers SET refuses_logprobs = 1 WHERE id = ?1",
                [provider_id],
            )?;
            crate::audit::record(
                tx,
                actor,
                "provider.refuses_logprobs",
                "provider",
                provider_id,
                serde_json::json!({}),
            )
        })
    }

    pub(crate) fn refuses_logprobs(&self, provider_id: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT refuses_logprobs FROM providers WHERE id = ?1",
                [provider_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }

    /// The temperature a generation was asked with.
    fn temperature_of(&self, generation_id: &str) -> Result<Option<f64>> {
        Ok(self.conn().query_row(
            "SELECT json_extract(parameters, '$.temperature') FROM generations WHERE id = ?1",
            [generation_id],
            |r| r.get(0),
        )?)
    }
}

/// Puts `g` in the document as its draft (linked to the generation it replaces, for a
/// fallback) and routes it, in the caller's transaction.
pub(crate) fn put_in_and_route(
    tx: &rusqlite::Transaction,
    actor: &crate::actor::Actor,
    document_id: &str,
    g: &Generation,
    fallback_of: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Route> {
    if let Some(of) = fallback_of {
        tx.execute(
            "UPDATE generations SET fallback_of = ?1 WHERE id = ?2",
            [of, &g.id],
        )?;
    }
    let text = DocumentText::markdown(g.output.clone());
    crate::drafting::revision::put_in(tx, actor, document_id, &g.id, &text, &stamp(at))?;
    routing::route(tx, actor, document_id, g, at)
}

/// Whether a provider's refusal is about logprobs (then it is asked without).
pub(crate) fn refused_logprobs(e: &crate::llm::LlmError) -> bool {
    e.kind == crate::error::ErrorKind::Provider && e.message.to_lowercase().contains("logprob")
}

/// Below this, "lower temperature" has nowhere to go.
const LOWEST_TEMPERATURE: f64 = 0.05;
/// Providers' usual default, for a draft asked without a temperature.
const DEFAULT_TEMPERATURE: f64 = 1.0;

impl Core {
    /// Moves an opted-in project's threshold when its history says so, and tells the
    /// person why. A failure here leaves the threshold as it was and is not the
    /// caller's failure.
    pub(crate) fn adapt(&self, project_id: &str) {
        if let Ok(Some(reason)) = self.with(|ws| ws.adapt_threshold(project_id)) {
            self.host().notify(Notice {
                title: "Routing threshold moved".into(),
                body: reason,
            });
        }
    }

    /// A reviewer's decision; a rejection runs the project's fallback at once.
    pub async fn review(&self, decision: ReviewDecision) -> Result<Reviewed> {
        let reviewed = self.decide_and_fall_back(decision).await?;
        self.adapt(&reviewed.document.project_id);
        Ok(reviewed)
    }

    async fn decide_and_fall_back(&self, decision: ReviewDecision) -> Result<Reviewed> {
        let rejected = self.with(|ws| {
            let item = ws.review_item_of(&decision.document_id, self.host().now())?;
            Ok(item.and_then(|i| i.generation_id))
        })?;
        let document = self.with(|ws| ws.review_document(&decision))?;
        // A review of a draft that asks for several falls back only once all rejected.
        if decision.verdict != Verdict::Reject || document.status != crate::DocumentStatus::Rejected
        {
            return Ok(Reviewed {
                document,
                fallback: None,
                fallback_error: None,
            });
        }
        let policy = self.with(|ws| ws.routing_policy(&document.project_id))?;
        let Some(fallback) = policy.fallback else {
            return Ok(Reviewed {
                document,
                fallback: None,
                fallback_error: None,
            });
        };
        let rejected = match rejected {
            Some(g) => Some(g),
            None => self.with(|ws| {
                crate::drafting::revision::latest_model_generation(ws.conn(), &document.id)
            })?,
        };
        let outcome = self
            .fall_back(&document.id, rejected.as_deref(), &fallback)
            .await;
        let document = self.with(|ws| ws.document(&document.id))?;
        Ok(match outcome {
            Ok(routed) => Reviewed {
                document,
                fallback: Some(routed),
                fallback_error: None,
            },
            Err(e) => Reviewed {
                document,
                fallback: None,
                fallback_error: Some(format!("the fallback did not run: {e}")),
            },
        })
    }

    async fn fall_back(
        &self,
        document_id: &str,
        rejected: Option<&str>,
        fallback: &Fallback,
    ) -> Result<Routed> {
        let rejected_generation = rejected
            .map(|g| self.with(|ws| ws.generation(g)))
            .transpose()?;
        match fallback {
            Fallback::LowerTemperature => {
                let g = rejected_generation.ok_or_else(|| {
                    Error::invalid("there is no model draft to ask again at a lower temperature")
                })?;
                let was = self
                    .with(|ws| ws.temperature_of(&g.id))?
                    .unwrap_or(DEFAULT_TEMPERATURE);
                let lower = (was / 2.0).max(LOWEST_TEMPERATURE);
                self.draft_and_route(document_id, &g.provider, Some(lower as f32), rejected)
                    .await
            }
            Fallback::Provider { name } => {
                self.draft_and_route(document_id, name, None, rejected)
                    .await
            }
            Fallback::Standard { text } => {
                let request = CompletionRequest::new(
                    "standard text",
                    vec![ChatMessage::new(Role::User, "the project's standard text")],
                );
                let ctx = GenerationContext {
                    document_id: Some(document_id),
                    provider: "standard text",
                    prompt_version_id: None,
                    request: &request,
                };
                let at = stamp(self.host().now());
                let mut recorded = self.with(|ws| {
                    ws.record_generation_at(&ctx, &Ok(Completion::whole([text.clone()])), at)
                })?;
                let g = recorded
                    .pop()
                    .ok_or_else(|| Error::Internal("the standard text was not recorded".into()))?;
                self.put_in_and_route(document_id, g, rejected)
            }
        }
    }

    /// Generates one draft for the document, puts it in and routes it, all recorded in
    /// one transaction: the gate's one way from a brief to a routed draft (batches and
    /// fallbacks use it).
    pub async fn draft_and_route(
        &self,
        document_id: &str,
        provider: &str,
        temperature: Option<f32>,
        fallback_of: Option<&str>,
    ) -> Result<Routed> {
        let route = RouteDraft {
            fallback_of: fallback_of.map(str::to_owned),
            answered: None,
        };
        self.draft_routed(document_id, provider, temperature, route)
            .await
    }

    /// [`Core::draft_and_route`], saying how `route` goes to the gate.
    pub(crate) async fn draft_routed(
        &self,
        document_id: &str,
        provider: &str,
        temperature: Option<f32>,
        route: RouteDraft,
    ) -> Result<Routed> {
        let request = DraftRequest {
            request_id: new_id(),
            brief: Brief::Document(document_id.to_owned()),
            provider: provider.to_owned(),
            model: None,
            n: 1,
            temperature,
            max_tokens: None,
            stream: false,
            route: Some(route),
        };
        let drafted = self.generate(request, Arc::new(|_| {})).await?;
        drafted.whole()?;
        let route = drafted
            .routed
            .ok_or_else(|| Error::Internal("the draft was recorded but not routed".into()))?;
        let generation = drafted
            .generations
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("the draft was not recorded".into()))?;
        Ok(Routed { generation, route })
    }

    pub(crate) fn put_in_and_route(
        &self,
        document_id: &str,
        g: Generation,
        fallback_of: Option<&str>,
    ) -> Result<Routed> {
        let at = self.host().now();
        let route = self.with(|ws| {
            ws.write(|tx, actor| put_in_and_route(tx, actor, document_id, &g, fallback_of, at))
        })?;
        Ok(Routed {
            generation: g,
            route,
        })
    }

    /// The queue as of the host's clock.
    pub fn review_queue(&self, filter: &QueueFilter) -> Result<Vec<QueueItem>> {
        let at = self.host().now();
        self.read(|ws| ws.review_queue(filter, at))
    }

    /// Opens a queued draft for this reviewer (held for them for a while).
    pub fn open_review_item(&self, item_id: &str) -> Result<QueueItem> {
        let at = self.host().now();
        self.with(|ws| ws.open_review_item(item_id, at))
    }

    pub fn release_review_item(&self, item_id: &str) -> Result<()> {
        let at = self.host().now();
        self.with(|ws| ws.release_review_item(item_id, at))
    }

    /// Tells the person, once per item, of drafts waiting past their deadline; how many.
    pub fn tell_overdue(&self) -> Result<usize> {
        let at = self.host().now();
        let fresh = self.with(|ws| ws.newly_overdue(at))?;
        if let Some(first) = fresh.first() {
            let message = if fresh.len() == 1 {
                format!(
                    "\"{}\" has waited for review past its deadline",
                    first.title
                )
            } else {
                format!(
                    "{} drafts have waited for review past their deadline",
                    fresh.len()
                )
            };
            self.host().alert(Notice {
                title: "Review overdue".into(),
                body: message,
            });
        }
        Ok(fresh.len())
    }
}
