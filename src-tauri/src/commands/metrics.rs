use draftloop_core::metrics::{
    save_chart_png as save_png, DraftRef, Figure, Metrics, MetricsScope,
};
use tauri::State;

use super::expand_home;
use crate::state::{presented, AppState, CommandResult};

/// The dashboard's figures for a project (or all) over a period.
#[tauri::command]
pub async fn metrics(state: State<'_, AppState>, scope: MetricsScope) -> CommandResult<Metrics> {
    presented(state.core()?.metrics(&scope))
}

/// The drafts behind one figure, newest first.
#[tauri::command]
pub async fn metrics_drafts(
    state: State<'_, AppState>,
    scope: MetricsScope,
    figure: Figure,
) -> CommandResult<Vec<DraftRef>> {
    presented(state.core()?.metrics_drafts(&scope, figure))
}

/// The same figures as a CSV file.
#[tauri::command]
pub async fn export_metrics_csv(
    state: State<'_, AppState>,
    scope: MetricsScope,
    path: String,
) -> CommandResult<()> {
    presented(
        state
            .core()?
            .export_metrics_csv(&scope, &expand_home(&path)),
    )
}

/// A chart the window drew, as a PNG file (nothing but a PNG is written).
#[tauri::command]
pub async fn save_chart_png(path: String, png: Vec<u8>) -> CommandResult<()> {
    presented(save_png(&expand_home(&path), &png))
}
