use draftloop_core::WorkspaceInfo;
use tauri::State;

use crate::state::{with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn workspace_info(state: State<'_, AppState>) -> CommandResult<WorkspaceInfo> {
    with_workspace(&state, |ws| ws.info())
}
