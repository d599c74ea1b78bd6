use draftloop_core::keychain::OsKeychain;
use draftloop_core::llm::local::{self, LocalServer};
use draftloop_core::provider::{NewProvider, Provider, ProviderCheck};
use draftloop_core::Secret;
use tauri::State;

use crate::state::{with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> CommandResult<Vec<Provider>> {
    with_workspace(&state, |ws| ws.providers())
}

/// The key goes straight to the OS keychain; it is not kept anywhere else.
#[tauri::command]
pub async fn add_provider(
    state: State<'_, AppState>,
    provider: NewProvider,
    api_key: Option<String>,
) -> CommandResult<Provider> {
    let key = api_key
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .map(Secret::new);
    with_workspace(&state, |ws| {
        ws.add_provider(&provider, key.as_ref(), &OsKeychain)
    })
}

#[tauri::command]
pub async fn remove_provider(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    with_workspace(&state, |ws| ws.remove_provider(&name, &OsKeychain))
}

#[tauri::command]
pub async fn test_provider(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ProviderCheck> {
    let (provider, endpoint) = with_workspace(&state, |ws| {
        let p = ws.provider_named(&name)?;
        let e = ws.endpoint(&p, &OsKeychain)?;
        Ok((p, e))
    })?;
    let client = state.llm.clone()?;
    let outcome = client.check(&endpoint, &provider.default_model).await;
    Ok(ProviderCheck::from_outcome(
        &provider.default_model,
        &outcome,
    ))
}

/// Local OpenAI-compatible servers answering on their usual ports.
#[tauri::command]
pub async fn detect_local_providers() -> CommandResult<Vec<LocalServer>> {
    Ok(local::detect(local::KNOWN).await)
}
