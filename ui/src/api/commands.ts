// Generated from the #[tauri::command]s in src-tauri/src/commands by
// `UPDATE_CONTRACT=1 cargo test -p draftloop-desktop contract`; do not edit.
import type { AuditCheck, AuditFilter, AuditPage, BatchProgress, BatchSummary, Confidence, DiffSpan, Document, DocumentChanges, DocumentFeedback, DocumentList, DocumentSummary, DocumentText, DraftRef, EmailFields, ExportOptions, ExportPreview, ExportProgress, ExportSummary, ExportTarget, Feedback, FeedbackEvent, Figure, GenerateRequest, Generation, ImportProgress, ImportSummary, Insights, LocalServer, Metrics, MetricsScope, NewProject, NewProvider, PhraseProgress, PhraseRequest, Phrased, Profile, Project, PromptApproval, PromptVersion, Provider, ProviderCheck, PublishFormat, PublishSummary, QueueFilter, QueueItem, ReliabilityBin, ReviewDecision, Reviewed, ReviseRequest, Revision, RoutingPolicy, RoutingVersion, RubricDimension, SearchHit, SuggestionDecision, ThresholdSuggestion, Token, VariantSet, WorkspaceInfo } from "../bindings";

/** What a command streams to: a Tauri `Channel` of these messages. */
export interface ChannelOf<T> {
  onmessage: (message: T) => void;
}

/** Each command: the arguments it takes, by name, and what it resolves with. */
export interface Commands {
  audit_trail: { args: { filter: AuditFilter }; returns: AuditPage };
  check_audit_log: { args: Record<string, never>; returns: AuditCheck };
  export_audit_log: { args: { path: string }; returns: number };
  export_preview: { args: { options: ExportOptions }; returns: ExportPreview };
  export_dataset: { args: { requestId: string; options: ExportOptions; targets: Array<ExportTarget>; onProgress: ChannelOf<ExportProgress> }; returns: Array<ExportSummary> };
  cancel_job: { args: { requestId: string }; returns: void };
  import_history: { args: { requestId: string; path: string; onProgress: ChannelOf<ImportProgress> }; returns: ImportSummary };
  list_documents: { args: { projectId: string | null }; returns: Array<DocumentSummary> };
  document_list: { args: { perProject: number }; returns: DocumentList };
  project_documents: { args: { projectId: string; offset: number; limit: number }; returns: Array<DocumentSummary> };
  document_summaries: { args: { ids: Array<string> }; returns: Array<DocumentSummary> };
  search_documents: { args: { query: string }; returns: Array<SearchHit> };
  get_document: { args: { id: string }; returns: Document };
  create_document: { args: { projectId: string; title: string }; returns: Document };
  rename_document: { args: { id: string; title: string }; returns: Document };
  save_document_text: { args: { id: string; text: DocumentText }; returns: Document };
  set_email_fields: { args: { id: string; fields: EmailFields }; returns: Document };
  delete_document: { args: { id: string }; returns: void };
  record_feedback: { args: { documentId: string; generationId: string | null; feedback: Feedback }; returns: FeedbackEvent };
  document_feedback: { args: { documentId: string }; returns: DocumentFeedback };
  document_changes: { args: { documentId: string }; returns: DocumentChanges };
  set_feedback_schema: { args: { projectId: string; rubric: Array<RubricDimension>; tags: Array<string> }; returns: Project };
  export_document: { args: { documentId: string; path: string }; returns: void };
  set_document_brief: { args: { id: string; brief: Record<string, string> }; returns: Document };
  generate: { args: { request: GenerateRequest; onToken: ChannelOf<Token> }; returns: Array<Generation> };
  revise: { args: { request: ReviseRequest; onToken: ChannelOf<Token> }; returns: Generation };
  diff_texts: { args: { old: string; new: string }; returns: Array<DiffSpan> };
  cancel_variant: { args: { requestId: string; variant: number }; returns: void };
  apply_generation: { args: { documentId: string; generationId: string; text: DocumentText }; returns: Document };
  restore_revision: { args: { documentId: string; revisionId: string }; returns: Document };
  document_requests: { args: { documentId: string }; returns: Array<VariantSet> };
  list_revisions: { args: { documentId: string }; returns: Array<Revision> };
  project_insights: { args: { projectId: string; author: string | null }; returns: Insights };
  accept_suggestion: { args: { projectId: string; decision: SuggestionDecision; systemPrompt: string; userTemplate: string }; returns: PromptVersion };
  reject_suggestion: { args: { projectId: string; decision: SuggestionDecision }; returns: void };
  phrase_with_model: { args: { request: PhraseRequest; onProgress: ChannelOf<PhraseProgress> }; returns: Phrased };
  projects_like: { args: { projectId: string }; returns: Array<Project> };
  metrics: { args: { scope: MetricsScope }; returns: Metrics };
  metrics_drafts: { args: { scope: MetricsScope; figure: Figure }; returns: Array<DraftRef> };
  export_metrics_csv: { args: { scope: MetricsScope; path: string }; returns: void };
  save_chart_png: { args: { path: string; png: Array<number> }; returns: void };
  list_projects: { args: Record<string, never>; returns: Array<Project> };
  create_project: { args: { project: NewProject }; returns: Project };
  rename_project: { args: { id: string; name: string }; returns: Project };
  delete_project: { args: { id: string }; returns: void };
  list_prompt_versions: { args: { projectId: string }; returns: Array<PromptVersion> };
  save_prompt: { args: { projectId: string; systemPrompt: string; userTemplate: string }; returns: PromptVersion };
  restore_prompt_version: { args: { id: string }; returns: PromptVersion };
  save_author_block: { args: { projectId: string; author: string; block: string }; returns: PromptVersion };
  list_providers: { args: Record<string, never>; returns: Array<Provider> };
  add_provider: { args: { provider: NewProvider; apiKey: string | null }; returns: Provider };
  change_provider: { args: { name: string; provider: NewProvider; apiKey: string | null; removeKey: boolean }; returns: Provider };
  remove_provider: { args: { name: string }; returns: void };
  test_provider: { args: { name: string }; returns: ProviderCheck };
  detect_local_providers: { args: Record<string, never>; returns: Array<LocalServer> };
  routing_policy: { args: { projectId: string }; returns: RoutingPolicy };
  set_routing_policy: { args: { projectId: string; policy: RoutingPolicy }; returns: RoutingPolicy };
  reliability_curve: { args: { projectId: string }; returns: Array<ReliabilityBin> };
  generation_confidence: { args: { generationId: string }; returns: Confidence | null };
  review_queue: { args: { filter: QueueFilter }; returns: Array<QueueItem> };
  open_review_item: { args: { itemId: string }; returns: QueueItem };
  release_review_item: { args: { itemId: string }; returns: void };
  review_document: { args: { decision: ReviewDecision }; returns: Reviewed };
  tell_overdue: { args: Record<string, never>; returns: number };
  run_batch: { args: { requestId: string; projectId: string; provider: string; path: string; concurrency: number; onProgress: ChannelOf<BatchProgress> }; returns: BatchSummary };
  routing_versions: { args: { projectId: string }; returns: Array<RoutingVersion> };
  threshold_suggestion: { args: { projectId: string; target: number | null }; returns: ThresholdSuggestion | null };
  prompt_approval: { args: { promptVersionId: string }; returns: PromptApproval | null };
  approve_prompt: { args: { promptVersionId: string }; returns: PromptApproval };
  publish_project: { args: { projectId: string; format: PublishFormat; folder: string }; returns: PublishSummary };
  workspace_info: { args: Record<string, never>; returns: WorkspaceInfo };
  set_display_name: { args: { name: string }; returns: WorkspaceInfo };
  list_people: { args: Record<string, never>; returns: Array<Profile> };
}
