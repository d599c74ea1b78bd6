use draftloop_core::provider::{KeyChange, LocalServer, NewProvider, Provider, ProviderCheck};
use draftloop_core::Secret;
use tauri::State;

use crate::state::{presented, read_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> CommandResult<Vec<Provider>> {
    read_workspace(&state, |ws| ws.providers())
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
    presented(state.core()?.add_provider(&provider, key.as_ref()))
}

/// Changes a provider's kind, address or model; a key given replaces the one in the
/// keychain, `remove_key` takes it out, neither keeps it.
#[tauri::command]
pub async fn change_provider(
    state: State<'_, AppState>,
    name: String,
    provider: NewProvider,
    api_key: Option<String>,
    remove_key: bool,
) -> CommandResult<Provider> {
    let key = match api_key
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
    {
        Some(k) => KeyChange::Set(Secret::new(k)),
        None if remove_key => KeyChange::Remove,
        None => KeyChange::Keep,
    };
    presented(state.core()?.change_provider(&name, &provider, &key))
}

#[tauri::command]
pub async fn remove_provider(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    presented(state.core()?.remove_provider(&name))
}

#[tauri::command]
pub async fn test_provider(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ProviderCheck> {
    presented(state.core()?.test_provider(&name).await)
}

/// Local OpenAI-compatible servers answering on their usual ports.
#[tauri::command]
pub async fn detect_local_providers(state: State<'_, AppState>) -> CommandResult<Vec<LocalServer>> {
    Ok(state.core()?.local_providers().await)
}
