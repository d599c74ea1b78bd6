//! History in: one JSONL record per line (a prompt, the model's draft, what people kept,
//! and their feedback) becomes a project, a document, a generation, revisions and
//! feedback events, as if it had happened in the app. Each record's digest is
//! remembered, so importing the same file again adds nothing.
//!
//! An import commits a chunk of records at a time, so saves and feedback never wait for
//! a whole file, and what it wrote stays out of every view until it finishes: a bad
//! line (reported by number) or a cancel removes what it wrote, and an import cut off
//! (the process killed) leaves its rows hidden until the same file is imported again,
//! which carries on where it stopped. A running import holds a lock file beside the
//! database (`draftloop.db.import-<id>.lock`) that the OS releases when the process
//! dies, so a cut-off import is told from one still running in another process.

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
use crate::generation::Generation;
use crate::ids::{new_id, now};
use crate::llm::{ChatMessage, Role};
use crate::project::{insert_project, write_feedback_schema, RubricDimension};
use crate::store::Workspace;

const TITLE_WORDS: usize = 8;
/// A transaction ends after this many records or this long, whichever comes first, or
/// as soon as another write of this process waits: a save in the app waits for one
/// record, a write from another process (which polls) for one chunk at most. Each
/// commit rewrites the pages the chunks share, so chunks are as long as that allows.
const CHUNK: u64 = 20_000;
const CHUNK_TIME: std::time::Duration = std::time::Duration::from_millis(500);

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

#[allow(clippy::too_many_arguments)]
fn project<'a>(
    tx: &Transaction,
    actor: &Actor,
    import: &Import,
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
                // A project people see, or one this import made; not one of another
                // import still under way (or cut off), which stays out of sight.
                "SELECT id, rubric, tags FROM projects p WHERE name = ?1
                   AND (import_id IS NULL OR import_id = ?2
                        OR EXISTS (SELECT 1 FROM imports i
                                   WHERE i.id = p.import_id AND i.finished_at IS NOT NULL))",
                [name, &import.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let entry = match found {
            // What this import added to it before it was cut off, carried on.
            Some((id, _, _)) if import.schema.contains_key(&id) => ProjectEntry {
                rubric: import.schema[&id].rubric.clone(),
                tags: import.schema[&id].tags.clone(),
                id,
                changed: true,
            },
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
                crate::project::mark_imported(tx, &created.id, &import.id)?;
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

    /// As `import_jsonl`, telling `progress` the bytes read so far after every chunk
    /// (at most 20,000 records or half a second, less when another write waits) is committed, out of sight; `progress` returns `false` to cancel,
    /// and then nothing is imported.
    pub fn import_jsonl_with_progress(
        &mut self,
        reader: impl BufRead,
        source: &str,
        mut progress: impl FnMut(u64) -> bool,
    ) -> Result<ImportSummary> {
        let import = self.begin_import(source)?;
        let mut summary = ImportSummary::default();
        // The chunks need not reach the disk one by one: nobody sees them before the
        // import finishes, and its finishing transaction, synced in full, makes all of
        // them durable at once (a crash before it is an import cut off, which running
        // it again completes).
        // A larger page cache and rarer checkpoints while the chunks go in: with
        // SQLite's defaults (2 MB of cache, a checkpoint every 4 MB of log) the same
        // index pages were read back and written out again chunk after chunk. Saves made
        // meanwhile, on connections with the default, copy the log a chunk at a time.
        self.conn().execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 20000;",
        )?;

        self.quiet(true);
        let chunks = self.import_chunks(&import, reader, &mut progress, &mut summary);
        self.quiet(false);
        self.conn().execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000;",
        )?;
        let outcome = match chunks {
            Ok(projects) => self.finish_import(&import, &projects, &summary, source),
            Err(e) => self.discard_import(&import.id).and(Err(e)),
        };
        // What is left of the log is copied here, on the import's own time, not by the
        // next save (up to 80 MB of it: seconds). If it fails, a later commit does it.
        let _ = self.checkpoint();
        let _ = std::fs::remove_file(&import.lock_path);
        outcome.map(|()| summary)
    }

    /// The import of `source` cut off earlier, to carry on, or a new one; either way
    /// held by this process until it ends.
    fn begin_import(&mut self, source: &str) -> Result<Import> {
        let lock_of = |id: &str| {
            let mut name = self.path().as_os_str().to_owned();
            name.push(format!(".import-{id}.lock"));
            std::path::PathBuf::from(name)
        };
        let unfinished: Vec<(String, String)> = {
            let mut stmt = self.conn().prepare(
                "SELECT id, source FROM imports WHERE finished_at IS NULL ORDER BY started_at",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, earlier) in unfinished {
            if earlier != source {
                continue;
            }
            let lock_path = lock_of(&id);
            let lock = std::fs::File::create(&lock_path)?;
            if lock.try_lock().is_err() {
                return Err(Error::Conflict(format!(
                    "{source} is being imported already; wait for that import to finish"
                )));
            }
            let schema: String =
                self.conn()
                    .query_row("SELECT schema FROM imports WHERE id = ?1", [&id], |r| {
                        r.get(0)
                    })?;
            return Ok(Import {
                id,
                schema: serde_json::from_str(&schema)?,
                lock_path,
                _lock: lock,
            });
        }
        let id = new_id();
        let lock_path = lock_of(&id);
        let lock = std::fs::File::create(&lock_path)?;
        lock.try_lock()
            .map_err(|e| Error::Internal(format!("could not hold the import's lock: {e}")))?;
        self.write(|tx, _| {
            tx.execute(
                "INSERT INTO imports (id, source, started_at) VALUES (?1, ?2, ?3)",
                params![id, source, now()],
            )?;
            Ok(())
        })?;
        Ok(Import {
            id,
            schema: BTreeMap::new(),
            lock_path,
            _lock: lock,
        })
    }

    /// Reads the file a chunk at a time, each chunk one transaction; returns the
    /// projects the import met.
    fn import_chunks(
        &mut self,
        import: &Import,
        reader: impl BufRead,
        progress: &mut impl FnMut(u64) -> bool,
        summary: &mut ImportSummary,
    ) -> Result<HashMap<String, ProjectEntry>> {
        let mut projects: HashMap<String, ProjectEntry> = HashMap::new();
        // Reviewers' profile ids by name: a file names the same few people throughout.
        let mut people: HashMap<String, String> = HashMap::new();
        let mut lines = reader.lines().enumerate().peekable();
        let mut read = 0u64;
        let mut written = import.schema.clone();
        let waiting = self.others_waiting();
        while lines.peek().is_some() {
            self.write(|tx, actor| {
                let mut in_chunk = 0;
                let started = std::time::Instant::now();
                // A chunk ends early the moment a save or a click of this process
                // waits to write (another process polls: it waits at most a chunk).
                while in_chunk < CHUNK
                    && started.elapsed() < CHUNK_TIME
                    && !waiting.as_ref().is_some_and(|w| w())
                {
                    let Some((index, line)) = lines.next() else {
                        break;
                    };
                    let line =
                        line.map_err(|e| Error::invalid(format!("line {}: {e}", index + 1)))?;
                    read += line.len() as u64 + 1;
                    if line.trim().is_empty() {
                        continue;
                    }
                    summary.records += 1;
                    in_chunk += 1;
                    import_line(
                        tx,
                        actor,
                        import,
                        &mut projects,
                        &mut people,
                        summary,
                        &line,
                    )
                    .map_err(|e| match e {
                        Error::InvalidInput(m) | Error::Conflict(m) => {
                            Error::InvalidInput(format!("line {}: {m}", index + 1))
                        }
                        Error::Malformed(m) => {
                            Error::InvalidInput(format!("line {}: {m}", index + 1))
                        }
                        other => other,
                    })?;
                }
                // What this import adds to projects it did not make, kept with it, so
                // an import carried on later still applies it.
                let schema = staged(import, &projects);
                if schema != written {
                    tx.execute(
                        "UPDATE imports SET schema = ?1 WHERE id = ?2",
                        params![serde_json::to_string(&schema)?, import.id],
                    )?;
                    written = schema;
                }
                Ok(())
            })?;
            // The chunk's drafts are worked out for the dashboard now, while the
            // progress moves, rather than all at once the first time it opens.
            self.refresh_draft_facts()?;
            if !progress(read) {
                return Err(Error::Cancelled(
                    "the import was cancelled; nothing of it was kept".into(),
                ));
            }
        }
        Ok(projects)
    }

    /// Makes everything the import wrote visible at once, with the rubrics and tags it
    /// added, and audits it.
    fn finish_import(
        &mut self,
        import: &Import,
        projects: &HashMap<String, ProjectEntry>,
        summary: &ImportSummary,
        source: &str,
    ) -> Result<()> {
        let at = now();
        let schema = staged(import, projects);
        self.write(|tx, actor| {
            for (project_id, s) in &schema {
                write_feedback_schema(
                    tx,
                    actor,
                    project_id,
                    &s.rubric,
                    &s.tags,
                    &at,
                    Some("import"),
                )?;
            }
            tx.execute(
                "UPDATE imports SET finished_at = ?1 WHERE id = ?2",
                params![at, import.id],
            )?;
            audit::record(
                tx,
                actor,
                "import.completed",
                "import",
                source,
                json!({"records": summary.records, "imported": summary.imported,
                       "already_imported": summary.already_imported,
                       "feedback_events": summary.feedback_events}),
            )
        })
    }

    /// Removes what an unfinished import wrote (never seen by anyone).
    fn discard_import(&mut self, import_id: &str) -> Result<()> {
        self.write(|tx, _| {
            crate::document::delete_imported(tx, import_id)?;
            crate::project::delete_imported(tx, import_id)?;
            tx.execute("DELETE FROM imports WHERE id = ?1", [import_id])?;
            Ok(())
        })
    }
}

/// An import under way, held by this process.
struct Import {
    id: String,
    /// Rubrics and tags to give existing projects when it finishes, by project id.
    schema: BTreeMap<String, StagedSchema>,
    /// Held while the import runs; the OS lets go of it if the process dies.
    _lock: std::fs::File,
    lock_path: std::path::PathBuf,
}

/// The rubrics and tags to give projects when the import finishes: those staged before
/// it was cut off, with what this run added.
fn staged(
    import: &Import,
    projects: &HashMap<String, ProjectEntry>,
) -> BTreeMap<String, StagedSchema> {
    let mut schema = import.schema.clone();
    for p in projects.values().filter(|p| p.changed) {
        schema.insert(
            p.id.clone(),
            StagedSchema {
                rubric: p.rubric.clone(),
                tags: p.tags.clone(),
            },
        );
    }
    schema
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StagedSchema {
    rubric: Vec<RubricDimension>,
    tags: Vec<String>,
}

fn import_line(
    tx: &Transaction,
    actor: &Actor,
    import: &Import,
    projects: &mut HashMap<String, ProjectEntry>,
    people: &mut HashMap<String, String>,
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
    // Already imported: by an earlier import, or by this one before it was cut off.
    let by: Option<Option<String>> = tx
        .prepare_cached(
            "SELECT d.import_id FROM imported_records r JOIN documents d ON d.id = r.document_id
             WHERE r.digest = ?1",
        )?
        .query_row([&digest], |r| r.get(0))
        .optional()?;
    match by {
        Some(Some(id)) if id == import.id => {
            summary.imported += 1;
            return Ok(());
        }
        Some(_) => {
            summary.already_imported += 1;
            return Ok(());
        }
        None => {}
    }
    let p = project(
        tx,
        actor,
        import,
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
    let person = record
        .reviewer
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let person = match person {
        None => actor.clone(),
        Some(name) => {
            let id = match people.get(name) {
                Some(id) => id,
                None => {
                    let id =
                        crate::profile::ensure(tx, name, crate::profile::ProfileRole::Reviewer)?;
                    people.entry(name.to_owned()).or_insert(id)
                }
            };
            Actor::new(name).on_device(actor.device()).for_person(id)
        }
    };
    crate::document::insert_imported(
        tx,
        &crate::document::ImportedDocument {
            id: &document_id,
            project_id: &project_id,
            title: &title(&record.prompt),
            status,
            body_markdown: kept.unwrap_or(&record.draft),
            at: &at,
            import_id: &import.id,
            author: if kept.is_some() {
                person.as_str()
            } else {
                actor.as_str()
            },
        },
    )?;

    let mut messages = Vec::new();
    if let Some(system) = record.system.as_deref().filter(|s| !s.trim().is_empty()) {
        messages.push(ChatMessage::new(Role::System, system));
    }
    messages.push(ChatMessage::new(Role::User, record.prompt.as_str()));
    let generation = Generation {
        id: new_id(),
        document_id: Some(document_id.clone()),
        group_id: new_id(),
        provider: "import".into(),
        model: record.model.as_deref().unwrap_or("unknown").to_owned(),
        prompt_version_id: None,
        output: record.draft.clone(),
        incomplete: false,
        logprob_mean: None,
        logprob_min: None,
        latency_ms: None,
        prompt_tokens: None,
        completion_tokens: None,
        error: None,
        confidence: None,
        created_at: at.clone(),
    };
    crate::generation::insert_row(
        tx,
        &generation,
        "{}",
        &serde_json::to_string(&messages)?,
        None,
    )?;
    let generation_id = generation.id;

    let insert_revision =
        |author_kind: &str, who: &str, generation: Option<&str>, text: &str| -> Result<String> {
            crate::revision::insert_row(
                tx,
                who,
                &document_id,
                author_kind,
                generation,
                &crate::document::DocumentText {
                    body_json: String::new(),
                    body_markdown: text.to_owned(),
                },
                &at,
            )
        };
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
