use draftloop_core::document::{DocumentList, DocumentText, EmailFields};
use draftloop_core::search::{SearchHit, MAX_HITS};
use draftloop_core::{Document, DocumentSummary};
use tauri::State;

use crate::state::{read_workspace, with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn list_documents(
    state: State<'_, AppState>,
    project_id: Option<String>,
) -> CommandResult<Vec<DocumentSummary>> {
    read_workspace(&state, |ws| ws.documents(project_id.as_deref()))
}

/// The sidebar's first read: a page of each project's documents, and their numbers.
#[tauri::command]
pub async fn document_list(
    state: State<'_, AppState>,
    per_project: u32,
) -> CommandResult<DocumentList> {
    read_workspace(&state, |ws| ws.document_list(per_project))
}

/// The next page of a project's documents, newest first.
#[tauri::command]
pub async fn project_documents(
    state: State<'_, AppState>,
    project_id: String,
    offset: u32,
    limit: u32,
) -> CommandResult<Vec<DocumentSummary>> {
    read_workspace(&state, |ws| {
        ws.project_documents(&project_id, offset, limit)
    })
}

/// The documents among `ids` still shown, as the list shows them.
#[tauri::command]
pub async fn document_summaries(
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> CommandResult<Vec<DocumentSummary>> {
    read_workspace(&state, |ws| ws.document_summaries(&ids))
}

/// Documents whose title or text hold every word typed, best first.
#[tauri::command]
pub async fn search_documents(
    state: State<'_, AppState>,
    query: String,
) -> CommandResult<Vec<SearchHit>> {
    read_workspace(&state, |ws| ws.search_documents(&query, MAX_HITS))
}

#[tauri::command]
pub async fn get_document(state: State<'_, AppState>, id: String) -> CommandResult<Document> {
    read_workspace(&state, |ws| ws.document(&id))
}

#[tauri::command]
pub async fn create_document(
    state: State<'_, AppState>,
    project_id: String,
    title: String,
) -> CommandResult<Document> {
    with_workspace(&state, |ws| ws.create_document(&project_id, &title))
}

#[tauri::command]
pub async fn rename_document(
    state: State<'_, AppState>,
    id: String,
    title: String,
) -> CommandResult<Document> {
    with_workspace(&state, |ws| ws.rename_document(&id, &title))
}

/// Returns once the text is durable on disk; the UI shows "Saved" only then.
#[tauri::command]
pub async fn save_document_text(
    state: State<'_, AppState>,
    id: String,
    text: DocumentText,
) -> CommandResult<Document> {
    with_workspace(&state, |ws| ws.save_document_text(&id, &text))
}

/// An email's subject line and preheader.
#[tauri::command]
pub async fn set_email_fields(
    state: State<'_, AppState>,
    id: String,
    fields: EmailFields,
) -> CommandResult<Document> {
    with_workspace(&state, |ws| ws.set_email_fields(&id, &fields))
}

#[tauri::command]
pub async fn delete_document(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    with_workspace(&state, |ws| ws.delete_document(&id))
}
