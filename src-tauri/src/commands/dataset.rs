use draftloop_core::export::{
    ExportOptions, ExportPreview, ExportProgress, ExportSummary, ExportTarget,
};
use draftloop_core::import::{ImportProgress, ImportSummary};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::{presented, AppState, CommandResult};

/// How many rows the options give, and the first few, for the dialog's preview.
#[tauri::command]
pub async fn export_preview(
    state: State<'_, AppState>,
    options: ExportOptions,
) -> CommandResult<ExportPreview> {
    let reading = state
        .core()?
        .reading(move |ws| ws.export_preview(&options, 3));
    presented(reading.await)
}

/// Writes every chosen format from one read of the workspace, as job `request_id`.
#[tauri::command]
pub async fn export_dataset(
    state: State<'_, AppState>,
    request_id: String,
    options: ExportOptions,
    targets: Vec<ExportTarget>,
    on_progress: Channel<ExportProgress>,
) -> CommandResult<Vec<ExportSummary>> {
    let outs = targets
        .iter()
        .map(|t| (t.format, super::expand_home(&t.out)))
        .collect();
    let progress = move |p| {
        let _ = on_progress.send(p);
    };
    let exporting = state.core()?.export(&request_id, options, outs, progress);
    presented(exporting.await)
}

/// Stops an export or an import.
#[tauri::command]
pub async fn cancel_job(state: State<'_, AppState>, request_id: String) -> CommandResult<()> {
    state.core()?.jobs().cancel(&request_id);
    Ok(())
}

#[tauri::command]
pub async fn import_history(
    state: State<'_, AppState>,
    request_id: String,
    path: String,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<ImportSummary> {
    let path = super::expand_home(&path);
    let progress = move |p| {
        let _ = on_progress.send(p);
    };
    let importing = state.core()?.import(&request_id, path, progress);
    presented(importing.await)
}
