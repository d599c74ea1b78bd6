//! Batch runs: a CSV of briefs becomes one document per row, each drafted, scored and
//! routed through the gate, a few at a time. A second run of the same file finds each
//! row's document again and skips the rows that already have a draft, so after a
//! crash, a kill or a cancel nothing is generated twice (a row drafted but stopped
//! before it was routed is routed then, without asking the model again). A burst of rate limiting
//! slows the run down (fewer requests at once, a pause, the row tried again) rather
//! than failing rows.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Route;
use crate::error::{Error, ErrorKind, Result};
use crate::host::stamp;
use crate::jobs::JobKind;
use crate::services::Core;

/// Most rows drafted at once.
pub const MAX_CONCURRENCY: usize = 32;
/// Times a rate-limited row is tried again before it counts as failed.
const RATE_LIMIT_TRIES: u32 = 6;
const RATE_LIMIT_PAUSE: Duration = Duration::from_millis(250);

/// One row of the CSV: its document's title and brief, and the key of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    /// 1-based, as a spreadsheet numbers data rows.
    pub number: usize,
    pub title: String,
    pub brief: BTreeMap<String, String>,
    pub key: String,
}

/// Reads a batch CSV: one column per template variable (others are kept in the brief
/// too); a `title` column names each document, else the first column does.
pub fn read_csv(path: &Path, variables: &[String]) -> Result<Vec<BatchRow>> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    parse_csv(file, variables)
}

pub fn parse_csv(input: impl std::io::Read, variables: &[String]) -> Result<Vec<BatchRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("the CSV cannot be read: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::invalid("the CSV has no header row"));
    }
    let missing: Vec<&str> = variables
        .iter()
        .filter(|v| !headers.iter().any(|h| h == *v))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "the CSV has no column for {} (its columns: {})",
            missing
                .iter()
                .map(|m| format!("{{{{{m}}}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            headers.join(", ")
        )));
    }
    let title_column = headers.iter().position(|h| h.eq_ignore_ascii_case("title"));
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        let record = record.map_err(|e| Error::invalid(format!("row {number} of the CSV: {e}")))?;
        let mut brief = BTreeMap::new();
        for (c, value) in record.iter().enumerate() {
            if Some(c) != title_column {
                brief.insert(headers[c].clone(), value.to_owned());
            }
        }
        let title = record
            .get(title_column.unwrap_or(0))
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Row {number}"));
        for v in variables {
            if brief.get(v).is_none_or(|x| x.trim().is_empty()) {
                return Err(Error::invalid(format!(
                    "row {number} of the CSV (\"{title}\") has no value for {{{{{v}}}}}"
                )));
            }
        }
        let key = row_key(number, &title, &brief);
        rows.push(BatchRow {
            number,
            title,
            brief,
            key,
        });
    }
    if rows.is_empty() {
        return Err(Error::invalid("the CSV has no rows under its header"));
    }
    Ok(rows)
}

/// A row is the same row when its place and its values are: an edited row is new.
fn row_key(number: usize, title: &str, brief: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    h.update(number.to_string().as_bytes());
    h.update([0]);
    h.update(title.as_bytes());
    for (k, v) in brief {
        h.update([0]);
        h.update(k.as_bytes());
        h.update([1]);
        h.update(v.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// How a batch went; the CLI prints the counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct BatchSummary {
    pub rows: u32,
    pub generated: u32,
    pub skipped: u32,
    pub auto_approved: u32,
    pub queued: u32,
    pub failed: u32,
    /// Rows not reached because the run was cancelled.
    pub not_run: u32,
    pub cancelled: bool,
    pub failures: Vec<BatchFailure>,
}

impl BatchSummary {
    fn count(&mut self, route: Option<Route>) {
        match route {
            Some(Route::AutoApproved { .. }) => self.auto_approved += 1,
            Some(Route::Queued { .. }) => self.queued += 1,
            None => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchFailure {
    pub row: u32,
    pub title: String,
    pub message: String,
}

/// Progress for a front end: rows finished of all rows, with the counts so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub auto_approved: u32,
    pub queued: u32,
    pub failed: u32,
    pub skipped: u32,
    /// Rows being drafted at once now (lowered by rate limiting).
    pub concurrency: u32,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct BatchRequest {
    pub project_id: String,
    pub provider: String,
    pub rows: Vec<BatchRow>,
    pub concurrency: usize,
}

enum RowOutcome {
    /// Drafted before; routed now when a stop came between drafting and routing.
    Skipped(Option<Route>),
    Routed(Route),
}

/// A row still to run, with its document.
type Pending = (BatchRow, Arc<Found>);

/// What a row's document already holds.
enum Found {
    Done,
    Unrouted(String, Box<crate::generation::Generation>),
    Undrafted(String),
}

struct Tally {
    summary: BatchSummary,
    done: u32,
}

/// Rows of one worker whose drafts are being written while it asks for the next; past
/// this many it waits for one to be written first.
const WRITING_PER_WORKER: usize = 4;

/// What a batch's workers share: the rows still to run (with their tries), the tally,
/// and how many workers may ask the model at once.
struct Run {
    job: crate::jobs::Job,
    queue: Mutex<VecDeque<(Pending, u32)>>,
    tally: Mutex<Tally>,
    allowed: AtomicUsize,
    total: u32,
    progress: Box<dyn Fn(BatchProgress) + Send + Sync>,
}

impl Run {
    /// One worker: takes rows until none are left, the run is cancelled, or rate
    /// limiting retires it. A row whose answer came back whole is written while the
    /// worker asks the model for its next row, so at most `concurrency` requests are
    /// out at once and the commits overlap with them.
    async fn work(self: Arc<Self>, worker: usize, core: Core, provider: String) {
        let mut writing = tokio::task::JoinSet::new();
        loop {
            if self.job.cancelled() || worker >= self.allowed.load(Ordering::Relaxed) {
                break;
            }
            let Some(((row, found), tries)) = lock(&self.queue).pop_front() else {
                break;
            };
            let (answered, told) = crate::drafting::Answered::new();
            let task = tokio::spawn({
                let (core, provider, found) = (core.clone(), provider.clone(), found.clone());
                async move { core.batch_row(&provider, &found, answered).await }
            });
            if told.await == Ok(true) {
                let run = self.clone();
                writing.spawn(async move { run.settle(&row, joined(task.await)) });
                while writing.len() >= WRITING_PER_WORKER {
                    writing.join_next().await;
                }
                continue;
            }
            let outcome = joined(task.await);
            if let Err(e) = &outcome {
                if e.kind() == ErrorKind::RateLimited && tries < RATE_LIMIT_TRIES {
                    // Fewer workers from now on, a pause, and the row goes back.
                    let _ = self
                        .allowed
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                            Some(n.saturating_sub(1).max(1))
                        });
                    lock(&self.queue).push_back(((row, found), tries + 1));
                    tokio::time::sleep(RATE_LIMIT_PAUSE * 2u32.pow(tries)).await;
                    continue;
                }
            }
            self.settle(&row, outcome);
        }
        while writing.join_next().await.is_some() {}
    }

    /// Counts a finished row and says so.
    fn settle(&self, row: &BatchRow, outcome: Result<RowOutcome>) {
        let snapshot = {
            let mut t = lock(&self.tally);
            t.done += 1;
            let done = t.done;
            let s = &mut t.summary;
            match outcome {
                Ok(RowOutcome::Skipped(route)) => {
                    s.skipped += 1;
                    s.count(route);
                }
                Ok(RowOutcome::Routed(route)) => {
                    s.generated += 1;
                    s.count(Some(route));
                }
                Err(e) => {
                    s.failed += 1;
                    s.failures.push(BatchFailure {
                        row: row.number as u32,
                        title: row.title.clone(),
                        message: e.to_string(),
                    });
                }
            }
            BatchProgress {
                done,
                total: self.total,
                auto_approved: s.auto_approved,
                queued: s.queued,
                failed: s.failed,
                skipped: s.skipped,
                concurrency: self.allowed.load(Ordering::Relaxed) as u32,
            }
        };
        self.job
            .progress(u64::from(snapshot.done), u64::from(self.total));
        (self.progress)(snapshot);
    }
}

/// A row's task as it ended; one that panicked failed.
fn joined(
    result: std::result::Result<Result<RowOutcome>, tokio::task::JoinError>,
) -> Result<RowOutcome> {
    result.unwrap_or_else(|e| Err(Error::Internal(format!("a batch row stopped: {e}"))))
}

impl Core {
    /// The rows of a batch CSV for `project_id`'s latest prompt version.
    pub fn batch_rows(&self, project_id: &str, csv: &Path) -> Result<Vec<BatchRow>> {
        let version = self.read(|ws| {
            ws.latest_prompt(project_id)?.ok_or_else(|| {
                Error::invalid("write the project's prompt first: a batch fills its template")
            })
        })?;
        read_csv(csv, &version.variables)
    }

    /// Runs a batch as job `job_id`: each row drafted, scored and routed, at most
    /// `concurrency` at once. Rows that already have a draft are skipped.
    pub async fn batch(
        &self,
        job_id: &str,
        request: BatchRequest,
        progress: impl Fn(BatchProgress) + Send + Sync + 'static,
    ) -> Result<BatchSummary> {
        if request.rows.is_empty() {
            return Err(Error::invalid("the batch has no rows"));
        }
        if !(1..=MAX_CONCURRENCY).contains(&request.concurrency) {
            return Err(Error::invalid(format!(
                "concurrency goes from 1 to {MAX_CONCURRENCY}"
            )));
        }
        self.with(|ws| {
            ws.project(&request.project_id)?;
            ws.provider_named(&request.provider)?;
            let version = ws.latest_prompt(&request.project_id)?.ok_or_else(|| {
                Error::invalid("write the project's prompt first: a batch fills its template")
            })?;
            ws.check_batch_prompt(&request.project_id, &version.id)
        })?;
        let job = self.start_job(job_id, JobKind::Batch)?;
        let total = request.rows.len() as u32;
        let found = self.batch_documents(&request.project_id, request.rows)?;
        let run = Arc::new(Run {
            job,
            queue: Mutex::new(
                found
                    .into_iter()
                    .map(|(row, f)| ((row, Arc::new(f)), 0))
                    .collect(),
            ),
            tally: Mutex::new(Tally {
                summary: BatchSummary {
                    rows: total,
                    ..BatchSummary::default()
                },
                done: 0,
            }),
            allowed: AtomicUsize::new(request.concurrency),
            total,
            progress: Box::new(progress),
        });
        let mut workers = tokio::task::JoinSet::new();
        for worker in 0..request.concurrency {
            let (core, run, provider) = (self.clone(), run.clone(), request.provider.clone());
            workers.spawn(async move { run.work(worker, core, provider).await });
        }
        while let Some(joined) = workers.join_next().await {
            joined.map_err(|e| Error::Internal(format!("a batch worker stopped: {e}")))?;
        }
        let mut summary = lock(&run.tally).summary.clone();
        summary.cancelled = run.job.cancelled();
        summary.not_run = lock(&run.queue).len() as u32;
        summary.failures.sort_by_key(|f| f.row);
        self.adapt(&request.project_id);
        // A long batch runs while the person is elsewhere: tell them as the desktop does.
        self.host().alert(crate::host::Notice {
            title: if summary.cancelled {
                "Batch cancelled".into()
            } else {
                "Batch finished".into()
            },
            body: format!(
                "{} drafted: {} approved by the gate, {} waiting for review, {} failed",
                summary.generated, summary.auto_approved, summary.queued, summary.failed
            ),
        });
        Ok(summary)
    }

    /// Each row's document, found from an earlier run or made now, all in one
    /// transaction, with what it already holds.
    fn batch_documents(
        &self,
        project_id: &str,
        rows: Vec<BatchRow>,
    ) -> Result<Vec<(BatchRow, Found)>> {
        let at = stamp(self.host().now());
        self.with(|ws| {
            let mut found = Vec::with_capacity(rows.len());
            let mut missing = Vec::new();
            {
                let mut stmt = ws.conn().prepare(
                    "SELECT d.id,
                         (SELECT g.id FROM generations g WHERE g.document_id = d.id
                             AND g.error IS NULL AND g.incomplete = 0 AND g.output <> ''
                          ORDER BY g.id DESC LIMIT 1),
                         EXISTS(SELECT 1 FROM revisions r WHERE r.document_id = d.id
                             AND r.author_kind = 'model')
                     FROM documents d WHERE d.project_id = ?1 AND d.batch_key = ?2",
                )?;
                for row in rows {
                    let hit: Option<(String, Option<String>, bool)> = stmt
                        .query_row(params![project_id, row.key], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })
                        .optional()?;
                    match hit {
                        Some((_, Some(_), true)) => found.push((row, Found::Done)),
                        Some((id, Some(g), false)) => {
                            let g = Box::new(ws.generation(&g)?);
                            found.push((row, Found::Unrouted(id, g)));
                        }
                        Some((id, None, _)) => found.push((row, Found::Undrafted(id))),
                        None => missing.push(row),
                    }
                }
            }
            if !missing.is_empty() {
                let made = ws.write(|tx, actor| {
                    missing
                        .iter()
                        .map(|row| {
                            crate::document::insert_for_batch(
                                tx, actor, project_id, &row.title, &row.brief, &row.key, &at,
                            )
                        })
                        .collect::<Result<Vec<String>>>()
                })?;
                found.extend(
                    missing
                        .into_iter()
                        .zip(made)
                        .map(|(row, id)| (row, Found::Undrafted(id))),
                );
            }
            found.sort_by_key(|(row, _)| row.number);
            Ok(found)
        })
    }

    /// One row: drafted and routed unless it already has a draft.
    async fn batch_row(
        &self,
        provider: &str,
        found: &Found,
        answered: crate::drafting::Answered,
    ) -> Result<RowOutcome> {
        match found {
            Found::Done => Ok(RowOutcome::Skipped(None)),
            // Drafted, then stopped before it was put in: routed now, not asked again.
            Found::Unrouted(id, g) => {
                let routed = self.put_in_and_route(id, (**g).clone(), None)?;
                Ok(RowOutcome::Skipped(Some(routed.route)))
            }
            Found::Undrafted(id) => {
                let route = crate::drafting::RouteDraft {
                    fallback_of: None,
                    answered: Some(answered),
                };
                let routed = self.draft_routed(id, provider, None, route).await?;
                Ok(RowOutcome::Routed(routed.route))
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_take_their_title_from_the_title_column_else_the_first() {
        let rows = parse_csv(
            "title,product,audience\nSpring sale,Boots,runners\n\"Quote, \"\"fine\"\"\",Hats,\"walkers\"\n"
                .as_bytes(),
            &vars(&["product", "audience"]),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].title, "Spring sale");
        assert_eq!(rows[1].title, "Quote, \"fine\"");
        assert_eq!(rows[1].brief["audience"], "walkers");
        assert!(!rows[0].brief.contains_key("title"));
        let rows = parse_csv(
            "product,audience\nBoots,runners\n".as_bytes(),
            &vars(&["product"]),
        )
        .unwrap();
        assert_eq!(rows[0].title, "Boots");
        assert_eq!(rows[0].brief["product"], "Boots");
    }

    #[test]
    fn a_csv_missing_a_variable_or_a_value_says_which() {
        let e = parse_csv(
            "product\nBoots\n".as_bytes(),
            &vars(&["product", "audience"]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("{{audience}}"), "{e}");
        let e = parse_csv(
            "product,audience\nBoots,\n".as_bytes(),
            &vars(&["audience"]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("row 1"), "{e}");
        let e = parse_csv("product\n".as_bytes(), &vars(&["product"])).unwrap_err();
        assert!(e.to_string().contains("no rows"), "{e}");
        let e = parse_csv("a,b\n1,2,3\n".as_bytes(), &vars(&[])).unwrap_err();
        assert!(e.to_string().contains("row 1"), "{e}");
    }

    #[test]
    fn a_row_keeps_its_key_until_it_changes() {
        let a = parse_csv("p\nBoots\nHats\n".as_bytes(), &vars(&["p"])).unwrap();
        let b = parse_csv("p\nBoots\nCaps\n".as_bytes(), &vars(&["p"])).unwrap();
        assert_eq!(a[0].key, b[0].key);
        assert_ne!(a[1].key, b[1].key);
    }
}
