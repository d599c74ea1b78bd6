use std::collections::BTreeMap;
use std::sync::Arc;

use draftloop_core::diff::{word_diff, DiffSpan};
use draftloop_core::document::DocumentText;
use draftloop_core::drafting::{Token, TokenSink};
use draftloop_core::generation::{GenerateRequest, Generation, ReviseRequest, VariantSet};
use draftloop_core::revision::Revision;
use draftloop_core::Document;
use tauri::ipc::Channel;
use tauri::State;

use crate::state::{presented, read_workspace, with_workspace, AppState, CommandResult};

/// Tokens go to the UI's channel; a closed window just drops them, and the generation
/// is still recorded.
fn channel_sink(on_token: Channel<Token>) -> TokenSink {
    Arc::new(move |token: Token| {
        let _ = on_token.send(token);
    })
}

#[tauri::command]
pub async fn set_document_brief(
    state: State<'_, AppState>,
    id: String,
    brief: BTreeMap<String, String>,
) -> CommandResult<Document> {
    with_workspace(&state, |ws| ws.set_document_brief(&id, &brief))
}

/// Generates variants for a document, streaming tokens over `on_token`.
#[tauri::command]
pub async fn generate(
    state: State<'_, AppState>,
    request: GenerateRequest,
    on_token: Channel<Token>,
) -> CommandResult<Vec<Generation>> {
    let drafting = state
        .core()?
        .generate(request.into(), channel_sink(on_token));
    presented(drafting.await).map(|d| d.generations)
}

/// The model's revision of the document with the person's notes, recorded, not applied.
#[tauri::command]
pub async fn revise(
    state: State<'_, AppState>,
    request: ReviseRequest,
    on_token: Channel<Token>,
) -> CommandResult<Generation> {
    presented(state.core()?.revise(request, channel_sink(on_token)).await)
}

/// The word-level changes that turn `old` into `new`.
#[tauri::command]
pub async fn diff_texts(old: String, new: String) -> CommandResult<Vec<DiffSpan>> {
    Ok(word_diff(&old, &new))
}

#[tauri::command]
pub async fn cancel_variant(
    state: State<'_, AppState>,
    request_id: String,
    variant: usize,
) -> CommandResult<()> {
    state.core()?.cancel_variant(&request_id, variant);
    Ok(())
}

/// Puts a generation's text into the document, keeping the person's text as a revision.
#[tauri::command]
pub async fn apply_generation(
    state: State<'_, AppState>,
    document_id: String,
    generation_id: String,
    text: DocumentText,
) -> CommandResult<Document> {
    presented(state.core()?.apply(&document_id, &generation_id, &text))
}

/// Puts an earlier revision's text back as a new revision; nothing after it is lost.
#[tauri::command]
pub async fn restore_revision(
    state: State<'_, AppState>,
    document_id: String,
    revision_id: String,
) -> CommandResult<Document> {
    presented(state.core()?.restore(&document_id, &revision_id))
}

/// Every request made for the document, newest first, with its variants.
#[tauri::command]
pub async fn document_requests(
    state: State<'_, AppState>,
    document_id: String,
) -> CommandResult<Vec<VariantSet>> {
    read_workspace(&state, |ws| ws.document_requests(&document_id))
}

#[tauri::command]
pub async fn list_revisions(
    state: State<'_, AppState>,
    document_id: String,
) -> CommandResult<Vec<Revision>> {
    read_workspace(&state, |ws| ws.revisions(&document_id))
}
