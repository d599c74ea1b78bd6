//! [`Core`]: an open workspace with the services every front end uses. The desktop
//! app, the CLI and tests hold one and call its use cases (drafting, jobs, and the
//! workspace's own methods); none of them talks to a model or to SQL itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::host::Host;
use crate::jobs::Jobs;
use crate::llm::{Cancel, Limits, LlmClient};
use crate::store::{Workspace, WriteGate};

/// Connections kept for reads and long work: the window's reads, an export and an
/// import at once.
const SPARE: usize = 8;

/// Cheap to clone: clones share the workspace, the model client and the jobs.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    workspace: Mutex<Workspace>,
    data_dir: PathBuf,
    actor: Actor,
    host: Arc<dyn Host>,
    llm: LlmClient,
    /// Connections of their own for reads and long work, kept for the next (at most
    /// `SPARE`).
    spare: Mutex<Vec<Workspace>>,
    /// Generations still streaming, by request id.
    drafting: Mutex<HashMap<String, Cancel>>,
    jobs: Jobs,
    /// The review gate's drafts waiting to be written together.
    group: crate::drafting::GroupCommit,
    /// Every connection of this core writes in turn (see `WriteGate`).
    gate: WriteGate,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("data_dir", &self.inner.data_dir)
            .field("actor", &self.inner.actor)
            .finish_non_exhaustive()
    }
}

/// Locks a mutex that no panic can leave half-changed: each change of the maps is one
/// insert or remove, and each workspace change is one SQLite transaction.
pub(crate) fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Core {
    /// Opens (creating and migrating if needed) the workspace in `data_dir`.
    pub fn open(data_dir: &Path, actor: Actor, host: Arc<dyn Host>) -> Result<Core> {
        Self::open_with(data_dir, actor, host, Limits::default())
    }

    /// As [`Core::open`], with the model client's timeouts and retries.
    pub fn open_with(
        data_dir: &Path,
        actor: Actor,
        host: Arc<dyn Host>,
        limits: Limits,
    ) -> Result<Core> {
        let gate = WriteGate::default();
        let mut workspace = Workspace::open(data_dir, actor.clone())?;
        workspace.share_gate(&gate);
        let llm = LlmClient::new(limits);
        Ok(Core {
            inner: Arc::new(Inner {
                workspace: Mutex::new(workspace),
                data_dir: data_dir.to_owned(),
                actor,
                host,
                llm,
                spare: Mutex::new(Vec::new()),
                drafting: Mutex::new(HashMap::new()),
                jobs: Jobs::default(),
                group: Default::default(),
                gate,
            }),
        })
    }

    /// Runs a short use case on the workspace: one at a time, each its own transaction.
    pub fn with<T>(&self, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let mut ws = locked(&self.inner.workspace);
        let out = f(&mut ws);
        self.announce(&ws);
        out
    }

    /// Tells the host what the workspace's writes changed, if anything.
    fn announce(&self, ws: &Workspace) {
        let changed = ws.take_changes();
        if !changed.is_empty() {
            self.inner.host.changed(&changed);
        }
    }

    /// Runs a short read on a read connection of its own (from the pool), so a read
    /// never waits for a write in progress, nor a write for a read.
    pub fn read<T>(&self, f: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        let ws = self.spare_connection()?;
        let out = f(&ws);
        self.give_back(ws);
        out
    }

    /// Runs short work that may write on a connection of its own from the pool: its
    /// writes take turns with the shared workspace's through the write gate.
    pub(crate) fn spare<T>(&self, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let mut ws = self.spare_connection()?;
        let out = f(&mut ws);
        self.announce(&ws);
        self.give_back(ws);
        out
    }

    fn spare_connection(&self) -> Result<Workspace> {
        let spare = locked(&self.inner.spare).pop();
        match spare {
            Some(ws) => Ok(ws),
            None => {
                let mut ws = Workspace::open(&self.inner.data_dir, self.inner.actor.clone())?;
                ws.share_gate(&self.inner.gate);
                Ok(ws)
            }
        }
    }

    fn give_back(&self, ws: Workspace) {
        let mut spare = locked(&self.inner.spare);
        if spare.len() < SPARE {
            spare.push(ws);
        }
    }

    /// Runs a long read on a connection of its own, off the async runtime, so saves
    /// never wait for it.
    pub async fn reading<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Workspace) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.apart(move |ws| f(ws)).await
    }

    /// Runs long work on a connection of its own (from a small pool), off the async
    /// runtime: the workspace the short use cases share is never held by it. Work that
    /// writes commits in short transactions of its own (see `import`).
    pub(crate) async fn apart<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let core = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut ws = core.spare_connection()?;
            let out = f(&mut ws);
            core.announce(&ws);
            core.give_back(ws);
            out
        })
        .await
        .map_err(|e| Error::Internal(format!("the work stopped: {e}")))?
    }

    pub fn host(&self) -> &dyn Host {
        self.inner.host.as_ref()
    }

    pub fn actor(&self) -> &Actor {
        &self.inner.actor
    }

    pub(crate) fn group_commit(&self) -> &crate::drafting::GroupCommit {
        &self.inner.group
    }

    pub fn jobs(&self) -> &Jobs {
        &self.inner.jobs
    }

    pub(crate) fn llm(&self) -> &LlmClient {
        &self.inner.llm
    }

    pub(crate) fn drafting(&self) -> MutexGuard<'_, HashMap<String, Cancel>> {
        locked(&self.inner.drafting)
    }
}
