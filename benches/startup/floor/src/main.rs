//! The least a Tauri 2 app can be: one window showing one static page. Draftloop's
//! start-up and memory are measured against it (scripts/bench-startup).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match tauri::Builder::default().run(tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("startup-floor: {e}");
            ExitCode::FAILURE
        }
    }
}
