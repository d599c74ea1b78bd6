use draftloop_core::insights::{Insights, SuggestionDecision};
use draftloop_core::prompt::PromptVersion;
use tauri::State;

use crate::state::{read_workspace, with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn project_insights(
    state: State<'_, AppState>,
    project_id: String,
) -> CommandResult<Insights> {
    read_workspace(&state, |ws| ws.insights(&project_id))
}

/// Saves the prompt the person edited as a new version made from the suggestion.
#[tauri::command]
pub async fn accept_suggestion(
    state: State<'_, AppState>,
    project_id: String,
    decision: SuggestionDecision,
    system_prompt: String,
    user_template: String,
) -> CommandResult<PromptVersion> {
    with_workspace(&state, |ws| {
        ws.accept_suggestion(&project_id, &decision, &system_prompt, &user_template)
    })
}

#[tauri::command]
pub async fn reject_suggestion(
    state: State<'_, AppState>,
    project_id: String,
    decision: SuggestionDecision,
) -> CommandResult<()> {
    with_workspace(&state, |ws| ws.reject_suggestion(&project_id, &decision))
}
