//! The review gate: routing policies, the queue, decisions and batch runs.

use draftloop_core::review::batch::{BatchProgress, BatchRequest, BatchSummary};
use draftloop_core::review::{
    Confidence, QueueFilter, QueueItem, ReliabilityBin, ReviewDecision, Reviewed, RoutingPolicy,
};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::{presented, read_workspace, with_workspace, AppState, CommandResult};

#[tauri::command]
pub async fn routing_policy(
    state: State<'_, AppState>,
    project_id: String,
) -> CommandResult<RoutingPolicy> {
    read_workspace(&state, |ws| ws.routing_policy(&project_id))
}

/// Saves the policy as the project's new version.
#[tauri::command]
pub async fn set_routing_policy(
    state: State<'_, AppState>,
    project_id: String,
    policy: RoutingPolicy,
) -> CommandResult<RoutingPolicy> {
    with_workspace(&state, |ws| ws.set_routing_policy(&project_id, &policy))
}

/// How well the project's scores have matched reviewers' decisions.
#[tauri::command]
pub async fn reliability_curve(
    state: State<'_, AppState>,
    project_id: String,
) -> CommandResult<Vec<ReliabilityBin>> {
    read_workspace(&state, |ws| ws.reliability_curve(&project_id))
}

#[tauri::command]
pub async fn generation_confidence(
    state: State<'_, AppState>,
    generation_id: String,
) -> CommandResult<Option<Confidence>> {
    read_workspace(&state, |ws| ws.generation_confidence(&generation_id))
}

#[tauri::command]
pub async fn review_queue(
    state: State<'_, AppState>,
    filter: QueueFilter,
) -> CommandResult<Vec<QueueItem>> {
    presented(state.core()?.review_queue(&filter))
}

/// Holds the item for this reviewer for a while.
#[tauri::command]
pub async fn open_review_item(
    state: State<'_, AppState>,
    item_id: String,
) -> CommandResult<QueueItem> {
    presented(state.core()?.open_review_item(&item_id))
}

#[tauri::command]
pub async fn release_review_item(state: State<'_, AppState>, item_id: String) -> CommandResult<()> {
    presented(state.core()?.release_review_item(&item_id))
}

/// Approve, reject (the fallback runs) or escalate.
#[tauri::command]
pub async fn review_document(
    state: State<'_, AppState>,
    decision: ReviewDecision,
) -> CommandResult<Reviewed> {
    presented(state.core()?.review(decision).await)
}

/// Tells the person of drafts newly past their deadline; how many.
#[tauri::command]
pub async fn tell_overdue(state: State<'_, AppState>) -> CommandResult<usize> {
    presented(state.core()?.tell_overdue())
}

/// Drafts every row of a CSV of briefs as job `request_id`, progress on the channel.
#[tauri::command]
pub async fn run_batch(
    state: State<'_, AppState>,
    request_id: String,
    project_id: String,
    provider: String,
    path: String,
    concurrency: usize,
    on_progress: Channel<BatchProgress>,
) -> CommandResult<BatchSummary> {
    let core = state.core()?;
    let rows = presented(core.batch_rows(&project_id, &super::expand_home(&path)))?;
    let request = BatchRequest {
        project_id,
        provider,
        rows,
        concurrency,
    };
    let progress = move |p| {
        let _ = on_progress.send(p);
    };
    presented(core.batch(&request_id, request, progress).await)
}
