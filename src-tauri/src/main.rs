//! Draftloop's desktop shell. It opens the workspace and adapts the core to the UI;
//! all behaviour lives in `draftloop-core`.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
#[cfg(test)]
mod contract;
mod state;

// The handler list, generated from src/commands (see contract.rs).
include!("commands/handlers.rs");

use std::path::PathBuf;
use std::process::ExitCode;

// As in the CLI: exports and mining free on one thread what another allocated, where
// glibc's allocator contends for its arena locks. (WebKit keeps its own allocator.)
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_huge_pages();
    let data_dir = draftloop_core::data_dir::resolve(data_dir_arg(std::env::args().skip(1)));
    let result = tauri::Builder::default()
        // The system's file chooser, for import and export paths.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            use tauri::Manager;
            app.manage(state::AppState::opening());
            state::AppState::open(app.handle(), data_dir);
            Ok(())
        })
        .invoke_handler(handlers!())
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Draftloop could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Transparent huge pages off for the app (and the WebKit processes it starts, which
/// inherit the setting): mimalloc marks its arenas for them, so a first touch faulted in
/// 2 MiB at a time, about 15 MB an idle window held for nothing (docs/benchmarks.md,
/// start-up and idle memory). A desktop app's working set is small; it loses nothing.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(e) = nix::sys::prctl::set_thp_disable(true) {
        eprintln!("Draftloop could not turn transparent huge pages off ({e}); going on");
    }
}

/// `--data-dir DIR` or `--data-dir=DIR`, as the CLI takes it.
fn data_dir_arg(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}
