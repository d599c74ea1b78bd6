use draftloop_core::feedback::changes::DocumentChanges;
use draftloop_core::feedback::{DocumentFeedback, Feedback, FeedbackEvent};
use draftloop_core::{Project, RubricDimension};
use tauri::State;

use crate::state::{read_workspace, with_workspace, AppState, CommandResult};

/// Durable once it resolves; the panel then shows it.
#[tauri::command]
pub async fn record_feedback(
    state: State<'_, AppState>,
    document_id: String,
    generation_id: Option<String>,
    feedback: Feedback,
) -> CommandResult<FeedbackEvent> {
    with_workspace(&state, |ws| {
        ws.record_feedback(&document_id, generation_id.as_deref(), &feedback)
    })
}

#[tauri::command]
pub async fn document_feedback(
    state: State<'_, AppState>,
    document_id: String,
) -> CommandResult<DocumentFeedback> {
    read_workspace(&state, |ws| ws.document_feedback(&document_id))
}

#[tauri::command]
pub async fn document_changes(
    state: State<'_, AppState>,
    document_id: String,
) -> CommandResult<DocumentChanges> {
    read_workspace(&state, |ws| ws.document_changes(&document_id))
}

#[tauri::command]
pub async fn set_feedback_schema(
    state: State<'_, AppState>,
    project_id: String,
    rubric: Vec<RubricDimension>,
    tags: Vec<String>,
) -> CommandResult<Project> {
    with_workspace(&state, |ws| {
        ws.set_feedback_schema(&project_id, &rubric, &tags)
    })
}

#[tauri::command]
pub async fn export_document(
    state: State<'_, AppState>,
    document_id: String,
    path: String,
) -> CommandResult<()> {
    let path = super::expand_home(&path);
    with_workspace(&state, |ws| ws.export_document(&document_id, &path))
}
