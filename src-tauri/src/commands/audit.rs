use draftloop_core::audit::{AuditCheck, AuditFilter, AuditPage};
use tauri::State;

use super::expand_home;
use crate::state::{read_workspace, AppState, CommandResult};

/// A page of the audit trail, newest first.
#[tauri::command]
pub async fn audit_trail(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> CommandResult<AuditPage> {
    read_workspace(&state, |ws| ws.audit_trail(&filter))
}

/// Walks every device's chain and names the first bad entry.
#[tauri::command]
pub async fn check_audit_log(state: State<'_, AppState>) -> CommandResult<AuditCheck> {
    read_workspace(&state, |ws| ws.check_audit_log())
}

/// Every entry as JSON lines in `path`; how many.
#[tauri::command]
pub async fn export_audit_log(state: State<'_, AppState>, path: String) -> CommandResult<u32> {
    read_workspace(&state, |ws| {
        ws.export_audit_log(&expand_home(&path)).map(|n| n as u32)
    })
}
