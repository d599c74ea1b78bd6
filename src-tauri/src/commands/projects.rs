use draftloop_core::{NewProject, Project};
use tauri::State;

use crate::state::{read_workspace, with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn list_projects(state: State<'_, AppState>) -> CommandResult<Vec<Project>> {
    read_workspace(&state, |ws| ws.projects())
}

#[tauri::command]
pub async fn create_project(
    state: State<'_, AppState>,
    project: NewProject,
) -> CommandResult<Project> {
    with_workspace(&state, |ws| ws.create_project(&project))
}

#[tauri::command]
pub async fn rename_project(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> CommandResult<Project> {
    with_workspace(&state, |ws| ws.rename_project(&id, &name))
}

#[tauri::command]
pub async fn delete_project(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    with_workspace(&state, |ws| ws.delete_project(&id))
}
