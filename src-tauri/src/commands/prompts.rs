use draftloop_core::prompt::PromptVersion;
use tauri::State;

use crate::state::{read_workspace, with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn list_prompt_versions(
    state: State<'_, AppState>,
    project_id: String,
) -> CommandResult<Vec<PromptVersion>> {
    read_workspace(&state, |ws| ws.prompt_versions(&project_id))
}

#[tauri::command]
pub async fn save_prompt(
    state: State<'_, AppState>,
    project_id: String,
    system_prompt: String,
    user_template: String,
) -> CommandResult<PromptVersion> {
    with_workspace(&state, |ws| {
        ws.save_prompt(&project_id, &system_prompt, &user_template)
    })
}

#[tauri::command]
pub async fn restore_prompt_version(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<PromptVersion> {
    with_workspace(&state, |ws| ws.restore_prompt_version(&id))
}

/// Saves one author's block of the prompt as given (empty removes it): a new version.
#[tauri::command]
pub async fn save_author_block(
    state: State<'_, AppState>,
    project_id: String,
    author: String,
    block: String,
) -> CommandResult<PromptVersion> {
    with_workspace(&state, |ws| {
        ws.save_author_block(&project_id, &author, &block)
    })
}
