use std::sync::Arc;

use draftloop_core::insights::phrase::{PhraseProgress, PhraseRequest, Phrased};
use draftloop_core::insights::{Insights, SuggestionDecision};
use draftloop_core::prompt::PromptVersion;
use draftloop_core::Project;
use tauri::ipc::Channel;
use tauri::State;

use crate::state::{presented, read_workspace, with_workspace, AppState, CommandResult};

/// Insights from everyone's drafts, or from one author's (`author`, a handle).
#[tauri::command]
pub async fn project_insights(
    state: State<'_, AppState>,
    project_id: String,
    author: Option<String>,
) -> CommandResult<Insights> {
    read_workspace(&state, |ws| ws.insights_for(&project_id, author.as_deref()))
}

/// Saves the prompt the person edited as a new version made from the suggestion; a
/// decision scoped to an author adds the instruction to that author's block.
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

/// Groups the edits no suggestion explains and has the model phrase the strongest as
/// rules, kept as open suggestions; progress and the rules' text stream over
/// `on_progress`. Group N's request is stopped with `cancel_variant("<request_id>:N", 0)`.
#[tauri::command]
pub async fn phrase_with_model(
    state: State<'_, AppState>,
    request: PhraseRequest,
    on_progress: Channel<PhraseProgress>,
) -> CommandResult<Phrased> {
    let sink = Arc::new(move |p: PhraseProgress| {
        // A closed window drops the progress; the rules are still kept.
        let _ = on_progress.send(p);
    });
    presented(state.core()?.phrase_with_model(request, sink).await)
}

/// The other projects of this project's content type that have a prompt: where a
/// suggestion accepted for the content type also goes.
#[tauri::command]
pub async fn projects_like(
    state: State<'_, AppState>,
    project_id: String,
) -> CommandResult<Vec<Project>> {
    read_workspace(&state, |ws| ws.projects_like(&project_id))
}
