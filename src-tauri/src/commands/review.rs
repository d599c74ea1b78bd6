//! The review gate: routing policies, the queue, decisions and batch runs.

use draftloop_core::review::adaptive::ThresholdSuggestion;
use draftloop_core::review::approval::PromptApproval;
use draftloop_core::review::batch::{BatchProgress, BatchRequest, BatchSummary};
use draftloop_core::review::publish::{PublishFormat, PublishSummary};
use draftloop_core::review::{
    Confidence, QueueFilter, QueueItem, ReliabilityBin, ReviewDecision, Reviewed, RoutingPolicy,
    RoutingVersion,
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

/// Every version of the project's policy, oldest first (with why Draftloop moved one).
#[tauri::command]
pub async fn routing_versions(
    state: State<'_, AppState>,
    project_id: String,
) -> CommandResult<Vec<RoutingVersion>> {
    read_workspace(&state, |ws| ws.routing_versions(&project_id))
}

/// The threshold the project's history suggests for a target share of misses.
#[tauri::command]
pub async fn threshold_suggestion(
    state: State<'_, AppState>,
    project_id: String,
    target: Option<f64>,
) -> CommandResult<Option<ThresholdSuggestion>> {
    read_workspace(&state, |ws| ws.threshold_suggestion(&project_id, target))
}

#[tauri::command]
pub async fn prompt_approval(
    state: State<'_, AppState>,
    prompt_version_id: String,
) -> CommandResult<Option<PromptApproval>> {
    read_workspace(&state, |ws| ws.prompt_approval(&prompt_version_id))
}

/// Approves a prompt version for batches (reviewers).
#[tauri::command]
pub async fn approve_prompt(
    state: State<'_, AppState>,
    prompt_version_id: String,
) -> CommandResult<PromptApproval> {
    with_workspace(&state, |ws| ws.approve_prompt(&prompt_version_id))
}

/// Writes the project's approved copy into `folder` and marks it published.
#[tauri::command]
pub async fn publish_project(
    state: State<'_, AppState>,
    project_id: String,
    format: PublishFormat,
    folder: String,
) -> CommandResult<PublishSummary> {
    let folder = super::expand_home(&folder);
    with_workspace(&state, |ws| ws.publish(&project_id, format, &folder))
}
