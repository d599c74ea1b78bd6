//! Documents: a title, brief variables, a status and the current text, kept both as
//! editor JSON (what the editor reloads) and Markdown (what people and exports read).

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::audit;
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::store::Workspace;

/// Saves of one document within this long of the audited one share its audit entry.
const AUTOSAVE_BURST_MS: i64 = 60_000;

const TITLE_MAX_CHARS: usize = 200;

// The documents table is written here only: the use cases of other modules that change
// a document (a model's text put in, a decision, an import) call these.

/// A document as an import writes it: text, status, time and the import it is part of.
pub(crate) struct ImportedDocument<'a> {
    pub id: &'a str,
    pub project_id: &'a str,
    pub title: &'a str,
    pub status: &'a str,
    pub body_markdown: &'a str,
    pub at: &'a str,
    pub import_id: &'a str,
    /// Who kept its text, else who imported it.
    pub author: &'a str,
}

pub(crate) fn insert_imported(tx: &Transaction, d: &ImportedDocument<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO documents (id, project_id, title, status, body_markdown, created_at, updated_at, import_id,
             author)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
    )?
    .execute(params![d.id, d.project_id, d.title, d.status, d.body_markdown, d.at, d.import_id, d.author])?;
    Ok(())
}

/// A batch row's document, with its brief and the key a second run finds it by.
pub(crate) fn insert_for_batch(
    tx: &Transaction,
    actor: &crate::actor::Actor,
    project_id: &str,
    title: &str,
    brief: &BTreeMap<String, String>,
    batch_key: &str,
    at: &str,
) -> Result<String> {
    let id = new_id();
    let title = clean_title(title).unwrap_or_else(|_| UNTITLED.to_owned());
    tx.execute(
        "INSERT INTO documents (id, project_id, title, brief, status, created_at, updated_at, batch_key,
             author)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?5, ?6, ?7)",
        params![id, project_id, title, serde_json::to_string(brief)?, at, batch_key, actor.as_str()],
    )?;
    audit::record(
        tx,
        actor,
        "document.created",
        "document",
        &id,
        json!({"project_id": project_id, "title": title, "by": "batch"}),
    )?;
    Ok(id)
}

/// Removes what an unfinished import wrote (with its revisions, generations and
/// feedback): no one has seen it.
pub(crate) fn delete_imported(tx: &Transaction, import_id: &str) -> Result<()> {
    tx.execute("DELETE FROM documents WHERE import_id = ?1", [import_id])?;
    Ok(())
}

/// Replaces the document's text.
pub(crate) fn set_text(tx: &Transaction, id: &str, text: &DocumentText, at: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE documents SET body_json = ?1, body_markdown = ?2, updated_at = ?3 WHERE id = ?4",
    )?
    .execute(params![text.body_json, text.body_markdown, at, id])?;
    Ok(())
}

pub(crate) fn set_status(
    tx: &Transaction,
    id: &str,
    status: DocumentStatus,
    at: &str,
) -> Result<()> {
    tx.prepare_cached("UPDATE documents SET status = ?1, updated_at = ?2 WHERE id = ?3")?
        .execute(params![status.as_str(), at, id])?;
    Ok(())
}

/// The document's text as it is now (within the caller's transaction).
pub(crate) fn text_of(conn: &rusqlite::Connection, id: &str) -> Result<DocumentText> {
    Ok(conn
        .prepare_cached("SELECT body_json, body_markdown FROM documents WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(DocumentText {
                body_json: r.get(0)?,
                body_markdown: r.get(1)?,
            })
        })?)
}
pub const UNTITLED: &str = "Untitled document";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    Draft,
    InReview,
    Approved,
    Rejected,
    Published,
}

impl DocumentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Draft => "draft",
            DocumentStatus::InReview => "in_review",
            DocumentStatus::Approved => "approved",
            DocumentStatus::Rejected => "rejected",
            DocumentStatus::Published => "published",
        }
    }

    pub(crate) fn parse(s: &str) -> rusqlite::Result<Self> {
        Ok(match s {
            "draft" => DocumentStatus::Draft,
            "in_review" => DocumentStatus::InReview,
            "approved" => DocumentStatus::Approved,
            "rejected" => DocumentStatus::Rejected,
            "published" => DocumentStatus::Published,
            other => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown document status {other:?}").into(),
                ))
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Document {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub brief: BTreeMap<String, String>,
    /// An email's subject line and preheader; empty where there are none.
    #[serde(flatten)]
    pub email: EmailFields,
    pub status: DocumentStatus,
    /// ProseMirror JSON of the editor; empty for a document never typed in.
    pub body_json: String,
    pub body_markdown: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What an email carries besides its text: the subject line and the preheader (the
/// preview text inboxes show after it). The prompt's template may use them as
/// `{{subject}}` and `{{preheader}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EmailFields {
    pub subject: String,
    pub preheader: String,
}

/// Longest subject or preheader taken: far past what any inbox shows.
const EMAIL_FIELD_MAX: usize = 300;

impl EmailFields {
    fn cleaned(&self) -> Result<EmailFields> {
        let clean = |what: &str, s: &str| -> Result<String> {
            // One line each: an inbox shows no line breaks there.
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.chars().count() > EMAIL_FIELD_MAX {
                return Err(Error::invalid(format!(
                    "a {what} is at most {EMAIL_FIELD_MAX} characters"
                )));
            }
            Ok(s)
        };
        Ok(EmailFields {
            subject: clean("subject line", &self.subject)?,
            preheader: clean("preheader", &self.preheader)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.subject.is_empty() && self.preheader.is_empty()
    }
}

impl Document {
    /// What the prompt's template is filled with: the brief, and the email's subject
    /// and preheader as `subject` and `preheader` (over brief values of those names:
    /// they are what the email says).
    pub fn values(&self) -> BTreeMap<String, String> {
        let mut values = self.brief.clone();
        for (name, value) in [
            ("subject", &self.email.subject),
            ("preheader", &self.email.preheader),
        ] {
            if !value.is_empty() {
                values.insert(name.to_owned(), value.clone());
            }
        }
        values
    }
}

/// A document as listed in the sidebar and by `documents list`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocumentSummary {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub status: DocumentStatus,
    pub words: u32,
    pub updated_at: String,
}

/// The sidebar's first read: a page of each project's documents, and their numbers.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocumentList {
    pub documents: Vec<DocumentSummary>,
    pub counts: Vec<ProjectCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProjectCount {
    pub project_id: String,
    pub documents: u32,
}

/// The editor's text as the UI saves it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DocumentText {
    pub body_json: String,
    pub body_markdown: String,
}

impl DocumentText {
    /// Text given as Markdown alone (the CLI, imports): the editor builds its JSON from
    /// the Markdown when it opens the document.
    pub fn markdown(markdown: impl Into<String>) -> DocumentText {
        DocumentText {
            body_json: String::new(),
            body_markdown: markdown.into(),
        }
    }
}

fn clean_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::invalid("a document needs a title"));
    }
    if title.chars().count() > TITLE_MAX_CHARS {
        return Err(Error::invalid(format!(
            "a title can be at most {TITLE_MAX_CHARS} characters"
        )));
    }
    Ok(title.to_owned())
}

pub fn word_count(markdown: &str) -> u32 {
    markdown
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count() as u32
}

const COLUMNS: &str =
    "id, project_id, title, brief, status, body_json, body_markdown, created_at, \
                       updated_at, subject, preheader";

const SUMMARY_COLUMNS: &str = "id, project_id, title, status, body_markdown, updated_at";

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentSummary> {
    Ok(DocumentSummary {
        id: row.get(0)?,
        project_id: row.get(1)?,
        title: row.get(2)?,
        status: DocumentStatus::parse(&row.get::<_, String>(3)?)?,
        words: word_count(&row.get::<_, String>(4)?),
        updated_at: row.get(5)?,
    })
}

fn from_row(row: &Row) -> rusqlite::Result<(Document, String)> {
    Ok((
        Document {
            id: row.get(0)?,
            project_id: row.get(1)?,
            title: row.get(2)?,
            brief: BTreeMap::new(),
            email: EmailFields {
                subject: row.get(9)?,
                preheader: row.get(10)?,
            },
            status: DocumentStatus::parse(&row.get::<_, String>(4)?)?,
            body_json: row.get(5)?,
            body_markdown: row.get(6)?,
            created_at: row.get(7)?,
            updated_at: row.get(8)?,
        },
        row.get(3)?,
    ))
}

impl Workspace {
    pub fn create_document(&mut self, project_id: &str, title: &str) -> Result<Document> {
        let title = clean_title(title)?;
        self.project(project_id)?;
        let at = now();
        let document = Document {
            id: new_id(),
            project_id: project_id.to_owned(),
            title,
            brief: BTreeMap::new(),
            email: EmailFields::default(),
            status: DocumentStatus::Draft,
            body_json: String::new(),
            body_markdown: String::new(),
            created_at: at.clone(),
            updated_at: at,
        };
        self.write(|tx, actor| {
            tx.execute(
                &format!(
                    "INSERT INTO documents ({COLUMNS}, author)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                ),
                params![
                    document.id,
                    document.project_id,
                    document.title,
                    serde_json::to_string(&document.brief)?,
                    document.status.as_str(),
                    document.body_json,
                    document.body_markdown,
                    document.created_at,
                    document.updated_at,
                    document.email.subject,
                    document.email.preheader,
                    actor.as_str(),
                ],
            )?;
            audit::record(
                tx,
                actor,
                "document.created",
                "document",
                &document.id,
                json!({"project_id": project_id, "title": document.title}),
            )
        })?;
        Ok(document)
    }

    /// Whose drafts the document holds (see migration 0015); none when not known.
    pub fn document_author(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT author FROM documents WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    pub fn document(&self, id: &str) -> Result<Document> {
        let row = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM live_documents WHERE id = ?1"
            ))?
            .query_row([id], from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("document {id}")))?;
        let (mut document, brief) = row;
        document.brief = serde_json::from_str(&brief)?;
        Ok(document)
    }

    /// Documents of one project, or of all projects, newest first.
    pub fn documents(&self, project_id: Option<&str>) -> Result<Vec<DocumentSummary>> {
        if let Some(id) = project_id {
            self.project(id)?;
        }
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM live_documents
             WHERE ?1 IS NULL OR project_id = ?1
             ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([project_id], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What the sidebar shows first: the latest `per_project` documents of each project
    /// (newest first) and how many each holds. A history of 200,000 documents is not
    /// read whole to draw a window (the summaries count each text's words).
    pub fn document_list(&self, per_project: u32) -> Result<DocumentList> {
        let projects: Vec<String> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT id FROM live_projects ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let read = self.conn().unchecked_transaction()?;
        let mut documents = Vec::new();
        for project in &projects {
            documents.extend(self.project_documents(project, 0, per_project)?);
        }
        // Counted on the index; what deletions and unfinished imports hide, taken off.
        let mut counts: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        let mut add = |sql: &str, sign: i64| -> Result<()> {
            let mut stmt = read.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (project, n) = row?;
                *counts.entry(project).or_default() += sign * n;
            }
            Ok(())
        };
        add(
            "SELECT project_id, count(*) FROM documents INDEXED BY documents_project
             GROUP BY project_id",
            1,
        )?;
        // CROSS JOIN keeps the tombstones outside: left to itself, the planner walks
        // every document to save a sort, 0.65 s on 215,000 documents with no deletions.
        add(
            "SELECT d.project_id, count(*) FROM tombstones t CROSS JOIN documents d ON d.id = t.entity_id
             GROUP BY d.project_id",
            -1,
        )?;
        // Only while an import runs: finding its documents reads the whole table.
        let importing: bool = read.query_row(
            "SELECT EXISTS(SELECT 1 FROM imports WHERE finished_at IS NULL)",
            [],
            |r| r.get(0),
        )?;
        if importing {
            add(
                "SELECT project_id, count(*) FROM documents
                 WHERE import_id IN (SELECT id FROM imports WHERE finished_at IS NULL)
                   AND id NOT IN (SELECT entity_id FROM tombstones)
                 GROUP BY project_id",
                -1,
            )?;
        }
        drop(read);
        Ok(DocumentList {
            documents,
            counts: projects
                .into_iter()
                .map(|p| ProjectCount {
                    documents: counts.get(&p).copied().unwrap_or(0).max(0) as u32,
                    project_id: p,
                })
                .collect(),
        })
    }

    /// A page of a project's documents, newest first.
    pub fn project_documents(
        &self,
        project_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<DocumentSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM live_documents WHERE project_id = ?1
             ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt.query_map(params![project_id, limit, offset], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The documents among `ids` that people can see (a deleted one is left out), as
    /// the list shows them: what a window reads again when it hears they changed.
    pub fn document_summaries(&self, ids: &[String]) -> Result<Vec<DocumentSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM live_documents WHERE id = ?1"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(stmt.query_row([id], summary_from_row).optional()?);
        }
        Ok(out)
    }

    pub fn rename_document(&mut self, id: &str, title: &str) -> Result<Document> {
        let title = clean_title(title)?;
        let before = self.document(id)?;
        if before.title == title {
            return Ok(before);
        }
        let at = now();
        self.write(|tx, actor| {
            tx.execute(
                "UPDATE documents SET title = ?1, updated_at = ?2 WHERE id = ?3",
                params![title, at, id],
            )?;
            audit::record(
                tx,
                actor,
                "document.renamed",
                "document",
                id,
                json!({"from": before.title, "to": title}),
            )
        })?;
        self.document(id)
    }

    /// Saves the editor's text. Once this returns, the text is on disk.
    pub fn save_document_text(&mut self, id: &str, text: &DocumentText) -> Result<Document> {
        if !text.body_json.is_empty() {
            serde_json::from_str::<serde_json::Value>(&text.body_json).map_err(|e| {
                Error::invalid(format!("the editor content is not valid JSON: {e}"))
            })?;
        }
        let before = self.document(id)?;
        if before.body_json == text.body_json && before.body_markdown == text.body_markdown {
            return Ok(before);
        }
        let at = now();
        let digest = hex::encode(Sha256::digest(text.body_markdown.as_bytes()));
        self.write(|tx, actor| {
            crate::feedback::reopen_if_approved(tx, actor, id)?;
            set_text(tx, id, text, &at)?;
            // Autosaves come every second while someone types: the first of a minute's
            // saves of a document stands for them all in the audit log.
            if audit::recent(tx, actor, "document.text_saved", id, AUTOSAVE_BURST_MS)? {
                return Ok(());
            }
            audit::record(
                tx,
                actor,
                "document.text_saved",
                "document",
                id,
                json!({"words": word_count(&text.body_markdown), "markdown_sha256": digest}),
            )
        })?;
        self.document(id)
    }

    /// Sets the brief's variables (the values a prompt's `{{variables}}` are filled with).
    pub fn set_document_brief(
        &mut self,
        id: &str,
        brief: &BTreeMap<String, String>,
    ) -> Result<Document> {
        let before = self.document(id)?;
        if &before.brief == brief {
            return Ok(before);
        }
        let at = now();
        let json = serde_json::to_string(brief)?;
        self.write(|tx, actor| {
            tx.execute(
                "UPDATE documents SET brief = ?1, updated_at = ?2 WHERE id = ?3",
                params![json, at, id],
            )?;
            audit::record(
                tx,
                actor,
                "document.brief_set",
                "document",
                id,
                json!({"brief": brief}),
            )
        })?;
        self.document(id)
    }

    /// Sets an email's subject line and preheader (each one line), audited; an approved
    /// document returns to draft, as a change of its text would.
    pub fn set_email_fields(&mut self, id: &str, fields: &EmailFields) -> Result<Document> {
        let fields = fields.cleaned()?;
        let before = self.document(id)?;
        if before.email == fields {
            return Ok(before);
        }
        let at = now();
        self.write(|tx, actor| {
            // Approved copy includes its subject: changing it withdraws the approval too.
            crate::feedback::reopen_if_approved(tx, actor, id)?;
            tx.execute(
                "UPDATE documents SET subject = ?1, preheader = ?2, updated_at = ?3 WHERE id = ?4",
                params![fields.subject, fields.preheader, at, id],
            )?;
            audit::record(
                tx,
                actor,
                "document.email_set",
                "document",
                id,
                json!({"subject": fields.subject, "preheader": fields.preheader}),
            )
        })?;
        self.document(id)
    }

    /// Deletes a document: a tombstone hides it, with everything said about it, from
    /// every view and export; the feedback log keeps its events.
    pub fn delete_document(&mut self, id: &str) -> Result<()> {
        let document = self.document(id)?;
        let detail = json!({"project_id": document.project_id, "title": document.title});
        self.write(|tx, actor| {
            crate::store::tombstone(tx, actor, "document", id, &detail)?;
            audit::record(
                tx,
                actor,
                "document.deleted",
                "document",
                id,
                detail.clone(),
            )
        })
    }

    /// Removes a deleted document's content for good (its text, revisions, generations
    /// and feedback); the purge itself is audited. Only a deleted document can be purged.
    pub fn purge_document(&mut self, id: &str) -> Result<()> {
        self.write(|tx, actor| {
            crate::store::tombstoned(tx, "document", id)?;
            tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
            audit::record(tx, actor, "document.purged", "document", id, json!({}))
        })
    }
}
