use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use draftloop_core::export::{
    ExportOptions, ExportPreview, ExportProgress, ExportSummary, ExportTarget,
};
use draftloop_core::import::{ImportProgress, ImportSummary};
use draftloop_core::{Actor, Error, Workspace};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::{lock, with_workspace, AppState, CommandResult};

/// A long read on a connection of its own, off the async runtime.
async fn reading<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Workspace) -> Result<T, Error> + Send + 'static,
) -> CommandResult<T> {
    let dir = state.data_dir.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let ws = Workspace::open(&dir, Actor::local_user())?;
        f(&ws)
    })
    .await
    .map_err(|e| Error::InvalidInput(format!("the export stopped: {e}")).payload())?
    .map_err(|e| e.payload())
}

/// How many rows the options give, and the first few, for the dialog's preview.
#[tauri::command]
pub async fn export_preview(
    state: State<'_, AppState>,
    options: ExportOptions,
) -> CommandResult<ExportPreview> {
    reading(&state, move |ws| ws.export_preview(&options, 3)).await
}

/// Writes every chosen format from one read of the workspace.
#[tauri::command]
pub async fn export_dataset(
    state: State<'_, AppState>,
    request_id: String,
    options: ExportOptions,
    targets: Vec<ExportTarget>,
    on_progress: Channel<ExportProgress>,
) -> CommandResult<Vec<ExportSummary>> {
    let stop = Arc::new(AtomicBool::new(false));
    lock(&state.exports).insert(request_id.clone(), stop.clone());
    let outs: Vec<_> = targets
        .iter()
        .map(|t| (t.format, super::expand_home(&t.out)))
        .collect();
    let result = reading(&state, move |ws| {
        ws.export_formats(&options, &outs, |p| {
            let _ = on_progress.send(p);
            !stop.load(Ordering::Relaxed)
        })
    })
    .await;
    lock(&state.exports).remove(&request_id);
    result
}

#[tauri::command]
pub async fn cancel_export(state: State<'_, AppState>, request_id: String) -> CommandResult<()> {
    if let Some(stop) = lock(&state.exports).get(&request_id) {
        stop.store(true, Ordering::Relaxed);
    }
    Ok(())
}

#[tauri::command]
pub async fn import_history(
    state: State<'_, AppState>,
    path: String,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<ImportSummary> {
    let path = super::expand_home(&path);
    let file = std::fs::File::open(&path).map_err(|e| {
        Error::InvalidInput(format!("cannot read {}: {e}", path.display())).payload()
    })?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    with_workspace(&state, |ws| {
        ws.import_jsonl_with_progress(
            std::io::BufReader::new(file),
            &path.display().to_string(),
            |done| {
                let _ = on_progress.send(ImportProgress { done, total });
            },
        )
    })
}
