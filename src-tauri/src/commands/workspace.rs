use draftloop_core::profile::Profile;
use draftloop_core::WorkspaceInfo;
use tauri::State;

use crate::state::{read_workspace, with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn workspace_info(state: State<'_, AppState>) -> CommandResult<WorkspaceInfo> {
    read_workspace(&state, |ws| ws.info())
}

/// Sets the name the app shows for the person working; returns the workspace as it is now.
#[tauri::command]
pub async fn set_display_name(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<WorkspaceInfo> {
    with_workspace(&state, |ws| {
        ws.set_display_name(&name)?;
        ws.info()
    })
}

/// Everyone the workspace knows (authors, reviewers, imported people), by name.
#[tauri::command]
pub async fn list_people(state: State<'_, AppState>) -> CommandResult<Vec<Profile>> {
    read_workspace(&state, |ws| ws.profiles())
}
