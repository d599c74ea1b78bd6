//! The open core, shared by all commands. If the workspace could not be opened (say, a
//! database from a newer Draftloop), every command answers with that error so the UI
//! can show it, rather than the app dying at start.
//!
//! The workspace opens on a thread of its own while the window starts: upgrading a
//! large workspace made by an earlier version takes seconds, and the window says so
//! (index.html) rather than not appearing. A command asked before it is open waits.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use draftloop_core::host::{Host, Notice};
use draftloop_core::keychain::{Keychain, OsKeychain};
use draftloop_core::{Actor, Changed, Core, Error, ErrorPayload, Workspace};
use tauri::{AppHandle, Emitter};

pub struct AppState {
    core: OnceLock<CommandResult<Core>>,
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
    /// The state before the workspace is open: see [`AppState::open`].
    pub fn opening() -> Self {
        AppState {
            core: OnceLock::new(),
        }
    }

    /// Opens the workspace in `data_dir` on a thread of its own; the state is the one
    /// `app` manages.
    pub fn open(app: &AppHandle, data_dir: PathBuf) {
        use tauri::Manager;
        let opener = app.clone();
        let started = std::thread::Builder::new()
            .name("open-workspace".into())
            .spawn(move || {
                let host = Arc::new(DesktopHost(opener.clone()));
                let state = opener.state::<AppState>();
                fill(&state.core, || {
                    Core::open(&data_dir, Actor::local_user(), host)
                });
            });
        if let Err(e) = started {
            let failed = Error::Internal(format!("could not start opening the workspace: {e}"));
            fill(&app.state::<AppState>().core, || Err(failed));
        }
    }

    /// The core, or the reason it could not be opened; waits while it opens.
    pub fn core(&self) -> CommandResult<&Core> {
        opened(&self.core)
    }
}

/// What fills `slot`, once it is filled.
fn opened<T>(slot: &OnceLock<CommandResult<T>>) -> CommandResult<&T> {
    slot.wait().as_ref().map_err(Clone::clone)
}

/// Sets `slot` to what `open` makes, or to its error. A panic while opening is an error
/// too: the commands waiting for the slot would otherwise wait for ever.
fn fill<T>(slot: &OnceLock<CommandResult<T>>, open: impl FnOnce() -> Result<T, Error>) {
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(open))
        .unwrap_or_else(|_| {
            Err(Error::Internal(
                "opening the workspace failed unexpectedly".into(),
            ))
        })
        .map_err(|e| e.payload());
    let _ = slot.set(opened);
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

#[cfg(test)]
mod tests {
    use super::*;
    use draftloop_core::ErrorKind;

    /// A command asked while the workspace opens waits for it, then has it.
    #[test]
    fn a_command_asked_while_the_workspace_opens_waits_for_it() {
        let slot: OnceLock<CommandResult<String>> = OnceLock::new();
        let (asking, asked) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            let command = s.spawn(|| {
                asking.send(()).expect("send");
                opened(&slot).cloned()
            });
            asked.recv().expect("asked");
            // However long it is given, it has no answer before the workspace is open.
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!command.is_finished());
            fill(&slot, || Ok("the core".to_owned()));
            assert_eq!(
                command.join().expect("joined").ok().as_deref(),
                Some("the core")
            );
        });
    }

    /// A panic while opening reaches the commands as an error, not as a wait for ever.
    #[test]
    fn a_panic_while_opening_is_an_error_the_commands_answer_with() {
        let slot: OnceLock<CommandResult<String>> = OnceLock::new();
        fill(&slot, || -> Result<String, Error> {
            panic!("the disk went away")
        });
        let e = opened(&slot).expect_err("an error");
        assert!(matches!(e.kind, ErrorKind::Internal), "{e:?}");
        assert_eq!(e.message, "opening the workspace failed unexpectedly");
    }
}
