//! What an export reads: each generation with everything people said about it, one at a
//! time, so memory stays flat however many there are.

use std::collections::BTreeMap;

use rusqlite::{params_from_iter, OptionalExtension};

use crate::error::Result;
use crate::feedback::{Feedback, Verdict};
use crate::llm::{ChatMessage, Role};
use crate::store::Workspace;

use super::Filters;

/// A document's revisions as the export needs them: author kind, generation, text.
type RevisionRow = (String, Option<String>, String);

/// A document's feedback as the export needs it: generation, event id, actor, payload.
type EventRow = (Option<String>, String, String, String);

/// Rows ordered by document id, taken a document at a time.
struct Cursor<'s, T> {
    rows: rusqlite::Rows<'s>,
    read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<(String, T)>,
    /// The first row of the next document, read but not yet taken.
    ahead: Option<(String, T)>,
    done: bool,
}

impl<'s, T> Cursor<'s, T> {
    fn new(
        rows: rusqlite::Rows<'s>,
        read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<(String, T)>,
    ) -> Self {
        Cursor {
            rows,
            read,
            ahead: None,
            done: false,
        }
    }

    /// The rows of `document`, skipping those of documents before it.
    fn take_document(&mut self, document: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        loop {
            let (id, value) = match self.ahead.take() {
                Some(next) => next,
                None if self.done => return Ok(out),
                None => match self.rows.next()? {
                    Some(row) => (self.read)(row)?,
                    None => {
                        self.done = true;
                        return Ok(out);
                    }
                },
            };
            match id.as_str().cmp(document) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => out.push(value),
                std::cmp::Ordering::Greater => {
                    self.ahead = Some((id, value));
                    return Ok(out);
                }
            }
        }
    }
}

/// Folds a document's events on `record`'s generation into it, oldest first.
fn fold_feedback(record: &mut Record, events: &[EventRow]) {
    for (generation, id, actor, payload) in events {
        if generation.as_deref() != Some(record.generation_id.as_str()) {
            continue;
        }
        let Ok(feedback) = serde_json::from_str::<Feedback>(payload) else {
            continue;
        };
        let counts = match feedback {
            Feedback::Thumb { up, .. } => {
                record.thumb = Some(up);
                true
            }
            Feedback::Rating { dimension, value } => {
                record.ratings.insert(dimension, value);
                true
            }
            Feedback::Tag { tag, removed, .. } => {
                record.tags.retain(|t| *t != tag);
                if !removed {
                    record.tags.push(tag);
                }
                true
            }
            Feedback::Comment { text, .. } => {
                record.comments.push(text);
                true
            }
            Feedback::Decision { verdict, .. } => {
                record.decision = Some(verdict);
                record.reviewer = Some(actor.clone());
                true
            }
            Feedback::Preference {
                chosen,
                rejected,
                tie,
                ..
            } => {
                if !tie && chosen == record.generation_id {
                    record.preferred_over.push(rejected);
                }
                !tie
            }
            Feedback::Edit { .. } | Feedback::Implicit { .. } => false,
        };
        if counts {
            record.feedback_ids.push(id.clone());
        }
    }
}

/// A generation and its feedback, latest of each kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub generation_id: String,
    pub group_id: String,
    pub document_id: String,
    pub project: String,
    pub content_type: String,
    pub prompt_version_id: Option<String>,
    pub model: String,
    pub created_at: String,
    /// The messages the model was sent (system and user turns).
    pub messages: Vec<ChatMessage>,
    pub output: String,
    /// What people kept of the output, when they changed it.
    pub final_text: Option<String>,
    pub status: String,
    pub thumb: Option<bool>,
    pub ratings: BTreeMap<String, i32>,
    pub tags: Vec<String>,
    pub comments: Vec<String>,
    pub decision: Option<Verdict>,
    pub reviewer: Option<String>,
    /// The outputs of generations this one was preferred over (`tie` excluded).
    pub preferred_over: Vec<String>,
    pub feedback_ids: Vec<String>,
}

impl Record {
    /// The turns before the answer: what a trainer sees as the prompt.
    pub fn prompt(&self) -> Vec<ChatMessage> {
        self.messages
            .iter()
            .filter(|m| m.role != Role::Assistant)
            .cloned()
            .collect()
    }
}

/// The text people kept after the model revision at `at`: the last human revision
/// before the model's next one, or the current text when there is none.
pub(crate) fn kept_after(revisions: &[RevisionRow], at: usize, current: &str) -> Option<String> {
    let mut kept = None;
    for (kind, _, text) in &revisions[at + 1..] {
        if kind != "human" {
            return kept;
        }
        kept = Some(text.clone());
    }
    Some(current.to_owned())
}

/// The generations `filters` can select in SQL; the rest is checked per record.
fn query(filters: &Filters, columns: &str) -> (String, Vec<String>) {
    let mut sql = format!(
        "SELECT {columns}
         FROM generations g
         JOIN documents d ON d.id = g.document_id
         JOIN projects p ON p.id = d.project_id
         WHERE g.error IS NULL AND g.incomplete = 0 AND g.output <> ''"
    );
    let mut args: Vec<String> = Vec::new();
    let mut bind = |clause: &str, value: &String| {
        args.push(value.clone());
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(p) = &filters.project {
        bind(" AND p.name = ? COLLATE NOCASE", p);
    }
    if let Some(s) = &filters.since {
        bind(" AND g.created_at >= ?", s);
    }
    if let Some(u) = &filters.until {
        bind(" AND g.created_at < ?", u);
    }
    if let Some(s) = &filters.status {
        bind(" AND d.status = ?", s);
    }
    if let Some(v) = &filters.prompt_version {
        bind(" AND g.prompt_version_id = ?", v);
    }
    (sql, args)
}

impl Workspace {
    /// How many generations `filters` selects before the per-record filters (ratings,
    /// tags, reviewer): the total an export's progress counts towards.
    pub(crate) fn candidate_count(&self, filters: &Filters) -> Result<u64> {
        let (sql, args) = query(filters, "count(*)");
        let n: i64 = self
            .conn()
            .query_row(&sql, params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Calls `each` with every exportable generation matching `filters`, oldest first,
    /// until it returns `false`.
    pub fn for_each_record(
        &self,
        filters: &Filters,
        mut each: impl FnMut(Record) -> Result<bool>,
    ) -> Result<()> {
        let (sql, args) = query(
            filters,
            "g.id, g.group_id, g.document_id, p.name, p.content_type, g.prompt_version_id,
                    g.model, g.created_at, g.messages, g.output, d.status, d.body_markdown",
        );
        // Generations, revisions and feedback are each read in one pass in document
        // order and merged, rather than looked up per generation: an export touches
        // every page once, in order.
        let sql = format!("{sql} ORDER BY g.document_id, g.created_at, g.id");
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut rev_stmt = self.conn().prepare(
            "SELECT document_id, author_kind, generation_id, body_markdown FROM revisions
             ORDER BY document_id, created_at",
        )?;
        let mut revisions: Cursor<RevisionRow> = Cursor::new(rev_stmt.query([])?, |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        });
        let mut event_stmt = self.conn().prepare(
            "SELECT document_id, generation_id, id, actor, payload FROM feedback_events
             WHERE document_id IS NOT NULL ORDER BY document_id, created_at",
        )?;
        let mut events: Cursor<EventRow> = Cursor::new(event_stmt.query([])?, |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        });
        let mut document: Option<String> = None;
        let mut doc_revisions: Vec<RevisionRow> = Vec::new();
        let mut doc_events: Vec<EventRow> = Vec::new();
        while let Some(row) = rows.next()? {
            let document_id: String = row.get(2)?;
            if document.as_deref() != Some(&document_id) {
                doc_revisions = revisions.take_document(&document_id)?;
                doc_events = events.take_document(&document_id)?;
                document = Some(document_id.clone());
            }
            let generation_id: String = row.get(0)?;
            let messages: String = row.get(8)?;
            let current: String = row.get(11)?;
            let output: String = row.get(9)?;
            let final_text = doc_revisions
                .iter()
                .position(|(kind, g, _)| kind == "model" && g.as_deref() == Some(&generation_id))
                .and_then(|at| kept_after(&doc_revisions, at, &current))
                .filter(|kept| kept.trim() != output.trim() && !kept.trim().is_empty());
            let mut record = Record {
                generation_id,
                group_id: row.get(1)?,
                document_id,
                project: row.get(3)?,
                content_type: row.get(4)?,
                prompt_version_id: row.get(5)?,
                model: row.get(6)?,
                created_at: row.get(7)?,
                messages: serde_json::from_str(&messages)?,
                output,
                final_text,
                status: row.get(10)?,
                thumb: None,
                ratings: BTreeMap::new(),
                tags: Vec::new(),
                comments: Vec::new(),
                decision: None,
                reviewer: None,
                preferred_over: Vec::new(),
                feedback_ids: Vec::new(),
            };
            fold_feedback(&mut record, &doc_events);
            if !filters.admits(&record) {
                continue;
            }
            // The other side of each preference, read here so the rows can be made
            // without the database.
            for other in std::mem::take(&mut record.preferred_over) {
                if let Some(text) = self.generation_output(&other)? {
                    record.preferred_over.push(text);
                }
            }
            if !each(record)? {
                break;
            }
        }
        Ok(())
    }

    /// A generation's output, for the other side of a preference.
    pub(crate) fn generation_output(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT output FROM generations WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}
