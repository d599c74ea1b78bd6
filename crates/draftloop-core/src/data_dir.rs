//! Where a workspace lives: `--data-dir`, else `DRAFTLOOP_DATA_DIR`, else the OS
//! app-data dir. The desktop app and the CLI resolve it the same way, so both see the
//! same projects.

use std::path::PathBuf;

pub const ENV_VAR: &str = "DRAFTLOOP_DATA_DIR";

/// The app's identifier; also the folder name under the OS app-data dir, as Tauri names it.
pub const APP_IDENTIFIER: &str = "dev.draftloop.app";

pub fn resolve(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| {
            std::env::var_os(ENV_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(default_dir)
}

fn default_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
}
