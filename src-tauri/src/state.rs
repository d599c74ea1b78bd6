//! The open core, shared by all commands. If the workspace could not be opened (say, a
//! database from a newer Draftloop), every command answers with that error so the UI
//! can show it, rather than the app dying at start.

use std::path::Path;
use std::sync::Arc;

use draftloop_core::host::{Host, Notice};
use draftloop_core::keychain::{Keychain, OsKeychain};
use draftloop_core::{Actor, Changed, Core, Error, ErrorPayload, Workspace};
use tauri::{AppHandle, Emitter};

pub struct AppState {
    core: Result<Core, ErrorPayload>,
}

/// An error as a command returns it: `{kind, message}`.
pub type CommandResult<T> = Result<T, ErrorPayload>;

/// The desktop as the core sees it: the OS keychain, the system clock, notices as a
/// `notice` event the window shows (alerts also as the OS's notifications), and what
/// each write changed as a `changed` event the window refreshes from.
struct DesktopHost(AppHandle);

impl Host for DesktopHost {
    fn keychain(&self) -> &dyn Keychain {
        &OsKeychain
    }

    fn notify(&self, notice: Notice) {
        // A window that is gone has no one to tell.
        let _ = self.0.emit("notice", notice);
    }

    fn alert(&self, notice: Notice) {
        // The OS's notification service answers over D-Bus, which may be slow or
        // missing: its own thread, so nothing waits for it, and a desktop without
        // one still has the toast.
        let (title, body) = (notice.title.clone(), notice.body.clone());
        let _ = std::thread::Builder::new()
            .name("notification".into())
            .spawn(move || {
                let _ = notify_rust::Notification::new()
                    .appname("Draftloop")
                    .summary(&title)
                    .body(&body)
                    .show();
            });
        self.notify(notice);
    }

    fn changed(&self, changed: &Changed) {
        let _ = self.0.emit("changed", changed);
    }
}

impl AppState {
    pub fn open(data_dir: &Path, app: AppHandle) -> Self {
        let host = Arc::new(DesktopHost(app));
        AppState {
            core: Core::open(data_dir, Actor::local_user(), host).map_err(|e| e.payload()),
        }
    }

    /// The core, or the reason it could not be opened.
    pub fn core(&self) -> CommandResult<&Core> {
        self.core.as_ref().map_err(Clone::clone)
    }
}

/// A core call's outcome as the UI receives it.
pub fn presented<T>(result: Result<T, Error>) -> CommandResult<T> {
    result.map_err(|e| e.payload())
}

/// Runs a read on a read connection of its own: it never waits for a save.
pub fn read_workspace<T>(
    state: &AppState,
    f: impl FnOnce(&Workspace) -> Result<T, Error>,
) -> CommandResult<T> {
    presented(state.core()?.read(f))
}

/// Runs a short use case on the workspace.
pub fn with_workspace<T>(
    state: &AppState,
    f: impl FnOnce(&mut Workspace) -> Result<T, Error>,
) -> CommandResult<T> {
    presented(state.core()?.with(f))
}
