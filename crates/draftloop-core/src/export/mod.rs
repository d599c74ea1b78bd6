//! Feedback datasets out: SFT, DPO and KTO in TRL's conversational formats, OpenAI's
//! fine-tuning formats, per-generation ratings, and flat CSV and Parquet tables. Every
//! row links back to its generation and feedback; splits are grouped by document;
//! identical rows are written once; the writers stream, so memory stays flat.

pub mod card;
pub mod records;
pub mod redact;
mod writer;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use ts_rs::TS;

use crate::diff;
use crate::error::{Error, Result};
use crate::feedback::Verdict;
use crate::llm::{ChatMessage, Role};
use crate::store::Workspace;

pub use records::Record;
use redact::{redact, Masked};
use writer::Sink;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Sft,
    OpenaiSft,
    Dpo,
    OpenaiDpo,
    Kto,
    Ratings,
    Csv,
    Parquet,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Sft,
        Format::OpenaiSft,
        Format::Dpo,
        Format::OpenaiDpo,
        Format::Kto,
        Format::Ratings,
        Format::Csv,
        Format::Parquet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Sft => "sft",
            Format::OpenaiSft => "openai-sft",
            Format::Dpo => "dpo",
            Format::OpenaiDpo => "openai-dpo",
            Format::Kto => "kto",
            Format::Ratings => "ratings",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    pub fn parse(name: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name.trim().to_lowercase())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown format \"{name}\": one of {}",
                    Format::ALL.map(Format::name).join(", ")
                ))
            })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            _ => "jsonl",
        }
    }
}

/// Which generations go in. Every filter narrows; none set means everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Filters {
    pub project: Option<String>,
    /// RFC 3339 or a date (YYYY-MM-DD); generations made at or after it.
    pub since: Option<String>,
    /// Generations made before it.
    pub until: Option<String>,
    /// Document status: draft, in_review, approved, rejected, published.
    pub status: Option<String>,
    /// Each dimension's latest rating must be at least this.
    pub min_ratings: Vec<MinRating>,
    /// Each of these tags must be on the generation.
    pub tags: Vec<String>,
    pub prompt_version: Option<String>,
    /// The actor of the latest decision.
    pub reviewer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MinRating {
    pub dimension: String,
    pub value: i32,
}

impl Filters {
    fn admits(&self, r: &Record) -> bool {
        self.min_ratings.iter().all(|m| {
            r.ratings
                .iter()
                .any(|(d, v)| d.eq_ignore_ascii_case(&m.dimension) && *v >= m.value)
        }) && self
            .tags
            .iter()
            .all(|t| r.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
            && self.reviewer.as_ref().is_none_or(|who| {
                r.reviewer
                    .as_deref()
                    .is_some_and(|r| r == who || r.ends_with(&format!(":{who}")))
            })
    }

    /// Dates become the start of that day (UTC); bad ones are refused.
    fn normalized(&self) -> Result<Filters> {
        let day = |s: &Option<String>, what: &str| -> Result<Option<String>> {
            let Some(s) = s.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
                return Ok(None);
            };
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                return Ok(Some(
                    t.with_timezone(&chrono::Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                ));
            }
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| Some(format!("{d}T00:00:00.000Z")))
                .map_err(|_| {
                    Error::invalid(format!(
                        "{what} must be a date (YYYY-MM-DD) or an RFC 3339 time, not \"{s}\""
                    ))
                })
        };
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s @ ("draft" | "in_review" | "approved" | "rejected" | "published")) => {
                Some(s.to_owned())
            }
            Some(other) => {
                return Err(Error::invalid(format!(
                    "unknown status \"{other}\": one of draft, in_review, approved, rejected, published"
                )))
            }
        };
        Ok(Filters {
            since: day(&self.since, "--since")?,
            until: day(&self.until, "--until")?,
            status,
            ..self.clone()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportOptions {
    pub format: Format,
    pub filters: Filters,
    /// Share of documents that go to the eval split, e.g. 0.1; none: one file.
    pub split: Option<f64>,
    pub redact: bool,
    pub card: bool,
    /// DPO and KTO: an edit counts as a preference only above this normalized edit
    /// distance (0–1), so fixing a typo does not teach a preference.
    pub min_edit_distance: f64,
}

impl ExportOptions {
    pub fn new(format: Format) -> Self {
        ExportOptions {
            format,
            filters: Filters::default(),
            split: None,
            redact: false,
            card: false,
            min_edit_distance: 0.05,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct ExportSummary {
    pub format: String,
    pub files: Vec<String>,
    #[ts(type = "number")]
    pub generations: u64,
    #[ts(type = "number")]
    pub train_rows: u64,
    #[ts(type = "number")]
    pub eval_rows: u64,
    #[ts(type = "number")]
    pub duplicates: u64,
    pub masked: MaskedCounts,
    pub cancelled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct MaskedCounts {
    #[ts(type = "number")]
    pub emails: u64,
    #[ts(type = "number")]
    pub phones: u64,
    #[ts(type = "number")]
    pub cards: u64,
    #[ts(type = "number")]
    pub ibans: u64,
    #[ts(type = "number")]
    pub secrets: u64,
}

impl From<Masked> for MaskedCounts {
    fn from(m: Masked) -> Self {
        MaskedCounts {
            emails: m.emails,
            phones: m.phones,
            cards: m.cards,
            ibans: m.ibans,
            secrets: m.secrets,
        }
    }
}

/// What the export dialog shows before writing: how many rows, and the first few.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExportPreview {
    #[ts(type = "number")]
    pub rows: u64,
    /// JSON lines, as they would be written.
    pub first: Vec<String>,
}

/// How far an export is: generations read so far, of about how many.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct ExportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Word-level edit distance between two texts, normalized to 0–1: the words deleted
/// and inserted over the words of both.
pub fn normalized_edit_distance(a: &str, b: &str) -> f64 {
    if a == b {
        return 0.0;
    }
    let (x, y) = (
        crate::mining::extract::words(a),
        crate::mining::extract::words(b),
    );
    let total = x.len() + y.len();
    if total == 0 {
        return 0.0;
    }
    let deadline = std::time::Instant::now() + diff::DEADLINE;
    let same: usize =
        similar::capture_diff_slices_deadline(similar::Algorithm::Myers, &x, &y, Some(deadline))
            .iter()
            .filter(|op| op.tag() == similar::DiffTag::Equal)
            .map(|op| op.old_range().len())
            .sum();
    (total - 2 * same) as f64 / total as f64
}

/// Deterministic, by document: the same document always lands on the same side.
fn is_eval(document_id: &str, ratio: f64) -> bool {
    let digest = Sha256::digest(document_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) as f64 / u64::MAX as f64) < ratio
}

fn message(role: Role, content: &str) -> Value {
    json!({"role": role, "content": content})
}

fn messages(ms: &[ChatMessage]) -> Value {
    Value::Array(ms.iter().map(|m| message(m.role, &m.content)).collect())
}

fn assistant(content: &str) -> Value {
    json!([message(Role::Assistant, content)])
}

/// The rows one record becomes in `format`; flat formats and `ratings` share columns.
fn rows(format: Format, r: &Record, opts: &ExportOptions) -> Result<Vec<Value>> {
    let prompt = r.prompt();
    let mut out = Vec::new();
    let metadata = json!({
        "generation_id": r.generation_id,
        "document_id": r.document_id,
        "feedback_ids": r.feedback_ids,
        "prompt_version_id": r.prompt_version_id,
    });
    // Preference pairs: what people kept over what the model wrote, then variants
    // people preferred over others.
    let pairs = || -> Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        if let Some(kept) = &r.final_text {
            if normalized_edit_distance(&r.output, kept) >= opts.min_edit_distance {
                pairs.push((kept.clone(), r.output.clone()));
            }
        }
        for other in &r.preferred_over {
            pairs.push((r.output.clone(), other.clone()));
        }
        Ok(pairs)
    };
    match format {
        Format::Sft | Format::OpenaiSft => {
            let answer = r
                .final_text
                .clone()
                .or_else(|| (r.decision == Some(Verdict::Approve)).then(|| r.output.clone()));
            if let Some(answer) = answer.filter(|a| !a.trim().is_empty()) {
                let mut turns = prompt.clone();
                turns.push(ChatMessage::new(Role::Assistant, answer));
                out.push(json!({"messages": messages(&turns), "metadata": metadata}));
            }
        }
        Format::Dpo => {
            for (chosen, rejected) in pairs()? {
                out.push(
                    json!({"prompt": messages(&prompt), "chosen": assistant(&chosen),
                                "rejected": assistant(&rejected), "metadata": metadata}),
                );
            }
        }
        Format::OpenaiDpo => {
            for (chosen, rejected) in pairs()? {
                out.push(json!({"input": {"messages": messages(&prompt)},
                                "preferred_output": assistant(&chosen),
                                "non_preferred_output": assistant(&rejected), "metadata": metadata}));
            }
        }
        Format::Kto => {
            let label = match r.decision {
                Some(Verdict::Approve) => Some(true),
                Some(Verdict::Reject) => Some(false),
                _ => r.thumb,
            };
            if let Some(label) = label {
                out.push(
                    json!({"prompt": messages(&prompt), "completion": assistant(&r.output),
                                "label": label, "metadata": metadata}),
                );
            }
        }
        Format::Ratings | Format::Csv | Format::Parquet => {
            let user = prompt
                .iter()
                .filter(|m| m.role == Role::User)
                .map(|m| m.content.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
            let system = prompt
                .iter()
                .find(|m| m.role == Role::System)
                .map(|m| m.content.clone());
            let mut row = json!({
                "generation_id": r.generation_id,
                "document_id": r.document_id,
                "project": r.project,
                "content_type": r.content_type,
                "prompt_version_id": r.prompt_version_id,
                "model": r.model,
                "created_at": r.created_at,
                "system": system,
                "prompt": user,
                "output": r.output,
                "final": r.final_text,
                "thumb": r.thumb.map(|up| if up { "up" } else { "down" }),
                "decision": r.decision,
                "reviewer": r.reviewer,
                "status": r.status,
                "tags": r.tags,
                "ratings": r.ratings,
            });
            if format == Format::Ratings {
                row["metadata"] = metadata;
            }
            out.push(row);
        }
    }
    Ok(out)
}

fn redact_record(r: &mut Record, masked: &mut Masked) {
    let mut clean = |text: &mut String| {
        let (t, m) = redact(text);
        *text = t;
        masked.add(m);
    };
    for m in &mut r.messages {
        clean(&mut m.content);
    }
    clean(&mut r.output);
    if let Some(f) = &mut r.final_text {
        clean(f);
    }
    for other in &mut r.preferred_over {
        clean(other);
    }
    for c in &mut r.comments {
        clean(c);
    }
}

/// A row split for writing: its content serialized once (what de-duplication compares)
/// and its metadata, which differs between otherwise identical rows.
struct Prepared {
    content: Value,
    json: String,
    metadata: Option<Value>,
}

fn prepare(mut row: Value) -> Result<Prepared> {
    let metadata = row.as_object_mut().and_then(|m| m.remove("metadata"));
    let json = serde_json::to_string(&row)?;
    Ok(Prepared {
        content: row,
        json,
        metadata,
    })
}

/// 128 bits of two keyed SipHashes: rows are not adversarial, and this is several
/// times cheaper than a cryptographic hash per row.
fn fingerprint(json: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        json.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Where the files go: `out` itself, or `train`/`eval` files in the `out` directory.
fn targets(out: &Path, format: Format, split: Option<f64>) -> Result<(PathBuf, Option<PathBuf>)> {
    match split {
        None => {
            if out.is_dir() {
                return Err(Error::invalid(format!(
                    "{} is a folder: without --split, --out names a file",
                    out.display()
                )));
            }
            let parent = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !parent.is_dir() {
                return Err(Error::invalid(format!(
                    "there is no folder {}",
                    parent.display()
                )));
            }
            Ok((out.to_owned(), None))
        }
        Some(ratio) => {
            if !(ratio > 0.0 && ratio < 1.0) {
                return Err(Error::invalid(format!(
                    "--split is the share of documents for eval, between 0 and 1 (e.g. 0.1), not {ratio}"
                )));
            }
            if out.exists() && !out.is_dir() {
                return Err(Error::invalid(format!(
                    "{} is a file: with --split, --out names a folder",
                    out.display()
                )));
            }
            std::fs::create_dir_all(out)?;
            let ext = format.extension();
            Ok((
                out.join(format!("train.{ext}")),
                Some(out.join(format!("eval.{ext}"))),
            ))
        }
    }
}

/// What the writer thread counted.
struct Written {
    train_rows: u64,
    eval_rows: u64,
    duplicates: u64,
    masked: Masked,
}

/// Records per batch between the reading and the writing thread.
const BATCH: usize = 256;

fn write_rows(
    records: std::sync::mpsc::Receiver<Vec<Record>>,
    opts: &ExportOptions,
    train: &mut Sink,
    eval: &mut Option<Sink>,
) -> Result<Written> {
    let mut w = Written {
        train_rows: 0,
        eval_rows: 0,
        duplicates: 0,
        masked: Masked::default(),
    };
    let mut seen: HashSet<u128> = HashSet::new();
    for mut r in records.into_iter().flatten() {
        if opts.redact {
            redact_record(&mut r, &mut w.masked);
        }
        let to_eval = opts
            .split
            .is_some_and(|ratio| is_eval(&r.document_id, ratio));
        for row in rows(opts.format, &r, opts)? {
            let row = prepare(row)?;
            if !seen.insert(fingerprint(&row.json)) {
                w.duplicates += 1;
                continue;
            }
            let (sink, count) = match (eval.as_mut(), to_eval) {
                (Some(sink), true) => (sink, &mut w.eval_rows),
                _ => (&mut *train, &mut w.train_rows),
            };
            sink.write(&row.content, &row.json, row.metadata.as_ref())?;
            *count += 1;
        }
    }
    Ok(w)
}

impl Workspace {
    /// The rubric dimensions of the projects an export covers: the flat tables' columns.
    fn dimensions(&self, filters: &Filters) -> Result<Vec<String>> {
        let mut dims: Vec<String> = Vec::new();
        for p in self.projects()? {
            if filters
                .project
                .as_ref()
                .is_some_and(|name| !name.eq_ignore_ascii_case(&p.name))
            {
                continue;
            }
            for d in p.rubric {
                if !dims.iter().any(|x| x.eq_ignore_ascii_case(&d.name)) {
                    dims.push(d.name);
                }
            }
        }
        Ok(dims)
    }

    /// The rows an export would write (after redaction and de-duplication): how many,
    /// and the first `limit` of them as JSON lines, for a preview.
    pub fn export_preview(&self, opts: &ExportOptions, limit: usize) -> Result<ExportPreview> {
        let filters = opts.filters.normalized()?;
        let mut seen: HashSet<u128> = HashSet::new();
        let mut masked = Masked::default();
        let (mut count, mut first) = (0u64, Vec::new());
        self.for_each_record(&filters, |mut r| {
            if opts.redact {
                redact_record(&mut r, &mut masked);
            }
            for row in rows(opts.format, &r, opts)? {
                let row = prepare(row)?;
                if seen.insert(fingerprint(&row.json)) {
                    count += 1;
                    if first.len() < limit {
                        first.push(writer::jsonl_line(&row.json, row.metadata.as_ref())?);
                    }
                }
            }
            Ok(true)
        })?;
        Ok(ExportPreview { rows: count, first })
    }

    /// Writes the export. `progress` hears how far it is and returns `false` to cancel;
    /// a cancelled or failed export leaves no files behind.
    pub fn export(
        &self,
        opts: &ExportOptions,
        out: &Path,
        mut progress: impl FnMut(ExportProgress) -> bool,
    ) -> Result<ExportSummary> {
        let filters = opts.filters.normalized()?;
        if !(0.0..=1.0).contains(&opts.min_edit_distance) {
            return Err(Error::invalid("the minimum edit distance goes from 0 to 1"));
        }
        let (train_path, eval_path) = targets(out, opts.format, opts.split)?;
        let total = self.candidate_count(&filters)?;
        let dims = self.dimensions(&filters)?;
        let mut train = Sink::create(opts.format, &train_path, &dims)?;
        let mut eval = match &eval_path {
            Some(p) => Some(Sink::create(opts.format, p, &dims)?),
            None => None,
        };
        let mut summary = ExportSummary {
            format: opts.format.name().to_owned(),
            ..ExportSummary::default()
        };
        // Two threads on two cores: this one reads the database, the other turns
        // records into rows (redaction, edit distances, JSON) and writes them.
        let mut cancelled = false;
        let (read, written) = std::thread::scope(|scope| {
            // Records go across in batches: one wake-up per batch, not per record.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Record>>(8);
            let (train, eval) = (&mut train, &mut eval);
            let writer = scope.spawn(move || write_rows(rx, opts, train, eval));
            let mut generations = 0u64;
            let mut batch = Vec::with_capacity(BATCH);
            let read = self.for_each_record(&filters, |r| {
                generations += 1;
                batch.push(r);
                if batch.len() < BATCH {
                    return Ok(true);
                }
                if !progress(ExportProgress {
                    done: generations,
                    total,
                }) {
                    cancelled = true;
                    return Ok(false);
                }
                // A closed channel means the writer failed; its error is reported.
                Ok(tx
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_ok())
            });
            if !batch.is_empty() && !cancelled {
                let _ = tx.send(batch);
            }
            drop(tx);
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(Error::invalid("the export writer stopped unexpectedly")));
            (read.map(|()| generations), written)
        });
        let outcome = read.and_then(|generations| written.map(|w| (generations, w)));
        let (generations, w) = match outcome {
            Ok(ok) if !cancelled => ok,
            Ok(_) | Err(_) => {
                train.abandon();
                if let Some(e) = eval {
                    e.abandon();
                }
                outcome?;
                summary.cancelled = true;
                return Ok(summary);
            }
        };
        summary.generations = generations;
        summary.train_rows = w.train_rows;
        summary.eval_rows = w.eval_rows;
        summary.duplicates = w.duplicates;
        let masked = w.masked;
        progress(ExportProgress {
            done: summary.generations,
            total,
        });
        summary.files.push(train.finish()?.display().to_string());
        if let Some(e) = eval {
            summary.files.push(e.finish()?.display().to_string());
        }
        summary.masked = masked.into();
        if opts.card {
            let card_path = match opts.split {
                Some(_) => out.join("README.md"),
                None => PathBuf::from(format!("{}.card.md", out.display())),
            };
            std::fs::write(&card_path, card::render(opts, &filters, &summary))?;
            summary.files.push(card_path.display().to_string());
        }
        Ok(summary)
    }
}
