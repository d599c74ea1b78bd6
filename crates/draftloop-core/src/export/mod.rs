//! Feedback datasets out: SFT, DPO and KTO in TRL's conversational formats, OpenAI's
//! fine-tuning formats, per-generation ratings, and flat CSV and Parquet tables. Every
//! row links back to its generation and feedback; splits are grouped by document;
//! identical rows are written once; the writers stream, so memory stays flat.

pub mod card;
mod distance;
pub mod records;
pub mod redact;
mod rows;
mod split;
mod under_way;
mod writer;

use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::Workspace;

pub use distance::normalized_edit_distance;
pub use records::Record;
use redact::{redact, Masked};
use rows::Row;
use split::Split;
pub use under_way::sweep as sweep_cut_off_exports;
use under_way::UnderWay;
use writer::{partial_of, Sink};

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
        let day = crate::host::period_bound;
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
    /// About the share of documents that go to the eval split, e.g. 0.1 (by a hash of
    /// each document's id; at least one a side); none: one file.
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

/// One format of an export and where it goes: a file, or with a split a folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportTarget {
    pub format: Format,
    pub out: String,
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

/// 128 bits of XXH3: rows are not adversarial, and at 128 bits two different rows
/// sharing one is out of reach; several times cheaper than two SipHashes or a
/// cryptographic hash per row.
fn fingerprint(json: &[u8]) -> u128 {
    twox_hash::XxHash3_128::oneshot(json)
}

/// Makes the folder `file` goes in when it is not there yet (a first export into the
/// default folder, or one the person typed), with a clear error when it cannot be made.
pub(crate) fn make_folder_for(file: &Path) -> Result<()> {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if parent.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(parent)
        .map_err(|e| Error::invalid(format!("cannot make the folder {}: {e}", parent.display())))
}

/// Where the files go: `out` itself, or `train`/`eval` files in the `out` directory.
/// Where the dataset card of an export to `out` goes.
fn card_path(out: &Path, split: Option<f64>) -> PathBuf {
    match split {
        Some(_) => out.join("README.md"),
        None => PathBuf::from(format!("{}.card.md", out.display())),
    }
}

fn targets_for(
    out: &Path,
    format: Format,
    split: Option<f64>,
) -> Result<(PathBuf, Option<PathBuf>)> {
    match split {
        None => {
            if out.is_dir() {
                return Err(Error::invalid(format!(
                    "{} is a folder: without --split, --out names a file",
                    out.display()
                )));
            }
            make_folder_for(out)?;
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

/// What a writer thread counted.
struct Written {
    train_rows: u64,
    eval_rows: u64,
    duplicates: u64,
}

/// Records per batch between the reading and the writing threads.
const BATCH: usize = 256;

/// One format being written: its options, its files and what it wrote.
struct Target {
    opts: ExportOptions,
    out: PathBuf,
    train: Sink,
    eval: Option<Sink>,
}

impl Target {
    fn abandon(self) {
        self.train.abandon();
        if let Some(e) = self.eval {
            e.abandon();
        }
    }
}

fn write_rows(
    records: std::sync::mpsc::Receiver<std::sync::Arc<Vec<Record>>>,
    opts: &ExportOptions,
    split: Option<Split>,
    train: &mut Sink,
    eval: &mut Option<Sink>,
) -> Result<Written> {
    let mut w = Written {
        train_rows: 0,
        eval_rows: 0,
        duplicates: 0,
    };
    // The fingerprints are hashes already: a second keyed hash of them adds nothing.
    let mut seen: FxHashSet<u128> = FxHashSet::default();
    let mut line = Vec::new();
    for batch in records {
        for r in batch.iter() {
            let to_eval = split.is_some_and(|s| s.is_eval(&r.document_id));
            let (sink, count) = match (eval.as_mut(), to_eval) {
                (Some(sink), true) => (sink, &mut w.eval_rows),
                _ => (&mut *train, &mut w.train_rows),
            };
            rows::each_row(opts.format, r, opts, |row| {
                if let Row::Flat(flat) = &row {
                    if !sink.is_jsonl() {
                        sink.write_flat(flat)?;
                        *count += 1;
                        return Ok(());
                    }
                }
                if let Some(end) = row.json(&mut line)? {
                    if !seen.insert(fingerprint(&line[..end])) {
                        w.duplicates += 1;
                        return Ok(());
                    }
                }
                sink.write_line(&line)?;
                *count += 1;
                Ok(())
            })?;
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
        let mut seen: FxHashSet<u128> = FxHashSet::default();
        let mut masked = Masked::default();
        let (mut count, mut first) = (0u64, Vec::new());
        let mut line = Vec::new();
        self.for_each_record(&filters, |mut r| {
            if opts.redact {
                redact_record(&mut r, &mut masked);
            }
            rows::each_row(opts.format, &r, opts, |row| {
                let end = row.json(&mut line)?;
                if end.is_none_or(|end| seen.insert(fingerprint(&line[..end]))) {
                    count += 1;
                    if first.len() < limit {
                        first.push(String::from_utf8_lossy(&line).into_owned());
                    }
                }
                Ok(())
            })?;
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
        progress: impl FnMut(ExportProgress) -> bool,
    ) -> Result<ExportSummary> {
        let mut summaries =
            self.export_formats(opts, &[(opts.format, out.to_owned())], progress)?;
        Ok(summaries.remove(0))
    }

    /// Writes several formats in one pass over the workspace: `opts` with each format,
    /// to its own `out`. The workspace is read once, and each format is written on its
    /// own thread. A cancelled or failed export leaves no files behind, of any format.
    pub fn export_formats(
        &self,
        opts: &ExportOptions,
        outs: &[(Format, PathBuf)],
        mut progress: impl FnMut(ExportProgress) -> bool,
    ) -> Result<Vec<ExportSummary>> {
        let filters = opts.filters.normalized()?;
        if !(0.0..=1.0).contains(&opts.min_edit_distance) {
            return Err(Error::invalid("the minimum edit distance goes from 0 to 1"));
        }
        if outs.is_empty() {
            return Err(Error::invalid("choose at least one format"));
        }
        for (i, (format, out)) in outs.iter().enumerate() {
            if outs[..i].iter().any(|(f, o)| f == format || o == out) {
                return Err(Error::invalid(format!(
                    "{} is asked for twice, or two formats would share {}",
                    format.name(),
                    out.display()
                )));
            }
        }
        let total = self.candidate_count(&filters)?;
        let dims = self.dimensions(&filters)?;
        let split = match opts.split {
            Some(ratio) => Some(self.split(&filters, ratio)?),
            None => None,
        };
        let mut planned = Vec::new();
        for (format, out) in outs {
            let (train, eval) = targets_for(out, *format, opts.split)?;
            planned.push((*format, out, train, eval));
        }
        // Every partial file is written down before the first is made, so one left by a
        // cut-off export is removed at the next start.
        let partials: Vec<PathBuf> = planned
            .iter()
            .flat_map(|(_, out, train, eval)| {
                let card = opts.card.then(|| card_path(out, opts.split));
                [Some(train), eval.as_ref(), card.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|p| partial_of(p))
                    .collect::<Vec<_>>()
            })
            .collect();
        let _under_way = UnderWay::begin(self.data_dir(), &partials)?;
        let mut targets: Vec<Target> = Vec::new();
        for (format, out, train_path, eval_path) in planned {
            let created = (|| -> Result<Target> {
                let train = Sink::create(format, &train_path, &dims)?;
                let eval = match &eval_path {
                    Some(p) => match Sink::create(format, p, &dims) {
                        Ok(sink) => Some(sink),
                        Err(e) => {
                            train.abandon();
                            return Err(e);
                        }
                    },
                    None => None,
                };
                Ok(Target {
                    opts: ExportOptions {
                        format,
                        ..opts.clone()
                    },
                    out: out.clone(),
                    train,
                    eval,
                })
            })();
            match created {
                Ok(t) => targets.push(t),
                Err(e) => {
                    targets.into_iter().for_each(Target::abandon);
                    return Err(e);
                }
            }
        }

        // This thread reads the database (and redacts, once for every format); each
        // format's thread turns records into rows (edit distances, JSON) and writes them.
        let mut cancelled = false;
        let mut masked = Masked::default();
        let (read, written) = std::thread::scope(|scope| {
            let mut senders = Vec::new();
            let mut writers = Vec::new();
            for t in targets.iter_mut() {
                // Records go across in batches: one wake-up per batch, not per record.
                let (tx, rx) = std::sync::mpsc::sync_channel::<std::sync::Arc<Vec<Record>>>(8);
                senders.push(tx);
                let (opts, train, eval) = (&t.opts, &mut t.train, &mut t.eval);
                let writer = std::thread::Builder::new()
                    .name(format!("export-{}", opts.format.name()))
                    .spawn_scoped(scope, move || write_rows(rx, opts, split, train, eval));
                match writer {
                    Ok(w) => writers.push(w),
                    Err(e) => return (Err(e.into()), Ok(Vec::new())),
                }
            }
            let mut generations = 0u64;
            let mut batch = Vec::with_capacity(BATCH);
            let send = |batch: Vec<Record>| {
                let batch = std::sync::Arc::new(batch);
                // A closed channel means a writer failed; its error is reported.
                senders.iter().all(|tx| tx.send(batch.clone()).is_ok())
            };
            let read = self.for_each_record(&filters, |mut r| {
                generations += 1;
                if opts.redact {
                    redact_record(&mut r, &mut masked);
                }
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
                Ok(send(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH),
                )))
            });
            if !batch.is_empty() && !cancelled {
                send(batch);
            }
            drop(senders);
            let written: Result<Vec<Written>> = writers
                .into_iter()
                .map(|w| {
                    w.join().unwrap_or_else(|_| {
                        Err(Error::invalid("the export writer stopped unexpectedly"))
                    })
                })
                .collect();
            (read.map(|()| generations), written)
        });
        let outcome = read.and_then(|generations| written.map(|w| (generations, w)));
        let (generations, written) = match outcome {
            Ok(ok) if !cancelled => ok,
            Ok(_) | Err(_) => {
                targets.into_iter().for_each(Target::abandon);
                outcome?;
                return Ok(outs
                    .iter()
                    .map(|(format, _)| ExportSummary {
                        format: format.name().to_owned(),
                        cancelled: true,
                        ..ExportSummary::default()
                    })
                    .collect());
            }
        };
        progress(ExportProgress {
            done: generations,
            total,
        });
        let mut summaries = Vec::new();
        for (t, w) in targets.into_iter().zip(written) {
            let mut summary = ExportSummary {
                format: t.opts.format.name().to_owned(),
                generations,
                train_rows: w.train_rows,
                eval_rows: w.eval_rows,
                duplicates: w.duplicates,
                masked: masked.into(),
                ..ExportSummary::default()
            };
            summary.files.push(t.train.finish()?.display().to_string());
            if let Some(e) = t.eval {
                summary.files.push(e.finish()?.display().to_string());
            }
            if opts.card {
                let card = card_path(&t.out, opts.split);
                let partial = partial_of(&card);
                std::fs::write(&partial, card::render(&t.opts, &filters, &summary))?;
                std::fs::rename(&partial, &card)?;
                summary.files.push(card.display().to_string());
            }
            summaries.push(summary);
        }
        Ok(summaries)
    }
}
