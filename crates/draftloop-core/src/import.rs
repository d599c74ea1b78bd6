//! History in: one JSONL record per line (a prompt, the model's draft, what people kept,
//! and their feedback) becomes a project, a document, a generation, revisions and
//! feedback events, as if it had happened in the app. The whole file is one
//! transaction: a bad line is reported by number and nothing is kept. Each record's
//! digest is remembered, so importing the same file again adds nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::actor::Actor;
use crate::audit;
use crate::error::{Error, Result};
use crate::feedback::{self, Feedback, Verdict};
use crate::ids::{new_id, now};
use crate::llm::{ChatMessage, Role};
use crate::project::{insert_project, write_feedback_schema, RubricDimension};
use crate::store::Workspace;

const TITLE_WORDS: usize = 8;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRecord {
    project: String,
    doc_type: Option<String>,
    system: Option<String>,
    prompt: String,
    draft: String,
    #[serde(rename = "final")]
    final_text: Option<String>,
    model: Option<String>,
    thumb: Option<Thumb>,
    ratings: Option<BTreeMap<String, i32>>,
    tags: Option<Vec<String>>,
    comment: Option<String>,
    decision: Option<Decision>,
    reviewer: Option<String>,
    created_at: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Thumb {
    Up,
    Down,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Decision {
    Approved,
    Rejected,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct ImportSummary {
    #[ts(type = "number")]
    pub records: u64,
    #[ts(type = "number")]
    pub imported: u64,
    /// Records already imported before (same content): left alone.
    #[ts(type = "number")]
    pub already_imported: u64,
    pub projects_created: Vec<String>,
    #[ts(type = "number")]
    pub feedback_events: u64,
}

/// How far an import is, in bytes of the file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct ImportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// A project as the import sees it: its rubric and tags grow with what the file uses.
struct ProjectEntry {
    id: String,
    rubric: Vec<RubricDimension>,
    tags: Vec<String>,
    changed: bool,
}

fn title(prompt: &str) -> String {
    let words: Vec<&str> = prompt.split_whitespace().take(TITLE_WORDS + 1).collect();
    let mut t = words
        .iter()
        .take(TITLE_WORDS)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if words.len() > TITLE_WORDS {
        t.push('…');
    }
    if t.is_empty() {
        "Imported draft".into()
    } else {
        t
    }
}

fn time(at: &Option<String>) -> Result<String> {
    match at {
        None => Ok(now()),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .map(|t| {
                t.with_timezone(&chrono::Utc)
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            })
            .map_err(|_| {
                Error::invalid(format!("created_at must be an RFC 3339 time, not \"{s}\""))
            }),
    }
}

fn project<'a>(
    tx: &Transaction,
    actor: &Actor,
    cache: &'a mut HashMap<String, ProjectEntry>,
    summary: &mut ImportSummary,
    name: &str,
    doc_type: Option<&str>,
    at: &str,
) -> Result<&'a mut ProjectEntry> {
    let name = name.trim();
    let key = name.to_lowercase();
    if !cache.contains_key(&key) {
        let found: Option<(String, String, String)> = tx
            .query_row(
                "SELECT id, rubric, tags FROM projects WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let entry = match found {
            Some((id, rubric, tags)) => ProjectEntry {
                id,
                rubric: serde_json::from_str(&rubric)?,
                tags: serde_json::from_str(&tags)?,
                changed: false,
            },
            None => {
                let content_type = doc_type
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .unwrap_or("other");
                let created = insert_project(tx, actor, name, content_type, at, Some("import"))?;
                summary.projects_created.push(created.name);
                ProjectEntry {
                    id: created.id,
                    rubric: created.rubric,
                    tags: created.tags,
                    changed: false,
                }
            }
        };
        cache.insert(key.clone(), entry);
    }
    cache
        .get_mut(&key)
        .ok_or_else(|| Error::invalid("project cache lost an entry"))
}

impl Workspace {
    /// Imports JSONL history from `reader`. `source` names it in the audit log.
    pub fn import_jsonl(&mut self, reader: impl BufRead, source: &str) -> Result<ImportSummary> {
        self.import_jsonl_with_progress(reader, source, |_| true)
    }

    /// As `import_jsonl`, telling `progress` the bytes read so far every 1,000 records;
    /// `progress` returns `false` to cancel, and then nothing is imported.
    pub fn import_jsonl_with_progress(
        &mut self,
        reader: impl BufRead,
        source: &str,
        mut progress: impl FnMut(u64) -> bool,
    ) -> Result<ImportSummary> {
        let mut summary = ImportSummary::default();
        let mut read = 0u64;
        let started = now();
        self.write(|tx, actor| {
            let mut projects: HashMap<String, ProjectEntry> = HashMap::new();
            for (index, line) in reader.lines().enumerate() {
                let line = line.map_err(|e| Error::invalid(format!("line {}: {e}", index + 1)))?;
                read += line.len() as u64 + 1;
                if line.trim().is_empty() {
                    continue;
                }
                summary.records += 1;
                if summary.records.is_multiple_of(1_000) && !progress(read) {
                    return Err(Error::Cancelled(
                        "the import was cancelled; nothing of it was kept".into(),
                    ));
                }
                import_line(tx, actor, &mut projects, &mut summary, &line).map_err(
                    |e| match e {
                        Error::InvalidInput(m) => {
                            Error::InvalidInput(format!("line {}: {m}", index + 1))
                        }
                        Error::Malformed(m) => {
                            Error::InvalidInput(format!("line {}: {m}", index + 1))
                        }
                        other => other,
                    },
                )?;
            }
            for p in projects.values().filter(|p| p.changed) {
                write_feedback_schema(
                    tx,
                    actor,
                    &p.id,
                    &p.rubric,
                    &p.tags,
                    &started,
                    Some("import"),
                )?;
            }
            audit::record(
                tx,
                actor,
                "import.completed",
                "import",
                source,
                json!({"records": summary.records, "imported": summary.imported,
                                 "already_imported": summary.already_imported,
                                 "feedback_events": summary.feedback_events}),
            )?;
            Ok(())
        })?;
        Ok(summary)
    }
}

fn import_line(
    tx: &Transaction,
    actor: &Actor,
    projects: &mut HashMap<String, ProjectEntry>,
    summary: &mut ImportSummary,
    line: &str,
) -> Result<()> {
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| Error::invalid(format!("not a JSON object: {e}")))?;
    // serde_json's maps are ordered by key, so the digest does not depend on key order.
    let digest = hex::encode(Sha256::digest(value.to_string().as_bytes()));
    let record: ImportRecord =
        serde_json::from_value(value).map_err(|e| Error::invalid(e.to_string()))?;
    let name = record.project.trim();
    if name.is_empty() {
        return Err(Error::invalid("\"project\" needs a name"));
    }
    if record.prompt.trim().is_empty() {
        return Err(Error::invalid("\"prompt\" is empty"));
    }
    if record.draft.trim().is_empty() {
        return Err(Error::invalid("\"draft\" is empty"));
    }
    let at = time(&record.created_at)?;
    let seen: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM imported_records WHERE digest = ?1)")?
        .query_row([&digest], |r| r.get(0))?;
    if seen {
        summary.already_imported += 1;
        return Ok(());
    }
    let p = project(
        tx,
        actor,
        projects,
        summary,
        name,
        record.doc_type.as_deref(),
        &at,
    )?;

    // Ratings and tags the project does not know yet join its rubric and taxonomy.
    let mut events: Vec<Feedback> = Vec::new();
    if let Some(thumb) = record.thumb {
        events.push(Feedback::Thumb {
            up: matches!(thumb, Thumb::Up),
            reason: None,
            text: None,
        });
    }
    for (dimension, value) in record.ratings.iter().flatten() {
        let dimension = dimension.trim();
        let known = p
            .rubric
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(dimension))
            .cloned();
        let d = match known {
            Some(d) => d,
            None => {
                if dimension.is_empty() {
                    return Err(Error::invalid("a rating needs a dimension name"));
                }
                let d = RubricDimension {
                    name: dimension.to_owned(),
                    description: String::new(),
                    min: 1,
                    max: 5,
                };
                p.rubric.push(d.clone());
                p.changed = true;
                d
            }
        };
        if *value < d.min || *value > d.max {
            return Err(Error::invalid(format!(
                "a {} rating goes from {} to {}, not {value}",
                d.name, d.min, d.max
            )));
        }
        events.push(Feedback::Rating {
            dimension: d.name,
            value: *value,
        });
    }
    for tag in record.tags.iter().flatten() {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            return Err(Error::invalid("a tag is empty"));
        }
        if !p.tags.contains(&tag) {
            p.tags.push(tag.clone());
            p.changed = true;
        }
        events.push(Feedback::Tag {
            tag,
            span: None,
            removed: false,
        });
    }
    if let Some(text) = record
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        events.push(Feedback::Comment {
            text: text.to_owned(),
            span: None,
        });
    }

    let project_id = p.id.clone();
    let document_id = new_id();
    let kept = record
        .final_text
        .as_deref()
        .filter(|f| !f.trim().is_empty());
    let status = match record.decision {
        Some(Decision::Approved) => "approved",
        Some(Decision::Rejected) => "rejected",
        None => "draft",
    };
    tx.prepare_cached(
        "INSERT INTO documents (id, project_id, title, status, body_markdown, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![document_id, project_id, title(&record.prompt), status, kept.unwrap_or(&record.draft), at])?;

    let mut messages = Vec::new();
    if let Some(system) = record.system.as_deref().filter(|s| !s.trim().is_empty()) {
        messages.push(ChatMessage::new(Role::System, system));
    }
    messages.push(ChatMessage::new(Role::User, record.prompt.as_str()));
    let generation_id = new_id();
    tx.prepare_cached(
        "INSERT INTO generations (id, document_id, group_id, provider, model, parameters, messages, output, created_at)
         VALUES (?1, ?2, ?3, 'import', ?4, '{}', ?5, ?6, ?7)",
    )?
    .execute(params![generation_id, document_id, new_id(), record.model.as_deref().unwrap_or("unknown"),
                     serde_json::to_string(&messages)?, record.draft, at])?;

    let insert_revision = |author_kind: &str,
                           who: &str,
                           generation: Option<&str>,
                           text: &str|
     -> Result<String> {
        let id = new_id();
        tx.prepare_cached(
            "INSERT INTO revisions (id, document_id, author_kind, actor, generation_id, body_json, body_markdown, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7)",
        )?
        .execute(params![id, document_id, author_kind, who, generation, text, at])?;
        Ok(id)
    };
    let person = record
        .reviewer
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let person = Actor::new(person.map_or_else(|| actor.as_str().to_owned(), str::to_owned))
        .on_device(actor.device());
    let model_revision = insert_revision(
        "model",
        &format!("model:{}", record.model.as_deref().unwrap_or("unknown")),
        Some(&generation_id),
        &record.draft,
    )?;
    let mut revision = model_revision.clone();
    if let Some(kept) = kept {
        revision = insert_revision("human", person.as_str(), None, kept)?;
        events.insert(
            0,
            Feedback::Edit {
                from_revision: Some(model_revision),
                to_revision: revision.clone(),
            },
        );
    }
    if let Some(decision) = record.decision {
        let verdict = match decision {
            Decision::Approved => Verdict::Approve,
            Decision::Rejected => Verdict::Reject,
        };
        events.push(Feedback::Decision {
            verdict,
            reason: None,
        });
    }
    for event in &events {
        feedback::insert_event_at(
            tx,
            &person,
            &document_id,
            Some(&generation_id),
            Some(&revision),
            event,
            &at,
        )?;
        summary.feedback_events += 1;
    }
    tx.prepare_cached(
        "INSERT INTO imported_records (digest, document_id, imported_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![digest, document_id, now()])?;
    summary.imported += 1;
    Ok(())
}
