// The backend as the UI sees it. Components talk only to this interface; `tauri.ts`
// implements it over IPC to the Rust core, which holds every rule.
import type { AuditCheck, AuditFilter, AuditPage, BatchProgress, DraftRef, Figure, BatchSummary, Changed, Confidence, PromptApproval, Profile, PublishFormat, PublishSummary, RoutingVersion, ThresholdSuggestion, QueueFilter, QueueItem, ReliabilityBin, ReviewDecision, Reviewed, RoutingPolicy, DiffSpan, Document, DocumentChanges, DocumentFeedback, DocumentList, DocumentSummary, DocumentText, EmailFields, ErrorKind, ErrorPayload, ExportOptions, ExportPreview, ExportProgress, ExportSummary, ExportTarget, Feedback, FeedbackEvent, GenerateRequest, Generation, ImportProgress, ImportSummary, Insights, LocalServer, Metrics, MetricsScope, NewProject, NewProvider, Notice, PhraseProgress, PhraseRequest, Phrased, Project, PromptVersion, Provider, ProviderCheck, ReviseRequest, Revision, RubricDimension, SearchHit, SuggestionDecision, Token, VariantSet, WorkspaceInfo } from "../bindings";

export interface DraftloopApi {
  workspaceInfo(): Promise<WorkspaceInfo>;
  /** A page of the audit trail, newest first. */
  auditTrail(filter: AuditFilter): Promise<AuditPage>;
  checkAuditLog(): Promise<AuditCheck>;
  /** Every entry as JSON lines; how many. */
  exportAuditLog(path: string): Promise<number>;
  /** The dashboard's figures for a project (or all) over a period. */
  metrics(scope: MetricsScope): Promise<Metrics>;
  /** The drafts behind one figure, newest first. */
  metricsDrafts(scope: MetricsScope, figure: Figure): Promise<DraftRef[]>;
  exportMetricsCsv(scope: MetricsScope, path: string): Promise<void>;
  /** A chart as PNG bytes; nothing but a PNG is written. */
  saveChartPng(path: string, png: number[]): Promise<void>;
  /** Everyone the workspace knows, by name. */
  listPeople(): Promise<Profile[]>;
  listProjects(): Promise<Project[]>;
  createProject(project: NewProject): Promise<Project>;
  renameProject(id: string, name: string): Promise<Project>;
  deleteProject(id: string): Promise<void>;
  listDocuments(projectId?: string): Promise<DocumentSummary[]>;
  /** The latest `perProject` documents of each project, and how many each holds. */
  documentList(perProject: number): Promise<DocumentList>;
  /** A page of a project's documents, newest first. */
  projectDocuments(projectId: string, offset: number, limit: number): Promise<DocumentSummary[]>;
  getDocument(id: string): Promise<Document>;
  /** The documents among `ids` still shown (a deleted one is left out). */
  documentSummaries(ids: string[]): Promise<DocumentSummary[]>;
  /** Documents whose title or text hold every word typed, best first. */
  searchDocuments(query: string): Promise<SearchHit[]>;
  createDocument(projectId: string, title: string): Promise<Document>;
  renameDocument(id: string, title: string): Promise<Document>;
  /** Resolves once the text is durable on disk. */
  saveDocumentText(id: string, text: DocumentText): Promise<Document>;
  deleteDocument(id: string): Promise<void>;
  setDocumentBrief(id: string, brief: Record<string, string>): Promise<Document>;
  /** An email's subject line and preheader; an approved document returns to draft. */
  setEmailFields(id: string, fields: EmailFields): Promise<Document>;

  listProviders(): Promise<Provider[]>;
  /** The key goes to the OS keychain only. */
  addProvider(provider: NewProvider, apiKey: string | null): Promise<Provider>;
  /** A key given replaces the one in the keychain; `removeKey` takes it out; neither keeps it. */
  changeProvider(name: string, provider: NewProvider, apiKey: string | null, removeKey: boolean): Promise<Provider>;
  removeProvider(name: string): Promise<void>;
  testProvider(name: string): Promise<ProviderCheck>;
  detectLocalProviders(): Promise<LocalServer[]>;

  listPromptVersions(projectId: string): Promise<PromptVersion[]>;
  savePrompt(projectId: string, systemPrompt: string, userTemplate: string): Promise<PromptVersion>;
  restorePromptVersion(id: string): Promise<PromptVersion>;
  /** One author's block of the prompt, as given (empty removes it): a new version. */
  saveAuthorBlock(projectId: string, author: string, block: string): Promise<PromptVersion>;

  /** Streams tokens to `onToken` while variants generate; resolves with the recorded generations. */
  generate(request: GenerateRequest, onToken: (token: Token) => void): Promise<Generation[]>;
  cancelVariant(requestId: string, variant: number): Promise<void>;
  /** The model's revision of the current text, recorded but not applied. */
  revise(request: ReviseRequest, onToken: (token: Token) => void): Promise<Generation>;
  diffTexts(oldText: string, newText: string): Promise<DiffSpan[]>;
  applyGeneration(documentId: string, generationId: string, text: DocumentText): Promise<Document>;
  listRevisions(documentId: string): Promise<Revision[]>;
  documentRequests(documentId: string): Promise<VariantSet[]>;
  setDisplayName(name: string): Promise<WorkspaceInfo>;
  restoreRevision(documentId: string, revisionId: string): Promise<Document>;

  /** Insights from everyone's drafts, or from one author's (`author`, a handle). */
  projectInsights(projectId: string, author: string | null): Promise<Insights>;
  /** Saves the edited prompt as a new version made from the suggestion. */
  acceptSuggestion(projectId: string, decision: SuggestionDecision, systemPrompt: string, userTemplate: string): Promise<PromptVersion>;
  rejectSuggestion(projectId: string, decision: SuggestionDecision): Promise<void>;
  /** Groups the edits no suggestion explains and has the model phrase rules for the
   * strongest groups, streaming progress; the rules are kept as open suggestions. */
  /** The other projects of the project's content type that have a prompt. */
  projectsLike(projectId: string): Promise<Project[]>;
  phraseWithModel(request: PhraseRequest, onProgress: (progress: PhraseProgress) => void): Promise<Phrased>;
  /** Durable once it resolves. `generationId` null: the document's current draft. */
  recordFeedback(documentId: string, generationId: string | null, feedback: Feedback): Promise<FeedbackEvent>;
  documentFeedback(documentId: string): Promise<DocumentFeedback>;
  documentChanges(documentId: string): Promise<DocumentChanges>;
  setFeedbackSchema(projectId: string, rubric: RubricDimension[], tags: string[]): Promise<Project>;
  /** Writes the document's Markdown to `path` (`~/` is the home folder). */
  exportDocument(documentId: string, path: string): Promise<void>;
  /** How many rows an export would write, and the first few as JSON lines. */
  exportPreview(options: ExportOptions): Promise<ExportPreview>;
  /** Every target's format from one read of the workspace; `onProgress` hears how far
   * it is. Cancel with `cancelJob`. */
  exportDataset(requestId: string, options: ExportOptions, targets: ExportTarget[], onProgress: (p: ExportProgress) => void): Promise<ExportSummary[]>;
  /** Stops an export or an import; nothing of it is kept. */
  cancelJob(requestId: string): Promise<void>;
  /** Imports JSONL history; all of the file or none of it. `onProgress` hears bytes read. */
  importHistory(requestId: string, path: string, onProgress: (p: ImportProgress) => void): Promise<ImportSummary>;
  routingPolicy(projectId: string): Promise<RoutingPolicy>;
  /** Saves the policy as the project's new, audited version. */
  setRoutingPolicy(projectId: string, policy: RoutingPolicy): Promise<RoutingPolicy>;
  reliabilityCurve(projectId: string): Promise<ReliabilityBin[]>;
  generationConfidence(generationId: string): Promise<Confidence | null>;
  reviewQueue(filter: QueueFilter): Promise<QueueItem[]>;
  /** Holds the item for this reviewer for a while; refused while someone else holds it. */
  openReviewItem(itemId: string): Promise<QueueItem>;
  releaseReviewItem(itemId: string): Promise<void>;
  /** Approve, reject (the project's fallback runs) or escalate. */
  reviewDocument(decision: ReviewDecision): Promise<Reviewed>;
  /** Tells (by a notice) of drafts newly past their deadline; how many. */
  tellOverdue(): Promise<number>;
  /** Drafts each row of a CSV of briefs; cancel with `cancelJob`. */
  runBatch(requestId: string, projectId: string, provider: string, path: string, concurrency: number, onProgress: (p: BatchProgress) => void): Promise<BatchSummary>;
  routingVersions(projectId: string): Promise<RoutingVersion[]>;
  /** The threshold the project's history suggests for `target` (its own, else 5%). */
  thresholdSuggestion(projectId: string, target: number | null): Promise<ThresholdSuggestion | null>;
  promptApproval(promptVersionId: string): Promise<PromptApproval | null>;
  /** Approves a prompt version for batches (reviewers). */
  approvePrompt(promptVersionId: string): Promise<PromptApproval>;
  /** Writes the project's approved copy into `folder`, marked published. */
  publishProject(projectId: string, format: PublishFormat, folder: string): Promise<PublishSummary>;
  /** Calls `show` with what the core tells the person when long work ends. */
  onNotice(show: (notice: Notice) => void): void;
  /** Calls `handle` with what each write changed, whoever made it; returns a way to
   * stop listening. Views refresh from this, not from guessing what a command touched. */
  onChanged(handle: (changed: Changed) => void): () => void;
  /** Runs `flush` before the window closes, so no acknowledged keystroke is lost. */
  onBeforeClose(flush: () => Promise<void>): void;
  /** Asks for a path with the system's chooser; null when the person cancels. Absent
   * where there is no chooser (a plain browser): the path is typed then. */
  choosePath?: (choice: PathChoice) => Promise<string | null>;
}

/** What a path chooser asks for. */
export type PathChoice =
  | { kind: "open-file"; title: string; filter: FileFilter }
  | { kind: "folder"; title: string }
  | { kind: "save-file"; title: string; suggested: string; filter: FileFilter };

/** Which files a chooser lists: a name for people and the extensions (without dots). */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/** An error from the backend: branch on `kind`, show `message`. */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  constructor(payload: ErrorPayload) {
    // The core writes messages to follow "error: " on a command line; a person reads
    // them as sentences.
    super(payload.message.charAt(0).toUpperCase() + payload.message.slice(1));
    this.kind = payload.kind;
  }
}

function isPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorPayload).kind === "string" &&
    typeof (value as ErrorPayload).message === "string"
  );
}

export function toApiError(value: unknown): ApiError {
  if (value instanceof ApiError) return value;
  if (isPayload(value)) return new ApiError(value);
  const message = value instanceof Error ? value.message : String(value);
  return new ApiError({ kind: "internal", message });
}
