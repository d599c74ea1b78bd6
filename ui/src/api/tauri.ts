// The only module that imports @tauri-apps/*.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { BatchProgress, Changed, ExportProgress, ImportProgress, Notice, PhraseProgress, Token } from "../bindings";
import { ApiError, toApiError, type DraftloopApi } from "./api";
import type { Commands } from "./commands";

/** Calls a command by its generated contract: names and argument types come from the
 * Rust commands, so a renamed argument fails the type check, not the app. */
async function call<K extends keyof Commands>(command: K, args: Commands[K]["args"]): Promise<Commands[K]["returns"]> {
  if (!isTauri()) {
    throw new ApiError({
      kind: "internal",
      message: "This page needs the Draftloop app around it: start the app with ./scripts/run.",
    });
  }
  try {
    const early = takeEarly(command, args) as Promise<Commands[K]["returns"]> | undefined;
    return await (early ?? invoke<Commands[K]["returns"]>(command, args));
  } catch (e) {
    throw toApiError(e);
  }
}

declare global {
  interface Window {
    /** Answers public/first-read.js asked for before this script loaded, by command and
     * arguments; each is taken once. */
    __draftloopEarly?: Record<string, Promise<unknown>>;
  }
}

/** The answer first-read.js already asked for with exactly these arguments, if any
 * (once: a later call asks again, for what is true then). */
function takeEarly(command: string, args: unknown): Promise<unknown> | undefined {
  const early = window.__draftloopEarly;
  if (!early) return undefined;
  const key = `${command} ${JSON.stringify(args)}`;
  const answer = early[key];
  delete early[key];
  return answer;
}

export function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export const tauriApi: DraftloopApi = {
  workspaceInfo: () => call("workspace_info", {}),
  auditTrail: (filter) => call("audit_trail", { filter }),
  checkAuditLog: () => call("check_audit_log", {}),
  exportAuditLog: (path) => call("export_audit_log", { path }),
  metrics: (scope) => call("metrics", { scope }),
  metricsDrafts: (scope, figure) => call("metrics_drafts", { scope, figure }),
  exportMetricsCsv: (scope, path) => call("export_metrics_csv", { scope, path }),
  saveChartPng: (path, png) => call("save_chart_png", { path, png }),
  listPeople: () => call("list_people", {}),
  listProjects: () => call("list_projects", {}),
  createProject: (project) => call("create_project", { project }),
  renameProject: (id, name) => call("rename_project", { id, name }),
  deleteProject: (id) => call("delete_project", { id }),
  listDocuments: (projectId) => call("list_documents", { projectId: projectId ?? null }),
  documentList: (perProject) => call("document_list", { perProject }),
  projectDocuments: (projectId, offset, limit) => call("project_documents", { projectId, offset, limit }),
  getDocument: (id) => call("get_document", { id }),
  documentSummaries: (ids) => call("document_summaries", { ids }),
  searchDocuments: (query) => call("search_documents", { query }),
  createDocument: (projectId, title) => call("create_document", { projectId, title }),
  renameDocument: (id, title) => call("rename_document", { id, title }),
  saveDocumentText: (id, text) => call("save_document_text", { id, text }),
  deleteDocument: (id) => call("delete_document", { id }),
  setDocumentBrief: (id, brief) => call("set_document_brief", { id, brief }),
  setEmailFields: (id, fields) => call("set_email_fields", { id, fields }),
  listProviders: () => call("list_providers", {}),
  addProvider: (provider, apiKey) => call("add_provider", { provider, apiKey }),
  changeProvider: (name, provider, apiKey, removeKey) => call("change_provider", { name, provider, apiKey, removeKey }),
  removeProvider: (name) => call("remove_provider", { name }),
  testProvider: (name) => call("test_provider", { name }),
  detectLocalProviders: () => call("detect_local_providers", {}),
  listPromptVersions: (projectId) => call("list_prompt_versions", { projectId }),
  savePrompt: (projectId, systemPrompt, userTemplate) => call("save_prompt", { projectId, systemPrompt, userTemplate }),
  restorePromptVersion: (id) => call("restore_prompt_version", { id }),
  saveAuthorBlock: (projectId, author, block) => call("save_author_block", { projectId, author, block }),
  generate(request, onToken) {
    const channel = new Channel<Token>();
    channel.onmessage = onToken;
    return call("generate", { request, onToken: channel });
  },
  cancelVariant: (requestId, variant) => call("cancel_variant", { requestId, variant }),
  revise(request, onToken) {
    const channel = new Channel<Token>();
    channel.onmessage = onToken;
    return call("revise", { request, onToken: channel });
  },
  diffTexts: (oldText, newText) => call("diff_texts", { old: oldText, new: newText }),
  applyGeneration: (documentId, generationId, text) => call("apply_generation", { documentId, generationId, text }),
  listRevisions: (documentId) => call("list_revisions", { documentId }),
  documentRequests: (documentId) => call("document_requests", { documentId }),
  setDisplayName: (name) => call("set_display_name", { name }),
  restoreRevision: (documentId, revisionId) => call("restore_revision", { documentId, revisionId }),
  projectInsights: (projectId, author) => call("project_insights", { projectId, author }),
  acceptSuggestion: (projectId, decision, systemPrompt, userTemplate) =>
    call("accept_suggestion", { projectId, decision, systemPrompt, userTemplate }),
  rejectSuggestion: (projectId, decision) => call("reject_suggestion", { projectId, decision }),
  projectsLike: (projectId) => call("projects_like", { projectId }),
  phraseWithModel(request, onProgress) {
    const channel = new Channel<PhraseProgress>();
    channel.onmessage = onProgress;
    return call("phrase_with_model", { request, onProgress: channel });
  },
  recordFeedback: (documentId, generationId, feedback) => call("record_feedback", { documentId, generationId, feedback }),
  documentFeedback: (documentId) => call("document_feedback", { documentId }),
  documentChanges: (documentId) => call("document_changes", { documentId }),
  setFeedbackSchema: (projectId, rubric, tags) => call("set_feedback_schema", { projectId, rubric, tags }),
  exportDocument: (documentId, path) => call("export_document", { documentId, path }),
  exportPreview: (options) => call("export_preview", { options }),
  exportDataset(requestId, options, targets, onProgress) {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return call("export_dataset", { requestId, options, targets, onProgress: channel });
  },
  cancelJob: (requestId) => call("cancel_job", { requestId }),
  importHistory(requestId, path, onProgress) {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    return call("import_history", { requestId, path, onProgress: channel });
  },
  routingPolicy: (projectId) => call("routing_policy", { projectId }),
  setRoutingPolicy: (projectId, policy) => call("set_routing_policy", { projectId, policy }),
  reliabilityCurve: (projectId) => call("reliability_curve", { projectId }),
  generationConfidence: (generationId) => call("generation_confidence", { generationId }),
  reviewQueue: (filter) => call("review_queue", { filter }),
  openReviewItem: (itemId) => call("open_review_item", { itemId }),
  releaseReviewItem: (itemId) => call("release_review_item", { itemId }),
  reviewDocument: (decision) => call("review_document", { decision }),
  tellOverdue: () => call("tell_overdue", {}),
  routingVersions: (projectId) => call("routing_versions", { projectId }),
  thresholdSuggestion: (projectId, target) => call("threshold_suggestion", { projectId, target }),
  promptApproval: (promptVersionId) => call("prompt_approval", { promptVersionId }),
  approvePrompt: (promptVersionId) => call("approve_prompt", { promptVersionId }),
  publishProject: (projectId, format, folder) => call("publish_project", { projectId, format, folder }),
  runBatch(requestId, projectId, provider, path, concurrency, onProgress) {
    const channel = new Channel<BatchProgress>();
    channel.onmessage = onProgress;
    return call("run_batch", { requestId, projectId, provider, path, concurrency, onProgress: channel });
  },
  onNotice(show) {
    if (!isTauri()) return;
    void listen<Notice>("notice", (event) => show(event.payload));
  },
  onChanged(handle) {
    if (!isTauri()) return () => undefined;
    const listening = listen<Changed>("changed", (event) => handle(event.payload));
    return () => void listening.then((stop) => stop());
  },
  onBeforeClose(flush) {
    if (!isTauri()) return;
    // Without preventDefault the window closes once the handler settles.
    void getCurrentWindow().onCloseRequested(async () => {
      await flush().catch(() => undefined);
    });
  },
  async choosePath(choice) {
    try {
      switch (choice.kind) {
        case "open-file":
          return await open({ title: choice.title, filters: [choice.filter] });
        case "folder":
          return await open({ title: choice.title, directory: true });
        case "save-file":
          return await save({ title: choice.title, defaultPath: choice.suggested, filters: [choice.filter] });
      }
    } catch (e) {
      throw toApiError(e);
    }
  },
};
