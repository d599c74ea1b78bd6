use std::collections::BTreeMap;
use std::sync::Arc;

use draftloop_core::diff::{word_diff, DiffSpan};
use draftloop_core::document::DocumentText;
use draftloop_core::generation::{GenerateRequest, Generation, GenerationContext, ReviseRequest};
use draftloop_core::keychain::OsKeychain;
use draftloop_core::llm::{
    Completion, CompletionRequest, LlmError, ProviderKind, Token, TokenSink,
};
use draftloop_core::prompt::revision_messages;
use draftloop_core::revision::Revision;
use draftloop_core::{Document, Error};
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;

use crate::state::{lock, with_workspace, AppState, CommandResult, Running};

/// Tokens go to the UI's channel; a closed window just drops them, and the generation
/// is still recorded.
fn channel_sink(on_token: Channel<Token>) -> TokenSink {
    Arc::new(move |token: Token| {
        let _ = on_token.send(token);
    })
}

/// Records the outcome, failed or not, then surfaces a failure to the UI.
fn record(
    state: &AppState,
    ctx: &GenerationContext<'_>,
    outcome: Result<Completion, LlmError>,
) -> CommandResult<Vec<Generation>> {
    let recorded = with_workspace(state, |ws| ws.record_generation(ctx, &outcome))?;
    outcome.map_err(|e| Error::from(e).payload())?;
    Ok(recorded)
}

#[tauri::command]
pub async fn set_document_brief(
    state: State<'_, AppState>,
    id: String,
    brief: BTreeMap<String, String>,
) -> CommandResult<Document> {
    with_workspace(&state, |ws| ws.set_document_brief(&id, &brief))
}

/// Generates `n` variants for a document from its project's latest prompt filled with
/// the document's brief. Tokens stream over `on_token`; each variant can be cancelled.
#[tauri::command]
pub async fn generate(
    state: State<'_, AppState>,
    request: GenerateRequest,
    on_token: Channel<Token>,
) -> CommandResult<Vec<Generation>> {
    let (provider, endpoint, version, completion_request) = with_workspace(&state, |ws| {
        let document = ws.document(&request.document_id)?;
        let version = ws.latest_prompt(&document.project_id)?.ok_or_else(|| {
            Error::InvalidInput(
                "write the project's prompt first (Prompt, in the document header)".into(),
            )
        })?;
        let messages = version.messages(&document.brief)?;
        let provider = ws.provider_named(&request.provider)?;
        let endpoint = ws.endpoint(&provider, &OsKeychain)?;
        let model = request
            .model
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| provider.default_model.clone());
        let completion_request = CompletionRequest {
            n: request.n.clamp(1, 4),
            temperature: request.temperature,
            ..CompletionRequest::new(model, messages)
        };
        Ok((provider, endpoint, version, completion_request))
    })?;
    let client = state.llm.clone()?;
    let sink = channel_sink(on_token);
    let n = completion_request.n as usize;
    let outcome = if endpoint.kind == ProviderKind::Anthropic {
        let tokens: Vec<CancellationToken> = (0..n).map(|_| CancellationToken::new()).collect();
        lock(&state.running).insert(
            request.request_id.clone(),
            Running::Separate(tokens.clone()),
        );
        client
            .complete_separately(&endpoint, &completion_request, &tokens, sink)
            .await
    } else {
        let token = CancellationToken::new();
        let running = Running::Shared {
            token: token.clone(),
            cancelled: vec![false; n],
        };
        lock(&state.running).insert(request.request_id.clone(), running);
        client
            .complete(&endpoint, &completion_request, &token, sink)
            .await
    };
    lock(&state.running).remove(&request.request_id);
    let ctx = GenerationContext {
        document_id: Some(&request.document_id),
        provider: &provider.name,
        prompt_version_id: Some(&version.id),
        request: &completion_request,
    };
    record(&state, &ctx, outcome)
}

/// Revises the document's current text with the person's notes. The result comes back
/// as a generation for the person to accept or reject; nothing is overwritten here.
#[tauri::command]
pub async fn revise(
    state: State<'_, AppState>,
    request: ReviseRequest,
    on_token: Channel<Token>,
) -> CommandResult<Generation> {
    let (provider, endpoint, version_id, completion_request) = with_workspace(&state, |ws| {
        let document = ws.document(&request.document_id)?;
        let version = ws.latest_prompt(&document.project_id)?;
        let messages = revision_messages(
            version.as_ref(),
            &document.brief,
            &document.body_markdown,
            &request.notes,
        )?;
        let provider = ws.provider_named(&request.provider)?;
        let endpoint = ws.endpoint(&provider, &OsKeychain)?;
        let completion_request = CompletionRequest::new(provider.default_model.clone(), messages);
        Ok((
            provider,
            endpoint,
            version.map(|v| v.id),
            completion_request,
        ))
    })?;
    let client = state.llm.clone()?;
    let token = CancellationToken::new();
    lock(&state.running).insert(
        request.request_id.clone(),
        Running::Separate(vec![token.clone()]),
    );
    let sink = channel_sink(on_token);
    let outcome = client
        .complete(&endpoint, &completion_request, &token, sink)
        .await;
    lock(&state.running).remove(&request.request_id);
    let ctx = GenerationContext {
        document_id: Some(&request.document_id),
        provider: &provider.name,
        prompt_version_id: version_id.as_deref(),
        request: &completion_request,
    };
    let mut recorded = record(&state, &ctx, outcome)?;
    recorded
        .pop()
        .ok_or_else(|| Error::NotFound("the recorded revision".into()).payload())
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
    if let Some(running) = lock(&state.running).get_mut(&request_id) {
        running.cancel(variant);
    }
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
    with_workspace(&state, |ws| {
        ws.apply_generation(&document_id, &generation_id, &text)
    })
}

#[tauri::command]
pub async fn list_revisions(
    state: State<'_, AppState>,
    document_id: String,
) -> CommandResult<Vec<Revision>> {
    with_workspace(&state, |ws| ws.revisions(&document_id))
}
