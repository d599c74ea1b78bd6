//! The open workspace, shared by all commands. If it could not be opened (say, a
//! database from a newer Draftloop), every command answers with that error so the UI
//! can show it, rather than the app dying at start.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use draftloop_core::{Actor, Error, ErrorPayload, Workspace};

pub struct AppState {
    workspace: Result<Mutex<Workspace>, ErrorPayload>,
}

/// An error as a command returns it: `{kind, message}`.
pub type CommandResult<T> = Result<T, ErrorPayload>;

impl AppState {
    pub fn open(data_dir: PathBuf) -> Self {
        let workspace = Workspace::open(&data_dir, Actor::local_user())
            .map(Mutex::new)
            .map_err(|e| e.payload());
        AppState { workspace }
    }

    pub fn workspace(&self) -> CommandResult<MutexGuard<'_, Workspace>> {
        let lock = self.workspace.as_ref().map_err(Clone::clone)?;
        // A panic while holding the lock cannot leave SQLite half-written (each change
        // is one transaction), so a poisoned lock is safe to keep using.
        Ok(lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// Runs a core call against the workspace, mapping its error to the payload.
pub fn with_workspace<T>(
    state: &AppState,
    f: impl FnOnce(&mut Workspace) -> Result<T, Error>,
) -> CommandResult<T> {
    let mut ws = state.workspace()?;
    f(&mut ws).map_err(|e| e.payload())
}
