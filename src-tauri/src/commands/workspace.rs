use draftloop_core::WorkspaceInfo;
use tauri::State;

use crate::state::{read_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn workspace_info(state: State<'_, AppState>) -> CommandResult<WorkspaceInfo> {
    read_workspace(&state, |ws| ws.info())
}
