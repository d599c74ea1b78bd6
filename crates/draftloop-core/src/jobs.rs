//! Long work: an export, an import, a batch run. Each job has an id the
//! front end chose, progress anyone can read, and a cancel that the work checks as it
//! goes. A job leaves the list when its work returns, however it ends.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use ts_rs::TS;

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::export::{ExportOptions, ExportProgress, ExportSummary, Format};
use crate::host::{stamp, Notice};
use crate::import::{ImportProgress, ImportSummary};
use crate::services::Core;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Export,
    Import,
    Batch,
}

/// A job as a front end lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct JobInfo {
    pub id: String,
    pub kind: JobKind,
    pub started_at: String,
    #[ts(type = "number")]
    pub done: u64,
    /// 0 while unknown.
    #[ts(type = "number")]
    pub total: u64,
    pub cancelled: bool,
}

struct State {
    kind: JobKind,
    started_at: String,
    stop: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

/// The jobs under way.
#[derive(Default)]
pub struct Jobs {
    running: Arc<Mutex<HashMap<String, Arc<State>>>>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The map is whole after any panic: every change is one insert or remove.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Jobs {
    /// Starts job `id`; a second job with an id still running is refused.
    pub fn start(&self, id: &str, kind: JobKind, started_at: String) -> Result<Job> {
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::invalid("a job needs an id"));
        }
        let state = Arc::new(State {
            kind,
            started_at,
            stop: AtomicBool::new(false),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
        });
        let mut running = locked(&self.running);
        if running.contains_key(id) {
            return Err(Error::Conflict(format!("job {id} is already running")));
        }
        running.insert(id.to_owned(), state.clone());
        Ok(Job {
            id: id.to_owned(),
            state,
            running: self.running.clone(),
        })
    }

    /// Asks job `id` to stop; `false` when no such job is running.
    pub fn cancel(&self, id: &str) -> bool {
        match locked(&self.running).get(id) {
            Some(state) => {
                state.stop.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// The jobs under way, oldest first.
    pub fn list(&self) -> Vec<JobInfo> {
        let mut out: Vec<JobInfo> = locked(&self.running)
            .iter()
            .map(|(id, s)| JobInfo {
                id: id.clone(),
                kind: s.kind,
                started_at: s.started_at.clone(),
                done: s.done.load(Ordering::Relaxed),
                total: s.total.load(Ordering::Relaxed),
                cancelled: s.stop.load(Ordering::Relaxed),
            })
            .collect();
        out.sort_by(|a, b| (&a.started_at, &a.id).cmp(&(&b.started_at, &b.id)));
        out
    }
}

/// The work's side of a job: it reports progress and asks whether to go on. Dropping
/// it ends the job.
pub struct Job {
    id: String,
    state: Arc<State>,
    running: Arc<Mutex<HashMap<String, Arc<State>>>>,
}

impl Job {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Records how far the work is; `false` once the job was cancelled.
    pub fn progress(&self, done: u64, total: u64) -> bool {
        self.state.done.store(done, Ordering::Relaxed);
        self.state.total.store(total, Ordering::Relaxed);
        !self.cancelled()
    }

    pub fn cancelled(&self) -> bool {
        self.state.stop.load(Ordering::Relaxed)
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        locked(&self.running).remove(&self.id);
    }
}

impl Core {
    pub(crate) fn start_job(&self, id: &str, kind: JobKind) -> Result<Job> {
        self.jobs().start(id, kind, stamp(self.host().now()))
    }

    /// Exports every format of `outs` from one read of the workspace, on a connection
    /// of its own (saves and feedback go on meanwhile), as job `job_id`.
    pub async fn export(
        &self,
        job_id: &str,
        options: ExportOptions,
        outs: Vec<(Format, PathBuf)>,
        progress: impl Fn(ExportProgress) + Send + 'static,
    ) -> Result<Vec<ExportSummary>> {
        let job = self.start_job(job_id, JobKind::Export)?;
        let summaries = self
            .reading(move |ws| {
                ws.export_formats(&options, &outs, |p| {
                    progress(p);
                    job.progress(p.done, p.total)
                })
            })
            .await?;
        if !summaries.iter().any(|s| s.cancelled) {
            let rows: u64 = summaries.iter().map(|s| s.train_rows + s.eval_rows).sum();
            let formats: Vec<&str> = summaries.iter().map(|s| s.format.as_str()).collect();
            self.host().notify(Notice {
                title: "Export finished".into(),
                body: format!("{rows} rows of {}", formats.join(", ")),
            });
        }
        Ok(summaries)
    }

    /// Imports a JSONL history file as job `job_id`: all of it, or nothing when it is
    /// cancelled or a line is bad.
    pub async fn import(
        &self,
        job_id: &str,
        path: PathBuf,
        progress: impl Fn(ImportProgress) + Send + 'static,
    ) -> Result<ImportSummary> {
        let job = self.start_job(job_id, JobKind::Import)?;
        let summary = self
            .apart(move |ws| {
                let file = std::fs::File::open(&path)
                    .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
                let total = file.metadata().map(|m| m.len()).unwrap_or(0);
                ws.import_jsonl_with_progress(
                    std::io::BufReader::new(file),
                    &path.display().to_string(),
                    |done| {
                        progress(ImportProgress { done, total });
                        job.progress(done, total)
                    },
                )
            })
            .await?;
        // The one word of it the window shows, so it says everything.
        let already = match summary.already_imported {
            0 => String::new(),
            n => format!(" ({n} were already here)"),
        };
        self.host().notify(Notice {
            title: "Import finished".into(),
            body: format!(
                "{} of {} records imported{already}, {} feedback events",
                summary.imported, summary.records, summary.feedback_events
            ),
        });
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_listed_until_its_work_ends_and_hears_its_cancel() {
        let jobs = Jobs::default();
        let job = jobs.start("e1", JobKind::Export, "t".into()).unwrap();
        assert!(job.progress(3, 10));
        assert!(jobs.start("e1", JobKind::Import, "t".into()).is_err());
        let listed = jobs.list();
        assert_eq!(
            (listed[0].done, listed[0].total, listed[0].cancelled),
            (3, 10, false)
        );
        assert!(jobs.cancel("e1"));
        assert!(!job.progress(4, 10));
        drop(job);
        assert!(jobs.list().is_empty());
        assert!(!jobs.cancel("e1"));
        assert!(jobs.start("e1", JobKind::Export, "t".into()).is_ok());
    }
}
