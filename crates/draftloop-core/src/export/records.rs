//! What an export reads: each generation with everything people said about it, one at a
//! time, so memory stays flat however many there are.

use std::collections::BTreeMap;

use std::path::Path;

use rusqlite::{params_from_iter, OptionalExtension};

use crate::error::Result;
use crate::feedback::{Feedback, FeedbackEvent, Fold, Verdict};
use crate::llm::{ChatMessage, Role};
use crate::store::{Hiding, Workspace};

use super::split::{Split, Tally};
use super::Filters;

/// A document's revisions as the export needs them: by a person (else by the model),
/// generation, rowid. The text is read only in the rare case it is what people kept
/// (see [`Kept`]).
type RevisionRow = (bool, Option<String>, i64);

/// Rows ordered by document id, taken a document at a time.
struct Cursor<I, T> {
    rows: std::iter::Fuse<I>,
    /// The first row of the next document, read but not yet taken.
    ahead: Option<(String, T)>,
}

impl<I: Iterator<Item = Result<(String, T)>>, T> Cursor<I, T> {
    fn new(rows: I) -> Self {
        Cursor {
            rows: rows.fuse(),
            ahead: None,
        }
    }

    /// The rows of `document`, skipping those of documents before it.
    fn take_document(&mut self, document: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        loop {
            let (id, value) = match self.ahead.take() {
                Some(next) => next,
                None => match self.rows.next() {
                    Some(row) => row?,
                    None => return Ok(out),
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

/// Rows read on a thread of its own, from a connection of its own, in batches; an error
/// ends the stream. Dropping the stream stops the thread. `query` writes the query and
/// its arguments in the read transaction it runs in (see [`Hiding`]).
fn stream<'scope, 'env: 'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    name: &str,
    path: &'env Path,
    query: impl FnOnce(&rusqlite::Connection) -> Result<(String, Vec<String>)> + Send + 'scope,
    decode: fn(&rusqlite::Row<'_>) -> Result<Option<T>>,
) -> Result<impl Iterator<Item = Result<T>> + 'scope> {
    const BATCH: usize = 512;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<T>>>(4);
    let errors = tx.clone();
    let run = move || -> Result<()> {
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let read = conn.unchecked_transaction()?;
        let (sql, args) = query(&read)?;
        let mut stmt = read.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = rows.next()? {
            if let Some(value) = decode(row)? {
                batch.push(Ok(value));
            }
            if batch.len() == BATCH
                && tx
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err()
            {
                return Ok(()); // the export stopped reading
            }
        }
        let _ = tx.send(batch);
        Ok(())
    };
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn_scoped(scope, move || {
            if let Err(e) = run() {
                let _ = errors.send(vec![Err(e)]);
            }
        })?;
    Ok(rx.into_iter().flatten())
}

fn read_event(r: &rusqlite::Row<'_>) -> Result<Option<(String, FeedbackEvent)>> {
    let feedback = Feedback::from_payload(r.get_ref(5)?.as_str().unwrap_or_default())?;
    let event = FeedbackEvent {
        id: r.get(2)?,
        document_id: None,
        generation_id: r.get(1)?,
        revision_id: None,
        actor: r.get(3)?,
        // Not part of any row.
        person_id: String::new(),
        device_id: String::new(),
        created_at: r.get(4)?,
        feedback,
    };
    Ok(Some((r.get(0)?, event)))
}

/// A generation's row, as the export query reads it.
struct Generation {
    id: String,
    group_id: String,
    document_id: String,
    project: String,
    content_type: String,
    prompt_version_id: Option<String>,
    model: String,
    created_at: String,
    messages: Vec<ChatMessage>,
    output: String,
    status: String,
    /// The document's text now, when it is not the output itself.
    current: Option<String>,
}

impl Generation {
    fn read(row: &rusqlite::Row<'_>) -> Result<Generation> {
        Ok(Generation {
            id: row.get(0)?,
            group_id: row.get(1)?,
            document_id: row.get(2)?,
            project: row.get(3)?,
            content_type: row.get(4)?,
            prompt_version_id: row.get(5)?,
            model: row.get(6)?,
            created_at: row.get(7)?,
            messages: serde_json::from_str(row.get_ref(8)?.as_str().unwrap_or("[]"))?,
            current: {
                let (output, current) = (row.get_ref(9)?.as_str(), row.get_ref(11)?.as_str());
                let (output, current) = (output.unwrap_or_default(), current.unwrap_or_default());
                (current.trim() != output.trim()).then(|| current.to_owned())
            },
            output: row.get(9)?,
            status: row.get(10)?,
        })
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
    /// The outputs of the variants this one was preferred over: by the latest preference
    /// between the two (a tie prefers neither), or by its approval over the other
    /// variants of its request.
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

/// Where the text people kept after a model revision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kept {
    /// In this later human revision: the last one before the model's next revision.
    Revision(usize),
    /// In the document as it is now: no model revision came after.
    Current,
}

/// What people kept after the model revision at `at` among `len` revisions in order, or
/// nothing when the model revised again before anyone changed a word.
pub(crate) fn kept_after(at: usize, len: usize, is_human: impl Fn(usize) -> bool) -> Option<Kept> {
    let mut kept = None;
    for i in at + 1..len {
        if !is_human(i) {
            return kept.map(Kept::Revision);
        }
        kept = Some(i);
    }
    Some(Kept::Current)
}

/// The generations `filters` can select in SQL; the rest is checked per record. The
/// documents and projects are joined when `columns` read them, or a filter or a
/// liveness check needs them: a count of everything needs the generations alone (the
/// foreign keys hold every generation's document and every document's project).
fn query(filters: &Filters, columns: &str, joined: bool, hiding: Hiding) -> (String, Vec<String>) {
    let joined =
        joined || hiding.hides_anything() || filters.project.is_some() || filters.status.is_some();
    // The generations drive the read (CROSS JOIN keeps them outermost), walked in the
    // order of the index of those an export can take, so nothing is sorted and the
    // rest are never read; the views' liveness is written out.
    let mut sql = format!(
        "SELECT {columns}
         FROM generations g INDEXED BY generations_exportable"
    );
    if joined {
        sql.push_str(
            " CROSS JOIN documents d ON d.id = g.document_id
              CROSS JOIN projects p ON p.id = d.project_id",
        );
    }
    sql.push_str(" WHERE g.error IS NULL AND g.incomplete = 0 AND g.output <> ''");
    if joined {
        sql.push_str(" AND ");
        sql.push_str(&hiding.live_document_and_project());
    } else {
        sql.push_str(" AND g.document_id IS NOT NULL");
    }
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
        // One read transaction: what hides rows and the rows, as of one moment.
        let read = self.conn().unchecked_transaction()?;
        let (sql, args) = query(filters, "count(*)", false, Hiding::read(&read)?);
        let n: i64 = read.query_row(&sql, params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The train/eval split of the documents `filters` selects. With per-record filters
    /// (ratings, tags, reviewer) that takes a read of the records themselves; otherwise
    /// the documents' ids are enough.
    pub(crate) fn split(&self, filters: &Filters, ratio: f64) -> Result<Split> {
        let mut tally = Tally::new(ratio);
        if filters.min_ratings.is_empty() && filters.tags.is_empty() && filters.reviewer.is_none() {
            let read = self.conn().unchecked_transaction()?;
            let (sql, args) = query(
                filters,
                "DISTINCT g.document_id",
                false,
                Hiding::read(&read)?,
            );
            let mut stmt = read.prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(args.iter()))?;
            while let Some(row) = rows.next()? {
                tally.add(&row.get::<_, String>(0)?);
            }
        } else {
            // Records come a document at a time.
            let mut last = String::new();
            self.for_each_record(filters, |r| {
                if r.document_id != last {
                    tally.add(&r.document_id);
                    last = r.document_id;
                }
                Ok(true)
            })?;
        }
        Ok(tally.split())
    }

    /// Calls `each` with every exportable generation matching `filters`, oldest first,
    /// until it returns `false`.
    pub fn for_each_record(
        &self,
        filters: &Filters,
        each: impl FnMut(Record) -> Result<bool>,
    ) -> Result<()> {
        // Generations, revisions and feedback are each read in one pass in document
        // order and merged, rather than looked up per generation: an export touches
        // every page once, in order. The rowid breaks ties in time: the index on
        // (document_id, created_at) holds it, so no row is sorted.
        // Generations and feedback, the bulk of what is read, are read on two more
        // threads. Each read sees the workspace as it was when its query began: the
        // revisions and the feedback are read after the generations began, and nothing
        // in them is ever updated, so they hold everything the generations refer to.
        let path = self.path();
        std::thread::scope(|scope| {
            let generations_query = |conn: &rusqlite::Connection| {
                let (sql, args) = query(
                    filters,
                    "g.id, g.group_id, g.document_id, p.name, p.content_type, g.prompt_version_id,
                     g.model, g.created_at, g.messages, g.output, d.status, d.body_markdown",
                    true,
                    Hiding::read(conn)?,
                );
                Ok((
                    format!("{sql} ORDER BY g.document_id, g.created_at, g.rowid"),
                    args,
                ))
            };
            let mut generations =
                stream(scope, "export-generations", path, generations_query, |r| {
                    Generation::read(r).map(Some)
                })?
                .peekable();
            if generations.peek().is_none() {
                return Ok(());
            }
            let mut rev_stmt = self.conn().prepare(
                "SELECT document_id, author_kind = 'human', generation_id, rowid FROM revisions
                 ORDER BY document_id, created_at, rowid",
            )?;
            let revisions = Cursor::new(
                rev_stmt
                    .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
                    .map(|r| r.map_err(Into::into)),
            );
            // Edits and implicit signals are not part of any export row.
            let events = stream(
                scope,
                "export-feedback",
                path,
                |_: &rusqlite::Connection| {
                    Ok((
                        "SELECT document_id, generation_id, id, actor, created_at, payload
                         FROM feedback_events
                         WHERE document_id IS NOT NULL AND kind NOT IN ('edit', 'implicit')
                         ORDER BY document_id, created_at, rowid"
                            .to_owned(),
                        Vec::new(),
                    ))
                },
                read_event,
            )?;
            self.merge(filters, generations, revisions, Cursor::new(events), each)
        })
    }

    /// Joins each generation with its document's revisions and feedback into records.
    fn merge(
        &self,
        filters: &Filters,
        generations: impl Iterator<Item = Result<Generation>>,
        mut revisions: Cursor<impl Iterator<Item = Result<(String, RevisionRow)>>, RevisionRow>,
        mut events: Cursor<impl Iterator<Item = Result<(String, FeedbackEvent)>>, FeedbackEvent>,
        mut each: impl FnMut(Record) -> Result<bool>,
    ) -> Result<()> {
        // A document's generations are taken together: an approved variant is preferred
        // over the other variants of its request, which may come before or after it.
        let mut generations = generations.peekable();
        while let Some(first) = generations.next() {
            let first = first?;
            let document = first.document_id.clone();
            let mut batch = vec![first];
            while matches!(generations.peek(), Some(Ok(g)) if g.document_id == document) {
                if let Some(Ok(g)) = generations.next() {
                    batch.push(g);
                }
            }
            let doc_revisions = revisions.take_document(&document)?;
            let doc_events = events.take_document(&document)?;
            let fold = Fold::of(&doc_events);
            let preferred: Vec<_> = batch
                .iter()
                .map(|g| {
                    let variants = batch
                        .iter()
                        .filter(|o| o.group_id == g.group_id)
                        .map(|o| o.id.as_str());
                    fold.preferred_over(&g.id, variants)
                })
                .collect();
            let mut records = Vec::with_capacity(batch.len());
            for (g, preferred) in batch.into_iter().zip(preferred) {
                records.push((self.record(g, &doc_revisions, &fold)?, preferred));
            }
            // The other side of each preference, as text, so the rows can be made
            // without the database (none for a record the filters leave out). Two
            // variants with the same text teach nothing.
            let mut others = Vec::with_capacity(records.len());
            for (r, preferred) in &records {
                if !filters.admits(r) {
                    others.push(None);
                    continue;
                }
                let mut texts = Vec::new();
                let mut cited = Vec::new();
                for (other, event) in preferred {
                    let text = match records.iter().find(|(o, _)| &o.generation_id == other) {
                        Some((o, _)) => Some(o.output.clone()),
                        None => self.generation_output(other)?,
                    };
                    texts.extend(text.filter(|t| t.trim() != r.output.trim()));
                    cited.extend(event.map(str::to_owned));
                }
                others.push(Some((texts, cited)));
            }
            drop(fold);
            for ((mut record, _), texts) in records.into_iter().zip(others) {
                let Some((texts, cited)) = texts else {
                    continue;
                };
                record.preferred_over = texts;
                record.feedback_ids.extend(cited);
                if !each(record)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// A generation with what people kept of it and what was said about it.
    fn record(
        &self,
        g: Generation,
        doc_revisions: &[RevisionRow],
        fold: &Fold<'_>,
    ) -> Result<Record> {
        let kept = doc_revisions
            .iter()
            .position(|(human, id, _)| !human && id.as_deref() == Some(&g.id))
            .and_then(|at| kept_after(at, doc_revisions.len(), |i| doc_revisions[i].0));
        let final_text = match kept {
            None => None,
            Some(Kept::Current) => g.current,
            Some(Kept::Revision(i)) => Some(self.revision_text(doc_revisions[i].2)?),
        }
        .filter(|kept| kept.trim() != g.output.trim() && !kept.trim().is_empty());
        let said = fold.generation(&g.id);
        Ok(Record {
            generation_id: g.id,
            group_id: g.group_id,
            document_id: g.document_id,
            project: g.project,
            content_type: g.content_type,
            prompt_version_id: g.prompt_version_id,
            model: g.model,
            created_at: g.created_at,
            messages: g.messages,
            output: g.output,
            final_text,
            status: g.status,
            thumb: said.thumb_up(),
            ratings: said
                .ratings
                .iter()
                .map(|(d, v)| ((*d).to_owned(), *v))
                .collect(),
            tags: said.all_tags().into_iter().map(str::to_owned).collect(),
            comments: said.comments.iter().map(|c| (*c).to_owned()).collect(),
            decision: said.decision.map(|d| d.verdict),
            reviewer: said.decision.map(|d| d.actor.to_owned()),
            preferred_over: Vec::new(),
            feedback_ids: said.event_ids.iter().map(|id| (*id).to_owned()).collect(),
        })
    }

    fn revision_text(&self, rowid: i64) -> Result<String> {
        Ok(self
            .conn()
            .prepare_cached(concat!(
                "SELECT ",
                crate::revision::revision_text!(),
                " FROM revisions r WHERE r.rowid = ?1"
            ))?
            .query_row([rowid], |r| r.get(0))?)
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
