//! The open workspace, shared by all commands. If it could not be opened (say, a
//! database from a newer Draftloop), every command answers with that error so the UI
//! can show it, rather than the app dying at start.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use draftloop_core::llm::{Limits, LlmClient};
use draftloop_core::{Actor, Error, ErrorPayload, Workspace};
use tokio_util::sync::CancellationToken;

pub struct AppState {
    workspace: Result<Mutex<Workspace>, ErrorPayload>,
    pub llm: Result<LlmClient, ErrorPayload>,
    /// Generations still streaming, by request id.
    pub running: Mutex<HashMap<String, Running>>,
    /// Exports under way, by request id: set to stop one.
    pub exports: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Where the workspace lives: long reads (exports) open their own connection, so
    /// saves never wait for them.
    pub data_dir: PathBuf,
}

/// How the variants of a running generation can be stopped.
pub enum Running {
    /// One request per variant (Anthropic): each has its own token.
    Separate(Vec<CancellationToken>),
    /// One request for all variants (OpenAI `n`): a cancelled variant is dropped, and
    /// the request stops once no variant is wanted.
    Shared {
        token: CancellationToken,
        cancelled: Vec<bool>,
    },
}

impl Running {
    pub fn cancel(&mut self, variant: usize) {
        match self {
            Running::Separate(tokens) => {
                if let Some(t) = tokens.get(variant) {
                    t.cancel();
                }
            }
            Running::Shared { token, cancelled } => {
                if let Some(c) = cancelled.get_mut(variant) {
                    *c = true;
                }
                if cancelled.iter().all(|c| *c) {
                    token.cancel();
                }
            }
        }
    }
}

/// An error as a command returns it: `{kind, message}`.
pub type CommandResult<T> = Result<T, ErrorPayload>;

impl AppState {
    pub fn open(data_dir: PathBuf) -> Self {
        let workspace = Workspace::open(&data_dir, Actor::local_user())
            .map(Mutex::new)
            .map_err(|e| e.payload());
        let llm = LlmClient::new(Limits::default()).map_err(|e| Error::from(e).payload());
        AppState {
            workspace,
            llm,
            running: Mutex::new(HashMap::new()),
            exports: Mutex::new(HashMap::new()),
            data_dir,
        }
    }

    pub fn workspace(&self) -> CommandResult<MutexGuard<'_, Workspace>> {
        let lock = self.workspace.as_ref().map_err(Clone::clone)?;
        // A panic while holding the lock cannot leave SQLite half-written (each change
        // is one transaction), so a poisoned lock is safe to keep using.
        Ok(lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// Locks a plain mutex, which no panic can leave inconsistent here.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs a core call against the workspace, mapping its error to the payload.
pub fn with_workspace<T>(
    state: &AppState,
    f: impl FnOnce(&mut Workspace) -> Result<T, Error>,
) -> CommandResult<T> {
    let mut ws = state.workspace()?;
    f(&mut ws).map_err(|e| e.payload())
}
