//! Revisions: snapshots of a document's text, by a person or by the model. Nothing a
//! person wrote is lost when the model's text comes in: their text is kept first.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::actor::Actor;
use crate::audit;
use crate::document::{Document, DocumentText};
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::store::Workspace;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Revision {
    pub id: String,
    pub document_id: String,
    /// `human` or `model`.
    pub author_kind: String,
    pub actor: String,
    pub generation_id: Option<String>,
    pub body_markdown: String,
    pub created_at: String,
}

/// A revision's Markdown, in a query over `revisions` named `r`: a model revision whose
/// text is its generation's output word for word keeps it there only (0016_compact.sql).
/// A macro, so the queries stay string literals (`concat!`): the export asks once a kept
/// revision.
macro_rules! revision_text {
    () => {
        "CASE WHEN r.text_is_output \
         THEN (SELECT g.output FROM generations g WHERE g.id = r.generation_id) \
         ELSE r.body_markdown END"
    };
}
pub(crate) use revision_text;

/// A revision row: the table is written here only. `who` is a person's handle, or
/// `model:<name>` for the model's text.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_row(
    tx: &Transaction,
    who: &str,
    document_id: &str,
    author_kind: &str,
    generation_id: Option<&str>,
    text: &DocumentText,
    at: &str,
) -> Result<String> {
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO revisions (id, document_id, author_kind, actor, generation_id, body_json,
                                body_markdown, created_at, text_is_output)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, iif(same, '', ?7), ?8, same
         FROM (SELECT coalesce(?3 = 'model'
                 AND ?7 = (SELECT output FROM generations WHERE id = ?5), 0) AS same)",
    )?
    .execute(params![
        id,
        document_id,
        author_kind,
        who,
        generation_id,
        text.body_json,
        text.body_markdown,
        at
    ])?;
    Ok(id)
}

/// The document's latest revision: its id, Markdown and generation (a model's).
pub(crate) fn latest(
    conn: &rusqlite::Connection,
    document_id: &str,
) -> Result<Option<(String, String, Option<String>)>> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT r.id, ",
            revision_text!(),
            ", r.generation_id FROM revisions r WHERE r.document_id = ?1
             ORDER BY r.id DESC LIMIT 1"
        ))?
        .query_row([document_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// The generation behind the document's latest model revision.
/// Puts a generation's text into the document in the caller's transaction: approved
/// text is reopened first and the person's text kept as a revision, then the model's
/// text becomes a revision of its own and the document's text.
pub(crate) fn put_in(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    generation_id: &str,
    text: &DocumentText,
    at: &str,
) -> Result<()> {
    crate::feedback::reopen_if_approved(tx, actor, document_id)?;
    crate::feedback::checkpoint(tx, actor, document_id)?;
    insert(tx, actor, document_id, "model", Some(generation_id), text)?;
    crate::document::set_text(tx, document_id, text, at)
}

pub(crate) fn latest_model_generation(
    conn: &rusqlite::Connection,
    document_id: &str,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT generation_id FROM revisions WHERE document_id = ?1 AND author_kind = 'model'
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([document_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// A revision made in the app, audited.
pub(crate) fn insert(
    tx: &Transaction,
    actor: &Actor,
    document_id: &str,
    author_kind: &str,
    generation_id: Option<&str>,
    text: &DocumentText,
) -> Result<String> {
    let id = insert_row(
        tx,
        actor.as_str(),
        document_id,
        author_kind,
        generation_id,
        text,
        &now(),
    )?;
    audit::record(
        tx,
        actor,
        "revision.recorded",
        "revision",
        &id,
        json!({"document_id": document_id, "author_kind": author_kind, "generation_id": generation_id}),
    )?;
    Ok(id)
}

impl Workspace {
    /// Puts a generation's text into the document as a model revision. The person's
    /// current text is kept as a human revision first, unless it is already the latest.
    pub fn apply_generation(
        &mut self,
        document_id: &str,
        generation_id: &str,
        text: &DocumentText,
    ) -> Result<Document> {
        self.document(document_id)?;
        let belongs: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT document_id FROM generations WHERE id = ?1",
                [generation_id],
                |r| r.get(0),
            )
            .optional()?;
        match belongs {
            None => return Err(Error::NotFound(format!("generation {generation_id}"))),
            Some(Some(d)) if d != document_id => {
                return Err(Error::invalid(
                    "that generation belongs to another document",
                ))
            }
            _ => {}
        }
        let at = now();
        self.write(|tx, actor| put_in(tx, actor, document_id, generation_id, text, &at))?;
        self.document(document_id)
    }

    /// Puts an earlier revision's text back as a new revision by the person: History
    /// never rewrites what came after it. Their current text is kept first.
    pub fn restore_revision(&mut self, document_id: &str, revision_id: &str) -> Result<Document> {
        let current = self.document(document_id)?;
        let found: Option<(String, String, String)> = self
            .conn()
            .query_row(
                concat!(
                    "SELECT r.document_id, r.body_json, ",
                    revision_text!(),
                    " FROM revisions r WHERE r.id = ?1"
                ),
                [revision_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let text = match found {
            None => return Err(Error::NotFound(format!("revision {revision_id}"))),
            Some((d, ..)) if d != document_id => {
                return Err(Error::invalid("that revision belongs to another document"))
            }
            Some((_, body_json, body_markdown)) => DocumentText {
                body_json,
                body_markdown,
            },
        };
        if text.body_markdown == current.body_markdown {
            return Ok(current);
        }
        let at = now();
        self.write(|tx, actor| {
            crate::feedback::reopen_if_approved(tx, actor, document_id)?;
            crate::feedback::checkpoint(tx, actor, document_id)?;
            let restored = insert(tx, actor, document_id, "human", None, &text)?;
            crate::document::set_text(tx, document_id, &text, &at)?;
            audit::record(
                tx,
                actor,
                "revision.restored",
                "document",
                document_id,
                json!({"revision_id": revision_id, "as": restored}),
            )
        })?;
        self.document(document_id)
    }

    /// Oldest first.
    pub fn revisions(&self, document_id: &str) -> Result<Vec<Revision>> {
        let mut stmt = self.conn().prepare_cached(concat!(
            "SELECT r.id, r.document_id, r.author_kind, r.actor, r.generation_id, ",
            revision_text!(),
            ", r.created_at FROM revisions r WHERE r.document_id = ?1 ORDER BY r.id"
        ))?;
        let rows = stmt.query_map([document_id], |r| {
            Ok(Revision {
                id: r.get(0)?,
                document_id: r.get(1)?,
                author_kind: r.get(2)?,
                actor: r.get(3)?,
                generation_id: r.get(4)?,
                body_markdown: r.get(5)?,
                created_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
