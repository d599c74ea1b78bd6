//! Draftloop's desktop shell. It opens the workspace and adapts the core to the UI;
//! all behaviour lives in `draftloop-core`.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;

// As in the CLI: exports and mining free on one thread what another allocated, where
// glibc's allocator contends for its arena locks. (WebKit keeps its own allocator.)
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let data_dir = draftloop_core::data_dir::resolve(data_dir_arg(std::env::args().skip(1)));
    let result = tauri::Builder::default()
        // The system's file chooser, for import and export paths.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            use tauri::Manager;
            app.manage(state::AppState::open(&data_dir, app.handle().clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace::workspace_info,
            commands::projects::list_projects,
            commands::projects::create_project,
            commands::projects::rename_project,
            commands::projects::delete_project,
            commands::documents::list_documents,
            commands::documents::get_document,
            commands::documents::create_document,
            commands::documents::rename_document,
            commands::documents::save_document_text,
            commands::documents::delete_document,
            commands::providers::list_providers,
            commands::providers::add_provider,
            commands::providers::remove_provider,
            commands::providers::test_provider,
            commands::providers::detect_local_providers,
            commands::prompts::list_prompt_versions,
            commands::prompts::save_prompt,
            commands::prompts::restore_prompt_version,
            commands::generation::set_document_brief,
            commands::generation::generate,
            commands::generation::cancel_variant,
            commands::generation::revise,
            commands::generation::diff_texts,
            commands::generation::apply_generation,
            commands::generation::list_revisions,
            commands::insights::project_insights,
            commands::insights::accept_suggestion,
            commands::insights::reject_suggestion,
            commands::feedback::record_feedback,
            commands::feedback::document_feedback,
            commands::feedback::document_changes,
            commands::feedback::set_feedback_schema,
            commands::feedback::export_document,
            commands::dataset::export_preview,
            commands::dataset::export_dataset,
            commands::dataset::cancel_job,
            commands::dataset::import_history,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Draftloop could not start: {e}");
            ExitCode::FAILURE
        }
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
