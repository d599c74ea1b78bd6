//! Generations: every model call, recorded with what was sent and what came back.
//! Variants of one request share a group; each variant is one generation.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::audit;
use crate::error::Result;
use crate::ids::{new_id, now};
use crate::llm::{ChatMessage, Completion, CompletionRequest, Ending};
use crate::review::confidence::{Confidence, JudgeVerdict};
use crate::review::routing::{Route, Scorer};
use crate::store::Workspace;

/// One request to the model and the variants it gave back.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VariantSet {
    pub group_id: String,
    pub created_at: String,
    pub variants: Vec<Generation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Generation {
    pub id: String,
    pub document_id: Option<String>,
    pub group_id: String,
    pub provider: String,
    pub model: String,
    pub prompt_version_id: Option<String>,
    pub output: String,
    pub incomplete: bool,
    pub logprob_mean: Option<f64>,
    pub logprob_min: Option<f64>,
    #[ts(type = "number | null")]
    pub latency_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub prompt_tokens: Option<i64>,
    #[ts(type = "number | null")]
    pub completion_tokens: Option<i64>,
    pub error: Option<String>,
    /// The review gate's score, 0–1 (see `review::confidence`).
    pub confidence: Option<f64>,
    pub created_at: String,
}

/// What the app asks for when a person presses Generate in a document.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct GenerateRequest {
    /// Chosen by the UI, so it can cancel variants while they stream.
    pub request_id: String,
    pub document_id: String,
    pub provider: String,
    pub model: Option<String>,
    pub n: u8,
    pub temperature: Option<f32>,
}

/// "Revise with notes" on a document's current text.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct ReviseRequest {
    pub request_id: String,
    pub document_id: String,
    pub provider: String,
    pub notes: String,
}

/// Work done with recorded generations in the transaction that records them.
pub(crate) type AfterRecord<'a> = &'a dyn Fn(
    &rusqlite::Transaction,
    &crate::actor::Actor,
    &[Generation],
) -> Result<Option<Route>>;

/// What a generation was asked: where it goes and the exact request.
pub struct GenerationContext<'a> {
    pub document_id: Option<&'a str>,
    pub provider: &'a str,
    pub prompt_version_id: Option<&'a str>,
    pub request: &'a CompletionRequest,
}

fn parameters(request: &CompletionRequest) -> serde_json::Value {
    json!({
        "n": request.n,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "logprobs": request.logprobs,
        "stream": request.stream,
    })
}

/// A generation row, with the parameters and messages it was asked with (JSON): the
/// table is written here only.
pub(crate) fn insert_row(
    tx: &rusqlite::Transaction,
    g: &Generation,
    parameters: &str,
    messages: &str,
    score: Option<&Confidence>,
) -> Result<()> {
    let reasons = score
        .map(|c| serde_json::to_string(&c.reasons))
        .transpose()?;
    tx.prepare_cached(
        "INSERT INTO generations (id, document_id, group_id, provider, model, parameters,
            prompt_version_id, messages, output, logprob_mean, logprob_min, latency_ms,
            prompt_tokens, completion_tokens, incomplete, error, created_at,
            confidence, confidence_raw, confidence_reasons)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20)",
    )?
    .execute(params![
        g.id,
        g.document_id,
        g.group_id,
        g.provider,
        g.model,
        parameters,
        g.prompt_version_id,
        messages,
        g.output,
        g.logprob_mean,
        g.logprob_min,
        g.latency_ms,
        g.prompt_tokens,
        g.completion_tokens,
        g.incomplete,
        g.error,
        g.created_at,
        score.map(|c| c.score),
        score.map(|c| c.raw),
        reasons,
    ])?;
    Ok(())
}

const COLUMNS: &str = "id, document_id, group_id, provider, model, prompt_version_id, output, \
    incomplete, logprob_mean, logprob_min, latency_ms, prompt_tokens, completion_tokens, error, created_at, \
    confidence";

fn from_row(row: &Row) -> rusqlite::Result<Generation> {
    Ok(Generation {
        id: row.get(0)?,
        document_id: row.get(1)?,
        group_id: row.get(2)?,
        provider: row.get(3)?,
        model: row.get(4)?,
        prompt_version_id: row.get(5)?,
        output: row.get(6)?,
        incomplete: row.get(7)?,
        logprob_mean: row.get(8)?,
        logprob_min: row.get(9)?,
        latency_ms: row.get(10)?,
        prompt_tokens: row.get(11)?,
        completion_tokens: row.get(12)?,
        error: row.get(13)?,
        created_at: row.get(14)?,
        confidence: row.get(15)?,
    })
}

impl Workspace {
    /// Records each variant of `outcome` (or the failure) as one generation of a group.
    pub fn record_generation(
        &mut self,
        ctx: &GenerationContext<'_>,
        outcome: &std::result::Result<Completion, crate::llm::LlmError>,
    ) -> Result<Vec<Generation>> {
        self.record_generation_at(ctx, outcome, now())
    }

    /// As [`Workspace::record_generation`], made at `at` (the host's clock).
    pub(crate) fn record_generation_at(
        &mut self,
        ctx: &GenerationContext<'_>,
        outcome: &std::result::Result<Completion, crate::llm::LlmError>,
        at: String,
    ) -> Result<Vec<Generation>> {
        Ok(self.record_generation_then(ctx, outcome, at, None)?.0)
    }

    /// Records the generations, then runs `then` on them in the same transaction (the
    /// review gate puts a batch's draft in and routes it there).
    pub(crate) fn record_generation_then(
        &mut self,
        ctx: &GenerationContext<'_>,
        outcome: &std::result::Result<Completion, crate::llm::LlmError>,
        at: String,
        then: Option<AfterRecord<'_>>,
    ) -> Result<(Vec<Generation>, Option<Route>)> {
        self.write(|tx, actor| record_in(tx, actor, ctx, outcome, at, None, then))
    }

    /// A generation's score with its reasons, if it has one.
    pub fn generation_confidence(&self, id: &str) -> Result<Option<Confidence>> {
        crate::review::routing::stored_confidence(self.conn(), id)
    }

    pub fn generation(&self, id: &str) -> Result<Generation> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM generations WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| crate::error::Error::NotFound(format!("generation {id}")))
    }

    /// Every request made for a document, newest first, each with its variants in
    /// order: a draft the person did not use stays there to reopen, compare, use or
    /// prefer later.
    pub fn document_requests(&self, document_id: &str) -> Result<Vec<VariantSet>> {
        self.document(document_id)?;
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM generations WHERE document_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([document_id], from_row)?;
        let mut requests: Vec<VariantSet> = Vec::new();
        for g in rows {
            let g = g?;
            match requests.iter_mut().find(|r| r.group_id == g.group_id) {
                Some(r) => r.variants.push(g),
                None => requests.push(VariantSet {
                    group_id: g.group_id.clone(),
                    created_at: g.created_at.clone(),
                    variants: vec![g],
                }),
            }
        }
        requests.reverse();
        Ok(requests)
    }

    /// The generations of a group, variant order.
    pub fn generation_group(&self, group_id: &str) -> Result<Vec<Generation>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM generations WHERE group_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([group_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The exact messages a generation sent.
    pub fn generation_messages(&self, id: &str) -> Result<Vec<ChatMessage>> {
        let json: String = self.conn().query_row(
            "SELECT messages FROM generations WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        Ok(serde_json::from_str(&json)?)
    }
}

/// Records each variant of `outcome` (or the failure) as one generation of a group, in
/// the caller's transaction, then runs `then` on them there.
pub(crate) fn record_in(
    tx: &rusqlite::Transaction,
    actor: &crate::actor::Actor,
    ctx: &GenerationContext<'_>,
    outcome: &std::result::Result<Completion, crate::llm::LlmError>,
    at: String,
    judge: Option<&JudgeVerdict>,
    then: Option<AfterRecord<'_>>,
) -> Result<(Vec<Generation>, Option<Route>)> {
    let group_id = new_id();
    let messages = serde_json::to_string::<Vec<ChatMessage>>(&ctx.request.messages)?;
    let params_json = parameters(ctx.request).to_string();
    let base = Generation {
        id: String::new(),
        document_id: ctx.document_id.map(str::to_owned),
        group_id: group_id.clone(),
        provider: ctx.provider.to_owned(),
        model: ctx.request.model.clone(),
        prompt_version_id: ctx.prompt_version_id.map(str::to_owned),
        output: String::new(),
        incomplete: false,
        logprob_mean: None,
        logprob_min: None,
        latency_ms: None,
        prompt_tokens: None,
        completion_tokens: None,
        error: None,
        confidence: None,
        created_at: at,
    };
    let scorer = Scorer::new(tx, ctx.document_id, ctx.prompt_version_id)?;
    let rows: Vec<(Generation, Option<Confidence>)> = match outcome {
        Err(e) => vec![(
            Generation {
                id: new_id(),
                incomplete: true,
                error: Some(e.message.clone()),
                ..base
            },
            None,
        )],
        Ok(c) => c
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let summary = v.logprob_summary();
                // Only a whole answer is a draft to score; the judge rated the first.
                let judged = if i == 0 { judge } else { None };
                let score = (!v.incomplete && !v.text.trim().is_empty())
                    .then(|| scorer.score(&v.text, &v.logprobs, judged));
                let g = Generation {
                    id: new_id(),
                    output: v.text.clone(),
                    incomplete: v.incomplete,
                    logprob_mean: summary.map(|s| s.0),
                    logprob_min: summary.map(|s| s.1),
                    latency_ms: Some(c.latency_ms as i64),
                    prompt_tokens: c.prompt_tokens.map(i64::from),
                    completion_tokens: v.completion_tokens.map(i64::from),
                    error: match (&c.ending, v.incomplete) {
                        (_, false) | (Ending::Complete, _) => None,
                        (Ending::Cut(reason), true) => Some(reason.clone()),
                        (Ending::Cancelled, true) => Some("cancelled".into()),
                    },
                    confidence: score.as_ref().map(|c| c.score),
                    ..base.clone()
                };
                (g, score)
            })
            .collect(),
    };
    let generations: Vec<Generation> = rows.iter().map(|(g, _)| g.clone()).collect();
    for (g, score) in &rows {
        insert_row(tx, g, &params_json, &messages, score.as_ref())?;
    }
    audit::record(
        tx,
        actor,
        "generation.recorded",
        "generation_group",
        &group_id,
        json!({"provider": ctx.provider, "model": ctx.request.model, "variants": rows.len(),
               "document_id": ctx.document_id, "failed": outcome.is_err()}),
    )?;
    let routed = match then {
        Some(then) => then(tx, actor, &generations)?,
        None => None,
    };
    Ok((generations, routed))
}
