//! Group commit for drafts the review gate routes: while one batch worker's drafts are
//! being written, the drafts other workers finish meanwhile wait, and the next writer
//! records them all in one transaction (each in a savepoint of its own, so a bad one
//! fails alone). One fsync then stands for several drafts, and the drafts stay as
//! durable as any save: every one is committed before its worker hears it was.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::generation::{record_in, Generation, GenerationContext};
use super::RouteDraft;
use crate::error::{Error, Result};
use crate::llm::{Completion, CompletionRequest, LlmError};
use crate::review::Route;
use crate::services::Core;
use crate::store::Workspace;

/// What a draft's record came to: its generations, and where the gate sent it.
pub(crate) type Recorded = (Vec<Generation>, Option<Route>);

/// A finished request to record, owning all it needs (another worker may write it).
pub(crate) struct RecordJob {
    pub document_id: Option<String>,
    pub provider: String,
    pub prompt_version_id: Option<String>,
    pub request: CompletionRequest,
    pub outcome: std::result::Result<Completion, LlmError>,
    pub at: String,
    pub now: DateTime<Utc>,
    pub route: Option<RouteDraft>,
    /// What the project's judge said of the first variant, if it has one.
    pub judge: Option<crate::review::confidence::JudgeVerdict>,
}

impl RecordJob {
    /// Records the generations and, when asked and the answer is whole, puts the first
    /// in its document and routes it.
    fn record(&self, tx: &rusqlite::Transaction, actor: &crate::actor::Actor) -> Result<Recorded> {
        let ctx = GenerationContext {
            document_id: self.document_id.as_deref(),
            provider: &self.provider,
            prompt_version_id: self.prompt_version_id.as_deref(),
            request: &self.request,
        };
        let whole = matches!(&self.outcome, Ok(c) if c.ending == crate::llm::Ending::Complete);
        let then = |tx: &rusqlite::Transaction,
                    actor: &crate::actor::Actor,
                    recorded: &[Generation]|
         -> Result<Option<Route>> {
            let (Some(route), Some(document_id), Some(g)) =
                (&self.route, self.document_id.as_deref(), recorded.first())
            else {
                return Ok(None);
            };
            if !whole || g.incomplete || g.output.trim().is_empty() {
                return Ok(None);
            }
            crate::review::put_in_and_route(
                tx,
                actor,
                document_id,
                g,
                route.fallback_of.as_deref(),
                self.now,
            )
            .map(Some)
        };
        record_in(
            tx,
            actor,
            &ctx,
            &self.outcome,
            self.at.clone(),
            self.judge.as_ref(),
            Some(&then),
        )
    }
}

impl Workspace {
    /// Records every job in one transaction, each in a savepoint: one that fails is
    /// undone and reported alone.
    pub(crate) fn record_group(&mut self, jobs: &[RecordJob]) -> Result<Vec<Result<Recorded>>> {
        self.write(|tx, actor| {
            let mut out = Vec::with_capacity(jobs.len());
            for job in jobs {
                tx.execute_batch("SAVEPOINT draft")?;
                match job.record(tx, actor) {
                    Ok(r) => {
                        tx.execute_batch("RELEASE draft")?;
                        out.push(Ok(r));
                    }
                    Err(e) => {
                        tx.execute_batch("ROLLBACK TO draft; RELEASE draft")?;
                        out.push(Err(e));
                    }
                }
            }
            Ok(out)
        })
    }
}

type Waiting = (RecordJob, oneshot::Sender<Result<Recorded>>);

/// The drafts waiting to be written, and the turn to write them.
#[derive(Default)]
pub(crate) struct GroupCommit {
    pending: Mutex<Vec<Waiting>>,
    writer: tokio::sync::Mutex<()>,
}

impl Core {
    /// Records `job` with whatever other drafts are waiting, in one commit.
    pub(crate) async fn record_grouped(&self, job: RecordJob) -> Result<Recorded> {
        let group = self.group_commit();
        let (sender, mut receiver) = oneshot::channel();
        lock(&group.pending).push((job, sender));
        let turn = group.writer.lock().await;
        // A writer before this one may have taken it along.
        if let Ok(done) = receiver.try_recv() {
            return done;
        }
        let waiting = std::mem::take(&mut *lock(&group.pending));
        let (jobs, senders): (Vec<RecordJob>, Vec<_>) = waiting.into_iter().unzip();
        let results = super::blocking(|| self.with(|ws| ws.record_group(&jobs)));
        match results {
            Ok(results) => {
                for (sender, result) in senders.into_iter().zip(results) {
                    let _ = sender.send(result);
                }
            }
            Err(e) => {
                let message = format!("the drafts could not be saved: {e}");
                for sender in senders {
                    let _ = sender.send(Err(Error::Internal(message.clone())));
                }
            }
        }
        drop(turn);
        receiver
            .await
            .map_err(|_| Error::Internal("a draft was not recorded".into()))?
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
