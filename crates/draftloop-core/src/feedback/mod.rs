//! Feedback: an append-only log of what people said about the model's drafts. Every
//! event is bound to the exact generation and revision it was given on; a change of
//! mind is a new event, and the views below show the latest one.
//!
//! The log is its own record, so events are not copied into the audit log; decisions,
//! which change a document's status, are audited as well. [`fold`] is the one reading
//! of it.

pub mod changes;
pub mod fold;

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::actor::Actor;
use crate::audit;
use crate::diff;
use crate::document::DocumentStatus;
use crate::error::{Error, Result};
use crate::generation::Generation;
use crate::ids::{new_id, now};
use crate::project::Project;
use crate::revision;
use crate::store::Workspace;

pub use fold::Fold;

const TEXT_MAX_CHARS: usize = 10_000;
const QUOTE_MAX_CHARS: usize = 2_000;

/// A stretch of the document a tag or comment is about. `anchor` names the editor mark
/// that follows the words through later edits; `from`/`to`/`quote` are where it was
/// when the feedback was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Span {
    pub anchor: String,
    pub from: u32,
    pub to: u32,
    pub quote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
    Escalate,
    /// Withdraws the standing decision: the document is a draft again, awaiting a new
    /// one. Recorded by Draftloop when approved text is changed, or by a person.
    Reopen,
}

impl Verdict {
    /// As it is written in files: `approve`, `reject`, `escalate`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Reject => "reject",
            Verdict::Escalate => "escalate",
            Verdict::Reopen => "reopen",
        }
    }

    fn status(self) -> DocumentStatus {
        match self {
            Verdict::Approve => DocumentStatus::Approved,
            Verdict::Reject => DocumentStatus::Rejected,
            Verdict::Escalate => DocumentStatus::InReview,
            Verdict::Reopen => DocumentStatus::Draft,
        }
    }
}

/// One piece of feedback; the tag is the event's `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Feedback {
    Thumb {
        up: bool,
        /// One of the project's tags.
        reason: Option<String>,
        text: Option<String>,
    },
    Rating {
        dimension: String,
        value: i32,
    },
    /// `removed` takes a tag back off (the document, or the span's anchor).
    Tag {
        tag: String,
        span: Option<Span>,
        removed: bool,
    },
    Comment {
        text: String,
        span: Option<Span>,
    },
    /// Between two variants of one request; `tie` when neither is better.
    Preference {
        chosen: String,
        rejected: String,
        tie: bool,
        reason: Option<String>,
    },
    /// A person's edit of the text, from one revision to the next.
    Edit {
        from_revision: Option<String>,
        to_revision: String,
    },
    Decision {
        verdict: Verdict,
        reason: Option<String>,
    },
    /// A reviewer's own verdict (approve or reject) on a draft that asks for several
    /// reviews (`RoutingPolicy::multi_review`): hidden from the other reviewers until
    /// they give theirs, and the draft's decision only once every review is in and all
    /// agree. Not given directly: a decision on such a draft is recorded as one.
    Review {
        verdict: Verdict,
        reason: Option<String>,
    },
    /// Takes back a thumb, a rating or a comment the same person gave: from then on it
    /// is as if it had not been said (the log keeps both).
    Retraction {
        event_id: String,
    },
    /// Recorded by Draftloop on its own, from what people did.
    Implicit {
        /// Share of the draft's words still in the accepted text, 0–1.
        kept_ratio: Option<f64>,
        #[ts(type = "number | null")]
        time_to_accept_ms: Option<i64>,
        copied_chars: Option<u32>,
        exported_format: Option<String>,
    },
}

impl Feedback {
    pub fn kind(&self) -> &'static str {
        match self {
            Feedback::Thumb { .. } => "thumb",
            Feedback::Rating { .. } => "rating",
            Feedback::Tag { .. } => "tag",
            Feedback::Comment { .. } => "comment",
            Feedback::Preference { .. } => "preference",
            Feedback::Edit { .. } => "edit",
            Feedback::Decision { .. } => "decision",
            // Stored among the decisions (the table's kinds predate it); the payload
            // tells them apart.
            Feedback::Review { .. } => "decision",
            Feedback::Implicit { .. } => "implicit",
            Feedback::Retraction { .. } => "retraction",
        }
    }

    /// Reads a stored payload in one flat pass. The derived reading of an internally
    /// tagged enum first buffers the whole payload, and the exports read every event in
    /// the workspace; this reads the same JSON (a test holds the two to each other).
    pub fn from_payload(payload: &str) -> serde_json::Result<Feedback> {
        #[derive(Deserialize)]
        struct Flat<'a> {
            // Borrowed from the payload: no copy of every event's kind.
            #[serde(borrow)]
            kind: std::borrow::Cow<'a, str>,
            up: Option<bool>,
            reason: Option<String>,
            text: Option<String>,
            dimension: Option<String>,
            value: Option<i32>,
            tag: Option<String>,
            span: Option<Span>,
            #[serde(default)]
            removed: bool,
            chosen: Option<String>,
            rejected: Option<String>,
            #[serde(default)]
            tie: bool,
            from_revision: Option<String>,
            to_revision: Option<String>,
            verdict: Option<Verdict>,
            kept_ratio: Option<f64>,
            time_to_accept_ms: Option<i64>,
            copied_chars: Option<u32>,
            exported_format: Option<String>,
            event_id: Option<String>,
        }
        let p: Flat = serde_json::from_str(payload)?;
        let missing = |field: &str| {
            <serde_json::Error as serde::de::Error>::custom(format!(
                "a {} event without its {field}",
                p.kind
            ))
        };
        Ok(match p.kind.as_ref() {
            "thumb" => Feedback::Thumb {
                up: p.up.ok_or_else(|| missing("up"))?,
                reason: p.reason,
                text: p.text,
            },
            "rating" => Feedback::Rating {
                dimension: p.dimension.ok_or_else(|| missing("dimension"))?,
                value: p.value.ok_or_else(|| missing("value"))?,
            },
            "tag" => Feedback::Tag {
                tag: p.tag.ok_or_else(|| missing("tag"))?,
                span: p.span,
                removed: p.removed,
            },
            "comment" => Feedback::Comment {
                text: p.text.ok_or_else(|| missing("text"))?,
                span: p.span,
            },
            "preference" => Feedback::Preference {
                chosen: p.chosen.ok_or_else(|| missing("chosen"))?,
                rejected: p.rejected.ok_or_else(|| missing("rejected"))?,
                tie: p.tie,
                reason: p.reason,
            },
            "edit" => Feedback::Edit {
                from_revision: p.from_revision,
                to_revision: p.to_revision.ok_or_else(|| missing("to_revision"))?,
            },
            "decision" => Feedback::Decision {
                verdict: p.verdict.ok_or_else(|| missing("verdict"))?,
                reason: p.reason,
            },
            "review" => Feedback::Review {
                verdict: p.verdict.ok_or_else(|| missing("verdict"))?,
                reason: p.reason,
            },
            "implicit" => Feedback::Implicit {
                kept_ratio: p.kept_ratio,
                time_to_accept_ms: p.time_to_accept_ms,
                copied_chars: p.copied_chars,
                exported_format: p.exported_format,
            },
            "retraction" => Feedback::Retraction {
                event_id: p.event_id.ok_or_else(|| missing("event_id"))?,
            },
            other => {
                return Err(<serde_json::Error as serde::de::Error>::custom(format!(
                    "an event of unknown kind \"{other}\""
                )))
            }
        })
    }
}

/// One event to record: feedback on a document's draft.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackInput {
    pub document_id: String,
    /// The document's current draft when `None`.
    pub generation_id: Option<String>,
    pub feedback: Feedback,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FeedbackEvent {
    pub id: String,
    pub document_id: Option<String>,
    pub generation_id: Option<String>,
    pub revision_id: Option<String>,
    pub actor: String,
    /// The person's profile (empty for events given before profiles) and the device.
    pub person_id: String,
    pub device_id: String,
    pub created_at: String,
    pub feedback: Feedback,
}

/// A tag or comment on a stretch of text that is still in force.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SpanNote {
    pub event_id: String,
    /// The draft that was in view when it was given.
    pub generation_id: Option<String>,
    pub anchor: String,
    pub quote: String,
    pub tag: Option<String>,
    pub comment: Option<String>,
    pub actor: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Rating {
    pub dimension: String,
    pub value: i32,
    /// The event it came from: what clearing it takes back.
    pub event_id: String,
}

/// A document's feedback as the panel shows it: the latest of each kind on the current
/// draft, and the whole timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocumentFeedback {
    /// The draft feedback is given on: the generation behind the latest model text.
    pub generation: Option<Generation>,
    pub thumb: Option<FeedbackEvent>,
    pub ratings: Vec<Rating>,
    pub tags: Vec<String>,
    pub spans: Vec<SpanNote>,
    pub comments: Vec<FeedbackEvent>,
    pub decision: Option<FeedbackEvent>,
    /// Newest first, each with the model of the generation it was given on.
    pub timeline: Vec<TimelineEntry>,
    /// Everyone in the workspace: the names to show for events' people and actors.
    pub people: Vec<crate::profile::Profile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TimelineEntry {
    pub event: FeedbackEvent,
    pub model: Option<String>,
    /// Which variant of its request it was given on ("B").
    pub variant: Option<String>,
    /// For a preference: the chosen variant and the other ("B", "A").
    pub compared: Option<(String, String)>,
}

/// A document's generations: model, and letter among its request's variants.
type Drafts = BTreeMap<String, (String, String)>;

fn clean_text(what: &str, text: &str, max: usize) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(Error::invalid(format!(
            "a {what} can be at most {max} characters"
        )));
    }
    Ok(text.to_owned())
}

fn clean_optional(what: &str, text: &Option<String>) -> Result<Option<String>> {
    Ok(match text {
        Some(t) => Some(clean_text(what, t, TEXT_MAX_CHARS)?).filter(|t| !t.is_empty()),
        None => None,
    })
}

fn known_tag(project: &Project, tag: &str) -> Result<String> {
    let tag = tag.trim().to_lowercase();
    if project.tags.contains(&tag) {
        Ok(tag)
    } else {
        Err(Error::invalid(format!(
            "\"{tag}\" is not one of the project's tags ({})",
            project.tags.join(", ")
        )))
    }
}

fn clean_span(span: &Option<Span>) -> Result<Option<Span>> {
    let Some(span) = span else { return Ok(None) };
    let anchor = span.anchor.trim();
    if anchor.is_empty() || anchor.len() > 64 {
        return Err(Error::invalid(
            "a span needs an anchor id of at most 64 characters",
        ));
    }
    if span.from >= span.to {
        return Err(Error::invalid("a span must cover at least one character"));
    }
    Ok(Some(Span {
        anchor: anchor.to_owned(),
        from: span.from,
        to: span.to,
        quote: clean_text("quoted span", &span.quote, QUOTE_MAX_CHARS)?,
    }))
}

/// Checks an event against the project's rubric and tags and tidies its text.
fn validate(project: &Project, feedback: &Feedback) -> Result<Feedback> {
    Ok(match feedback {
        Feedback::Thumb { up, reason, text } => Feedback::Thumb {
            up: *up,
            reason: match reason.as_deref().map(str::trim) {
                Some(r) if !r.is_empty() => Some(known_tag(project, r)?),
                _ => None,
            },
            text: clean_optional("thumb reason", text)?,
        },
        Feedback::Rating { dimension, value } => {
            let d = project
                .rubric
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(dimension.trim()))
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "\"{}\" is not a dimension of the project's rubric",
                        dimension.trim()
                    ))
                })?;
            if *value < d.min || *value > d.max {
                return Err(Error::invalid(format!(
                    "a {} rating goes from {} to {}, not {value}",
                    d.name, d.min, d.max
                )));
            }
            Feedback::Rating {
                dimension: d.name.clone(),
                value: *value,
            }
        }
        Feedback::Tag { tag, span, removed } => Feedback::Tag {
            tag: known_tag(project, tag)?,
            span: clean_span(span)?,
            removed: *removed,
        },
        Feedback::Comment { text, span } => {
            let text = clean_text("comment", text, TEXT_MAX_CHARS)?;
            if text.is_empty() {
                return Err(Error::invalid("a comment needs some text"));
            }
            Feedback::Comment {
                text,
                span: clean_span(span)?,
            }
        }
        Feedback::Preference {
            chosen,
            rejected,
            tie,
            reason,
        } => {
            if chosen == rejected {
                return Err(Error::invalid(
                    "a preference compares two different variants",
                ));
            }
            Feedback::Preference {
                chosen: chosen.clone(),
                rejected: rejected.clone(),
                tie: *tie,
                reason: clean_optional("preference reason", reason)?,
            }
        }
        Feedback::Edit { .. } => {
            return Err(Error::invalid(
                "edits are recorded by Draftloop when the text is saved as a revision",
            ))
        }
        Feedback::Decision { verdict, reason } => Feedback::Decision {
            verdict: *verdict,
            reason: clean_optional("decision reason", reason)?,
        },
        Feedback::Review { .. } => {
            return Err(Error::invalid(
                "a review is given as a decision on a draft waiting in the review queue",
            ))
        }
        // What it takes back is checked against the log (see `retracted_generation`).
        Feedback::Retraction { event_id } => Feedback::Retraction {
            event_id: event_id.trim().to_owned(),
        },
        Feedback::Implicit {
            kept_ratio,
            time_to_accept_ms,
            copied_chars,
            exported_format,
        } => {
            if kept_ratio.is_some_and(|r| !(0.0..=1.0).contains(&r)) {
                return Err(Error::invalid("a kept ratio goes from 0 to 1"));
            }
            if time_to_accept_ms.is_some_and(|ms| ms < 0) {
                return Err(Error::invalid("a time to accept cannot be negative"));
            }
            let exported_format = clean_optional("export format", exported_format)?;
            if kept_ratio.is_none()
                && time_to_accept_ms.is_none()
                && copied_chars.is_none()
                && exported_format.is_none()
            {
                return Err(Error::invalid("an implicit signal needs a value"));
            }
            Feedback::Implicit {
                kept_ratio: *kept_ratio,
                time_to_accept_ms: *time_to_accept_ms,
                copied_chars: *copied_chars,
                exported_format,
            }
        }
    })
}

/// Share of `draft`'s words that are still in `kept`, 0–1 (1 for an empty draft).
pub fn kept_ratio(draft: &str, kept: &str) -> f64 {
    let is_word = |t: &str| t.chars().any(char::is_alphanumeric);
    let total = diff::tokens(draft)
        .into_iter()
        .filter(|t| is_word(t))
        .count();
    if total == 0 {
        return 1.0;
    }
    let same: usize = diff::word_diff(draft, kept)
        .iter()
        .filter(|s| s.kind == diff::DiffKind::Equal)
        .map(|s| {
            diff::tokens(&s.text)
                .into_iter()
                .filter(|t| is_word(t))
                .count()
        })
        .sum();
    same as f64 / total as f64
}

fn insert_event(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    generation_id: Option<&str>,
    revision_id: Option<&str>,
    feedback: &Feedback,
) -> Result<FeedbackEvent> {
    insert_event_at(
        tx,
        actor,
        document_id,
        generation_id,
        revision_id,
        feedback,
        &now(),
    )
}

/// An event given at `at` (imports carry their own times).
pub(crate) fn insert_event_at(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    generation_id: Option<&str>,
    revision_id: Option<&str>,
    feedback: &Feedback,
    at: &str,
) -> Result<FeedbackEvent> {
    let event = FeedbackEvent {
        id: new_id(),
        document_id: Some(document_id.to_owned()),
        generation_id: generation_id.map(str::to_owned),
        revision_id: revision_id.map(str::to_owned),
        actor: actor.as_str().to_owned(),
        person_id: actor.person().to_owned(),
        device_id: actor.device().to_owned(),
        created_at: at.to_owned(),
        feedback: feedback.clone(),
    };
    tx.prepare_cached(
        "INSERT INTO feedback_events (id, document_id, generation_id, revision_id, actor, kind, payload,
             created_at, person, device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT n FROM profiles WHERE id = ?9), (SELECT n FROM devices WHERE id = ?10))",
    )?
    .execute(params![
            event.id,
            event.document_id,
            event.generation_id,
            event.revision_id,
            event.actor,
            feedback.kind(),
            serde_json::to_string(feedback)?,
            event.created_at,
            event.person_id,
            event.device_id,
        ])?;
    Ok(event)
}

/// Keeps the document's current text as a human revision when it differs from the
/// latest one, recording the person's edit; returns the revision the text is now.
pub(crate) fn checkpoint(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
) -> Result<Option<String>> {
    let text = crate::document::text_of(tx, document_id)?;
    let latest = revision::latest(tx, document_id)?;
    if let Some((id, markdown, _)) = &latest {
        if *markdown == text.body_markdown {
            return Ok(Some(id.clone()));
        }
    }
    if text.body_markdown.trim().is_empty() {
        return Ok(latest.map(|l| l.0));
    }
    let to = revision::insert(tx, actor, document_id, "human", None, &text)?;
    let generation = latest.as_ref().and_then(|l| l.2.clone());
    let generation = match generation {
        Some(g) => Some(g),
        None => current_generation_id(tx, document_id)?,
    };
    insert_event(
        tx,
        actor,
        document_id,
        generation.as_deref(),
        Some(&to),
        &Feedback::Edit {
            from_revision: latest.map(|l| l.0),
            to_revision: to.clone(),
        },
    )?;
    Ok(Some(to))
}

/// Approved text that changes (typed over, a variant or a revision put in its place) is
/// a draft again: the approval was of the words approved. The text as approved is kept
/// as a revision and the reopening is recorded as the document's latest decision, so
/// the timeline says so and no export counts the changed text as approved. Called in
/// the write that changes the text, before it does.
pub(crate) fn reopen_if_approved(tx: &Transaction, actor: &Actor, document_id: &str) -> Result<()> {
    let status: String = tx
        .prepare_cached("SELECT status FROM documents WHERE id = ?1")?
        .query_row([document_id], |r| r.get(0))?;
    if status != DocumentStatus::Approved.as_str() {
        return Ok(());
    }
    let revision = checkpoint(tx, actor, document_id)?;
    let generation = current_generation_id(tx, document_id)?;
    let reason = Some("changed after approval".to_owned());
    let feedback = Feedback::Decision {
        verdict: Verdict::Reopen,
        reason: reason.clone(),
    };
    let event = insert_event(
        tx,
        actor,
        document_id,
        generation.as_deref(),
        revision.as_deref(),
        &feedback,
    )?;
    decide(tx, actor, &event, None, Verdict::Reopen, &reason, &now())
}

/// Records `verdict` on `generation`, the document's draft, at `at`: the review gate's
/// own decisions, in the caller's transaction.
pub(crate) fn record_decision(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    generation: &Generation,
    verdict: Verdict,
    reason: Option<String>,
    at: &str,
) -> Result<String> {
    let revision = checkpoint(tx, actor, document_id)?;
    let feedback = Feedback::Decision {
        verdict,
        reason: reason.clone(),
    };
    let event = insert_event_at(
        tx,
        actor,
        document_id,
        Some(&generation.id),
        revision.as_deref(),
        &feedback,
        at,
    )?;
    decide(tx, actor, &event, Some(generation), verdict, &reason, at)?;
    Ok(event.id)
}

/// The generation behind the document's latest model text.
fn current_generation_id(conn: &rusqlite::Connection, document_id: &str) -> Result<Option<String>> {
    revision::latest_model_generation(conn, document_id)
}

/// A decision sets the document's status (audited); an approval also records how much
/// of the draft was kept and how long acceptance took.
fn decide(
    tx: &Transaction,
    actor: &Actor,
    event: &FeedbackEvent,
    generation: Option<&Generation>,
    verdict: Verdict,
    reason: &Option<String>,
    at: &str,
) -> Result<()> {
    let Some(document_id) = event.document_id.as_deref() else {
        return Ok(());
    };
    crate::review::queue::on_decision(tx, actor, document_id, verdict, reason, at)?;
    let status = verdict.status();
    crate::document::set_status(tx, document_id, status, at)?;
    audit::record(
        tx,
        actor,
        "document.decided",
        "document",
        document_id,
        json!({"verdict": verdict, "reason": reason, "status": status.as_str(),
               "generation_id": event.generation_id, "event_id": event.id}),
    )?;
    if let (Verdict::Approve, Some(g)) = (verdict, generation) {
        let kept = crate::document::text_of(tx, document_id)?.body_markdown;
        let waited = chrono::DateTime::parse_from_rfc3339(at)
            .ok()
            .zip(chrono::DateTime::parse_from_rfc3339(&g.created_at).ok())
            .map(|(a, b)| (a - b).num_milliseconds().max(0));
        insert_event(
            tx,
            actor,
            document_id,
            Some(&g.id),
            event.revision_id.as_deref(),
            &Feedback::Implicit {
                kept_ratio: Some(kept_ratio(&g.output, &kept)),
                time_to_accept_ms: waited,
                copied_chars: None,
                exported_format: None,
            },
        )?;
    }
    Ok(())
}

/// An event's columns, of a query naming the table `e`; person and device by their ids.
pub(crate) const EVENT_COLUMNS_OF_E: &str = "e.id, e.document_id, e.generation_id, e.revision_id, \
    e.actor, e.created_at, e.payload, \
    coalesce((SELECT id FROM profiles WHERE n = e.person), ''), \
    coalesce((SELECT id FROM devices WHERE n = e.device), '')";

fn event_from_row(row: &Row) -> rusqlite::Result<FeedbackEvent> {
    event_from_row_at(row, 0)
}

/// An event read from [`EVENT_COLUMNS_OF_E`] starting at column `at`.
pub(crate) fn event_from_row_at(row: &Row, at: usize) -> rusqlite::Result<FeedbackEvent> {
    let payload = row.get_ref(at + 6)?.as_str()?;
    let feedback = Feedback::from_payload(payload).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(at + 6, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(FeedbackEvent {
        id: row.get(at)?,
        document_id: row.get(at + 1)?,
        generation_id: row.get(at + 2)?,
        revision_id: row.get(at + 3)?,
        actor: row.get(at + 4)?,
        created_at: row.get(at + 5)?,
        person_id: row.get(at + 7)?,
        device_id: row.get(at + 8)?,
        feedback,
    })
}

impl Workspace {
    /// Records one piece of feedback on a document's draft `generation_id` (the
    /// document's current generation when `None`). Durable once this returns.
    pub fn record_feedback(
        &mut self,
        document_id: &str,
        generation_id: Option<&str>,
        feedback: &Feedback,
    ) -> Result<FeedbackEvent> {
        let mut events = self.record_feedback_batch(&[FeedbackInput {
            document_id: document_id.to_owned(),
            generation_id: generation_id.map(str::to_owned),
            feedback: feedback.clone(),
        }])?;
        Ok(events.remove(0))
    }

    /// The generation a retraction of `event_id` on `document_id` is about: the event
    /// must be a thumb, a rating or a comment on that document, given by the person
    /// retracting it, and not taken back already.
    fn retracted_generation(&self, document_id: &str, event_id: &str) -> Result<Option<String>> {
        let events = self.feedback_events(document_id)?;
        let target = events.iter().find(|e| e.id == event_id).ok_or_else(|| {
            Error::NotFound(format!("feedback event {event_id} on this document"))
        })?;
        if !matches!(
            target.feedback,
            Feedback::Thumb { .. } | Feedback::Rating { .. } | Feedback::Comment { .. }
        ) {
            return Err(Error::invalid(format!(
                "only a thumb, a rating or a comment can be taken back, not a {}",
                target.feedback.kind()
            )));
        }
        if target.actor != self.actor().as_str() {
            return Err(Error::invalid(
                "only the person who gave feedback can take it back",
            ));
        }
        if events
            .iter()
            .any(|e| matches!(&e.feedback, Feedback::Retraction { event_id: of } if of == event_id))
        {
            return Err(Error::invalid("that feedback was already taken back"));
        }
        Ok(target.generation_id.clone())
    }

    /// Records many events in one transaction: all of them, or none when one is bad
    /// (the error names which). Durable once this returns.
    pub fn record_feedback_batch(&mut self, items: &[FeedbackInput]) -> Result<Vec<FeedbackEvent>> {
        let mut projects: HashMap<String, Project> = HashMap::new();
        let mut generations: HashMap<String, Generation> = HashMap::new();
        let mut current: HashMap<String, Option<String>> = HashMap::new();
        let mut prepared: Vec<(&str, Option<String>, Feedback)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let numbered = |e: Error| match (items.len(), e) {
                (1, e) => e,
                (_, Error::InvalidInput(m)) => Error::InvalidInput(format!("event {}: {m}", i + 1)),
                (_, Error::NotFound(m)) => Error::NotFound(format!("{m} (event {})", i + 1)),
                (_, e) => e,
            };
            let doc = item.document_id.as_str();
            let prepared_item = (|| {
                if !projects.contains_key(doc) {
                    let document = self.document(doc)?;
                    projects.insert(doc.to_owned(), self.project(&document.project_id)?);
                }
                let feedback = validate(&projects[doc], &item.feedback)?;
                let retracted = match &feedback {
                    Feedback::Retraction { event_id } => {
                        Some(self.retracted_generation(doc, event_id)?)
                    }
                    _ => None,
                };
                let generation_id = match (retracted, &item.generation_id) {
                    (Some(of), _) => of,
                    (None, Some(g)) => Some(g.clone()),
                    (None, None) => match current.get(doc) {
                        Some(g) => g.clone(),
                        None => {
                            let g = current_generation_id(self.conn(), doc)?;
                            current.insert(doc.to_owned(), g.clone());
                            g
                        }
                    },
                };
                if let Some(g) = &generation_id {
                    self.cache_generation(&mut generations, doc, g)?;
                }
                if let Feedback::Preference {
                    chosen, rejected, ..
                } = &feedback
                {
                    self.cache_generation(&mut generations, doc, chosen)?;
                    self.cache_generation(&mut generations, doc, rejected)?;
                    if generations[chosen].group_id != generations[rejected].group_id {
                        return Err(Error::invalid(
                            "a preference compares two variants of the same request",
                        ));
                    }
                }
                Ok((doc, generation_id, feedback))
            })()
            .map_err(numbered)?;
            prepared.push(prepared_item);
        }
        let at = now();
        self.write(|tx, actor| {
            let mut revisions: HashMap<&str, Option<String>> = HashMap::new();
            let mut events = Vec::with_capacity(prepared.len());
            for (doc, generation_id, feedback) in &prepared {
                let revision = match revisions.get(doc) {
                    Some(r) => r.clone(),
                    None => {
                        let r = checkpoint(tx, actor, doc)?;
                        revisions.insert(doc, r.clone());
                        r
                    }
                };
                // Approving or rejecting a draft that asks for several reviews gives
                // one of them.
                let review = match feedback {
                    Feedback::Decision {
                        verdict: verdict @ (Verdict::Approve | Verdict::Reject),
                        reason,
                    } if crate::review::queue::asks_reviews(tx, doc)? => Some(Feedback::Review {
                        verdict: *verdict,
                        reason: reason.clone(),
                    }),
                    _ => None,
                };
                let feedback = review.as_ref().unwrap_or(feedback);
                let event = insert_event(
                    tx,
                    actor,
                    doc,
                    generation_id.as_deref(),
                    revision.as_deref(),
                    feedback,
                )?;
                let generation = generation_id.as_ref().map(|g| &generations[g]);
                match feedback {
                    Feedback::Decision { verdict, reason } => {
                        decide(tx, actor, &event, generation, *verdict, reason, &at)?;
                    }
                    Feedback::Review { verdict, .. } => {
                        let verdict = *verdict;
                        let agreed = crate::review::queue::on_review(tx, actor, doc, verdict)?;
                        if let Some(reason) = agreed {
                            // Every review is in and all agree: that is the decision.
                            let revision = checkpoint(tx, actor, doc)?;
                            let standing = insert_event(
                                tx,
                                actor,
                                doc,
                                generation_id.as_deref(),
                                revision.as_deref(),
                                &Feedback::Decision {
                                    verdict,
                                    reason: Some(reason.clone()),
                                },
                            )?;
                            decide(
                                tx,
                                actor,
                                &standing,
                                generation,
                                verdict,
                                &Some(reason),
                                &at,
                            )?;
                        }
                    }
                    _ => {}
                }
                events.push(event);
            }
            Ok(events)
        })
    }

    fn cache_generation(
        &self,
        cache: &mut HashMap<String, Generation>,
        document_id: &str,
        generation_id: &str,
    ) -> Result<()> {
        match cache.get(generation_id) {
            Some(g) if g.document_id.as_deref() == Some(document_id) => Ok(()),
            Some(_) => Err(Error::invalid(
                "that generation belongs to another document",
            )),
            None => {
                let g = self.generation_of(document_id, generation_id)?;
                cache.insert(generation_id.to_owned(), g);
                Ok(())
            }
        }
    }

    fn generation_of(&self, document_id: &str, generation_id: &str) -> Result<Generation> {
        let g = self.generation(generation_id)?;
        if g.document_id.as_deref() != Some(document_id) {
            return Err(Error::invalid(
                "that generation belongs to another document",
            ));
        }
        Ok(g)
    }

    /// Every event on a document, oldest first.
    pub fn feedback_events(&self, document_id: &str) -> Result<Vec<FeedbackEvent>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {EVENT_COLUMNS_OF_E} FROM feedback_events e WHERE e.document_id = ?1
             ORDER BY e.created_at, e.id"
        ))?;
        let rows = stmt.query_map([document_id], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest of each kind on the document's current draft, and the timeline.
    pub fn document_feedback(&self, document_id: &str) -> Result<DocumentFeedback> {
        self.document(document_id)?;
        let generation = current_generation_id(self.conn(), document_id)?
            .map(|g| self.generation(&g))
            .transpose()?;
        let mut events = self.feedback_events(document_id)?;
        // Blind review: while the draft waits for several reviews, whoever has not
        // given theirs sees none of the others' reviews or ratings of it.
        if let Some((generation, since)) =
            crate::review::queue::blind_to(self.conn(), document_id, self.actor().person())?
        {
            let me = self.actor().person();
            events.retain(|e| {
                !(e.generation_id == generation
                    && e.created_at >= since
                    && e.person_id != me
                    && matches!(
                        e.feedback,
                        Feedback::Review { .. } | Feedback::Rating { .. }
                    ))
            });
        }
        let drafts: Drafts = {
            let mut stmt = self.conn().prepare(
                "SELECT id, model, group_id FROM generations WHERE document_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([document_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut per_group: HashMap<String, u8> = HashMap::new();
            let mut drafts = Drafts::new();
            for row in rows {
                let (id, model, group) = row?;
                let n = per_group.entry(group).or_default();
                let letter = char::from(b'A' + (*n).min(25)).to_string();
                *n += 1;
                drafts.insert(id, (model, letter));
            }
            drafts
        };
        Ok(DocumentFeedback {
            people: self.profiles()?,
            ..summarize(generation, events, &drafts)
        })
    }
}

/// A document as a Markdown file to take elsewhere: its title as the heading (unless
/// the text already starts with it), an email's subject and preheader, then the text.
pub(crate) fn markdown_file(
    title: &str,
    email: &crate::document::EmailFields,
    body: &str,
) -> String {
    let (title, body) = (title.trim(), body.trim());
    let heading = format!("# {title}");
    let mut parts: Vec<String> = Vec::new();
    if !title.is_empty() && body.lines().next().is_none_or(|l| l.trim() != heading) {
        parts.push(heading);
    }
    let fields: Vec<String> = [("Subject", &email.subject), ("Preheader", &email.preheader)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("**{k}:** {v}  "))
        .collect();
    if !fields.is_empty() {
        parts.push(fields.join("\n").trim_end().to_owned());
    }
    if !body.is_empty() {
        parts.push(body.to_owned());
    }
    format!("{}\n", parts.join("\n\n"))
}

/// The timeline (newest first) as a person reads it: one opinion per person. What was
/// taken back is left out with its retraction, and a thumb or a rating changed later
/// (a reason added, a mind changed) shows only as it stands.
fn one_opinion_each(timeline: Vec<TimelineEntry>) -> Vec<TimelineEntry> {
    let taken: std::collections::HashSet<String> = timeline
        .iter()
        .filter_map(|t| match &t.event.feedback {
            Feedback::Retraction { event_id } => Some(event_id.clone()),
            _ => None,
        })
        .collect();
    let mut stands: std::collections::HashSet<(String, Option<String>, String)> =
        Default::default();
    timeline
        .into_iter()
        .filter(|t| {
            let e = &t.event;
            let opinion = match &e.feedback {
                Feedback::Retraction { .. } => return false,
                Feedback::Thumb { .. } => "thumb".to_owned(),
                Feedback::Rating { dimension, .. } => format!("rating:{dimension}"),
                _ => return !taken.contains(&e.id),
            };
            // The latest thumb or rating stands, or, taken back, leaves none standing.
            stands.insert((e.actor.clone(), e.generation_id.clone(), opinion))
                && !taken.contains(&e.id)
        })
        .collect()
}

/// The panel's view of the fold: thumbs, ratings and document tags on the current
/// draft; span notes and comments with the text; the document's latest decision.
fn summarize(
    generation: Option<Generation>,
    events: Vec<FeedbackEvent>,
    drafts: &Drafts,
) -> DocumentFeedback {
    let fold = Fold::of(&events);
    let current = fold
        .on_draft(generation.as_ref().map(|g| g.id.as_str()))
        .clone();
    let spans = fold
        .spans
        .iter()
        .map(|s| SpanNote {
            event_id: s.event.id.clone(),
            generation_id: s.event.generation_id.clone(),
            anchor: s.span.anchor.clone(),
            quote: s.span.quote.clone(),
            tag: s.tag.map(str::to_owned),
            comment: s.comment.map(str::to_owned),
            actor: s.event.actor.clone(),
            created_at: s.event.created_at.clone(),
        })
        .collect();
    let summary = DocumentFeedback {
        generation: None,
        thumb: current.thumb.cloned(),
        ratings: current
            .ratings
            .iter()
            .map(|(dimension, value)| Rating {
                dimension: (*dimension).to_owned(),
                value: *value,
                event_id: current
                    .rating_event(dimension)
                    .unwrap_or_default()
                    .to_owned(),
            })
            .collect(),
        tags: current.tags.iter().map(|t| (*t).to_owned()).collect(),
        spans,
        comments: fold.comments.iter().map(|e| (*e).clone()).collect(),
        decision: fold.decision.cloned(),
        timeline: Vec::new(),
        people: Vec::new(),
    };
    drop(fold);
    let mut timeline: Vec<TimelineEntry> = events
        .into_iter()
        .map(|event| {
            let draft = event.generation_id.as_ref().and_then(|g| drafts.get(g));
            let letter = |g: &String| drafts.get(g).map(|d| d.1.clone());
            TimelineEntry {
                model: draft.map(|d| d.0.clone()),
                variant: draft.map(|d| d.1.clone()),
                compared: match &event.feedback {
                    Feedback::Preference {
                        chosen, rejected, ..
                    } => letter(chosen).zip(letter(rejected)),
                    _ => None,
                },
                event,
            }
        })
        .collect();
    timeline.sort_by(|a, b| fold::said_before(&b.event, &a.event));
    let timeline = one_opinion_each(timeline);
    DocumentFeedback {
        generation,
        timeline,
        ..summary
    }
}

impl Workspace {
    /// Writes the document's Markdown to `path` (replacing it whole or not at all) and
    /// records the export as an implicit signal.
    pub fn export_document(&mut self, document_id: &str, path: &std::path::Path) -> Result<()> {
        let document = self.document(document_id)?;
        if path.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a folder: give a file name",
                path.display()
            )));
        }
        crate::export::make_folder_for(path)?;
        let temp = path.with_extension("draftloop-tmp");
        let written = std::fs::write(
            &temp,
            markdown_file(&document.title, &document.email, &document.body_markdown),
        )
        .and_then(|()| std::fs::File::open(&temp)?.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(Error::invalid(format!(
                "could not write {}: {e}",
                path.display()
            )));
        }
        self.record_feedback(
            document_id,
            None,
            &Feedback::Implicit {
                kept_ratio: None,
                time_to_accept_ms: None,
                copied_chars: None,
                exported_format: Some("markdown".into()),
            },
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flat_reading_of_a_payload_is_the_derived_one() {
        let span = Some(Span {
            anchor: "a1".into(),
            from: 3,
            to: 9,
            quote: "Monday".into(),
        });
        let all = [
            Feedback::Thumb {
                up: false,
                reason: Some("tone".into()),
                text: Some("too loud".into()),
            },
            Feedback::Thumb {
                up: true,
                reason: None,
                text: None,
            },
            Feedback::Rating {
                dimension: "clarity".into(),
                value: 4,
            },
            Feedback::Tag {
                tag: "tone".into(),
                span: span.clone(),
                removed: true,
            },
            Feedback::Comment {
                text: "which Monday?".into(),
                span,
            },
            Feedback::Comment {
                text: "fine".into(),
                span: None,
            },
            Feedback::Preference {
                chosen: "g1".into(),
                rejected: "g2".into(),
                tie: true,
                reason: Some("shorter".into()),
            },
            Feedback::Edit {
                from_revision: None,
                to_revision: "r2".into(),
            },
            Feedback::Decision {
                verdict: Verdict::Escalate,
                reason: Some("legal".into()),
            },
            Feedback::Implicit {
                kept_ratio: Some(0.5),
                time_to_accept_ms: Some(1200),
                copied_chars: Some(40),
                exported_format: Some("markdown".into()),
            },
        ];
        for feedback in all {
            let payload = serde_json::to_string(&feedback).unwrap();
            let derived: Feedback = serde_json::from_str(&payload).unwrap();
            assert_eq!(
                Feedback::from_payload(&payload).unwrap(),
                derived,
                "{payload}"
            );
        }
        for bad in [
            r#"{"kind":"thumb"}"#,
            r#"{"kind":"shrug","up":true}"#,
            r#"{"kind":"rating","dimension":"clarity","value":"four"}"#,
            "",
        ] {
            assert!(Feedback::from_payload(bad).is_err(), "{bad}");
        }
    }
}
