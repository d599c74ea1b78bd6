// Generated from the Rust core by `UPDATE_BINDINGS=1 cargo test -p draftloop-core bindings`.
// Do not edit by hand.

export type ErrorKind = "invalid_input" | "not_found" | "conflict" | "database_too_new" | "not_a_workspace" | "database" | "io" | "internal" | "keychain" | "auth" | "model_not_found" | "rate_limited" | "unreachable" | "timeout" | "context_too_long" | "malformed_response" | "response_too_large" | "provider" | "cancelled";

export type ErrorPayload = { kind: ErrorKind, message: string, };

export type Project = { id: string, name: string, content_type: string, rubric: Array<RubricDimension>, tags: Array<string>, routing: RoutingPolicy, created_at: string, updated_at: string, };

export type NewProject = { name: string, content_type: string, };

export type RubricDimension = { name: string, description: string, min: number, max: number, };

export type RoutingPolicy = { 
/**
 * Drafts scoring below this confidence go to the review queue.
 */
threshold: number, 
/**
 * Drafts at or above the threshold that pass every check are approved without a
 * person; off, every draft waits for one.
 */
auto_approve: boolean, 
/**
 * Share of auto-approved drafts drawn into the audit queue.
 */
audit_sample_rate: number, 
/**
 * Hours a queued draft may wait before it is overdue; none, never.
 */
review_deadline_hours: number | null, fallback: Fallback | null, checks: Checks, 
/**
 * A new prompt version must be approved by a reviewer before batches use it.
 */
approve_prompts: boolean, 
/**
 * Move the threshold by itself, from what reviewers and auditors decided, to keep
 * the share of drafts let through that needed a person under this target.
 */
adaptive: Adaptive | null, 
/**
 * A second provider that rates each routed draft against the project's rubric.
 */
judge: Judge | null, 
/**
 * Ask several reviewers, each on their own, for a share of the queued drafts.
 */
multi_review: MultiReview | null, };

export type Checks = { 
/**
 * Phrases the copy must not contain (any case).
 */
banned: Array<string>, 
/**
 * Terms the copy must contain (any case).
 */
required: Array<string>, min_words: number | null, max_words: number | null, 
/**
 * Highest Flesch–Kincaid grade the copy may read at.
 */
max_reading_grade: number | null, };

export type Fallback = { "kind": "lower_temperature" } | { "kind": "provider", name: string, } | { "kind": "standard", text: string, };

export type RoutingVersion = { id: string, project_id: string, policy: RoutingPolicy, author: string, 
/**
 * Why Draftloop saved it, when it moved the threshold itself.
 */
reason: string | null, created_at: string, };

export type Signal = "token_probability" | "banned_phrase" | "required_term" | "word_count" | "reading_level" | "history" | "judge" | "calibration";

export type Reason = { signal: Signal, 
/**
 * False when it counted against the draft.
 */
passed: boolean, detail: string, };

export type Confidence = { 
/**
 * What routing compares with the threshold.
 */
score: number, 
/**
 * Before calibration.
 */
raw: number, 
/**
 * A banned phrase or a missing required term: a person must look, whatever the score.
 */
must_review: boolean, reasons: Array<Reason>, };

export type ReliabilityBin = { from: number, to: number, drafts: number, mean_score: number, approved_unchanged: number, };

export type Route = { "route": "auto_approved", audited: boolean, } | { "route": "queued", reasons: Array<string>, };

export type Routed = { generation: Generation, route: Route, };

export type ReviewKind = "review" | "audit";

export type QueueItem = { id: string, document_id: string, generation_id: string | null, title: string, project_id: string, project: string, confidence: number | null, reasons: Array<string>, tier: number, kind: ReviewKind, due_at: string | null, overdue: boolean, 
/**
 * The escalation's note, for the senior reviewer.
 */
note: string | null, 
/**
 * Who holds the lease now (display name), if anyone.
 */
held_by: string | null, held_until: string | null, time_spent_ms: number, created_at: string, 
/**
 * Reviews it asks for (1 but for drafts drawn for several reviews), and how many
 * are in.
 */
reviews_wanted: number, reviews_in: number, 
/**
 * Whether the person asking gave theirs.
 */
reviewed_by_me: boolean, };

export type QueueOrder = "lowest_confidence" | "most_uncertain";

export type QueueFilter = { project_id: string | null, tier: number | null, kind: ReviewKind | null, order: QueueOrder, };

export type ReviewDecision = { document_id: string, verdict: Verdict, 
/**
 * Why it was rejected (required), or the note for the senior reviewer (required
 * to escalate).
 */
reason: string | null, 
/**
 * The text as the reviewer left it (edit then approve).
 */
final_text: DocumentTextInput | null, };

export type DocumentTextInput = { body_json: string, body_markdown: string, };

export type Reviewed = { document: Document, fallback: Routed | null, fallback_error: string | null, };

export type Adaptive = { 
/**
 * Highest share (0–1) of drafts at or above the threshold that reviewers changed
 * or rejected.
 */
target_miss_rate: number, };

export type MultiReview = { 
/**
 * Reviewers per draft, 2 to 5.
 */
reviewers: number, 
/**
 * Share (0–1) of the queued drafts drawn for it.
 */
share: number, };

export type Judge = { provider: string, };

export type JudgeVerdict = { provider: string, 
/**
 * 1 (unusable) to 5 (ready to ship); none when it gave no score.
 */
score: number | null, 
/**
 * Why there is no score.
 */
note: string | null, };

export type ThresholdSuggestion = { threshold: number, 
/**
 * Of the decided drafts scored at or above it, the share changed or rejected.
 */
miss_rate: number, target_miss_rate: number, drafts_above: number, decided: number, reason: string, };

export type PromptApproval = { prompt_version_id: string, 
/**
 * The reviewer's display name.
 */
by: string, approved_at: string, };

export type PublishFormat = "markdown" | "csv";

export type PublishSummary = { documents: number, files: Array<string>, };

export type BatchSummary = { rows: number, generated: number, skipped: number, auto_approved: number, queued: number, failed: number, 
/**
 * Rows not reached because the run was cancelled.
 */
not_run: number, cancelled: boolean, failures: Array<BatchFailure>, };

export type BatchFailure = { row: number, title: string, message: string, };

export type BatchProgress = { done: number, total: number, auto_approved: number, queued: number, failed: number, skipped: number, 
/**
 * Rows being drafted at once now (lowered by rate limiting).
 */
concurrency: number, };

export type Document = { id: string, project_id: string, title: string, brief: { [key in string]?: string }, status: DocumentStatus, 
/**
 * ProseMirror JSON of the editor; empty for a document never typed in.
 */
body_json: string, body_markdown: string, created_at: string, updated_at: string, subject: string, preheader: string, };

export type DocumentSummary = { id: string, project_id: string, title: string, status: DocumentStatus, words: number, updated_at: string, };

export type DocumentList = { documents: Array<DocumentSummary>, counts: Array<ProjectCount>, };

export type ProjectCount = { project_id: string, documents: number, };

export type DocumentStatus = "draft" | "in_review" | "approved" | "rejected" | "published";

export type DocumentText = { body_json: string, body_markdown: string, };

export type EmailFields = { subject: string, preheader: string, };

export type SearchHit = { document_id: string, project_id: string, project: string, title: string, status: DocumentStatus, 
/**
 * The best passage of the text (or the title, when only it matched), in pieces;
 * the matched words are the pieces with `hit`.
 */
snippet: Array<SnippetPiece>, updated_at: string, };

export type Metrics = { drafts: number, reviewed: number, auto_approved: number, approved: number, rejected: number, escalated: number, 
/**
 * Share of drafts a person changed or rejected; none without drafts.
 */
intervention_rate: number | null, 
/**
 * approved / (approved + rejected); none before any.
 */
approval_rate: number | null, review_time_ms: ReviewTime, edit_distance_by_prompt_version: Array<VersionDistance>, routing: RoutingQuality, agreement: Agreement, queue: QueueNow, 
/**
 * How much of the work needed a person, week by week (weeks start on Monday, UTC).
 */
weekly: Array<WeekFigures>, 
/**
 * Tags in force on the drafts (whole draft or words), most used first.
 */
tags: Array<TagCount>, 
/**
 * Standing ratings, by dimension and value.
 */
ratings: Array<RatingCounts>, };

export type MetricsScope = { project_id: string | null, 
/**
 * A date (YYYY-MM-DD, the start of that day in UTC) or an RFC 3339 time.
 */
since: string | null, until: string | null, };

export type Figure = "drafts" | "auto_approved" | "reviewed" | "approved" | "rejected" | "escalated" | "intervened" | "missed" | "over_routed";

export type DraftRef = { generation_id: string, document_id: string, title: string, project: string, created_at: string, };

export type ReviewTime = { items: number, median: number | null, p90: number | null, by_reviewer: Array<ReviewerTime>, };

export type ReviewerTime = { reviewer: string, items: number, median: number | null, };

export type VersionDistance = { prompt_version: string, 
/**
 * As the app names it: "v2" (with the project when the scope has several).
 */
label: string, 
/**
 * Its drafts that went into a document.
 */
drafts: number, 
/**
 * Mean normalized word edit distance between each draft and the text people kept
 * (0 for a draft kept as it was).
 */
mean: number, 
/**
 * Of those drafts, the ones a person decided.
 */
reviewed: number, };

export type RoutingQuality = { 
/**
 * Auto-approved drafts a reviewer audited.
 */
audited: number, 
/**
 * Of those, the ones the reviewer changed or rejected.
 */
missed: number, 
/**
 * Routed drafts a reviewer decided, and of those the ones approved unchanged.
 */
routed: number, over_routed: number, 
/**
 * Of routed drafts, the share that needed a person.
 */
precision: number | null, 
/**
 * Of the drafts known to need a person (routed or audited), the share routed.
 */
recall: number | null, };

export type Agreement = { 
/**
 * Drafts decided by two people or more.
 */
items: number, raters: number, kappa: number | null, alpha: number | null, dimensions: Array<DimensionAgreement>, };

export type DimensionAgreement = { dimension: string, 
/**
 * Drafts rated on it by two people or more.
 */
items: number, alpha: number | null, };

export type QueueNow = { open: number, overdue: number, };

export type WeekFigures = { 
/**
 * The Monday the week starts on, YYYY-MM-DD.
 */
week: string, drafts: number, 
/**
 * Approved by the gate with no person since.
 */
auto_approved: number, 
/**
 * Decided by a person.
 */
reviewed: number, 
/**
 * Changed or rejected by a person.
 */
intervened: number, };

export type TagCount = { tag: string, drafts: number, };

export type RatingCounts = { dimension: string, 
/**
 * (value, drafts), lowest value first.
 */
counts: Array<[number, number]>, mean: number, };

export type SnippetPiece = { text: string, hit: boolean, };

export type AuditEntry = { 
/**
 * Where it stands in this workspace's file (merged entries get a local one).
 */
seq: number, id: string, at: string, actor: string, action: string, entity_kind: string, entity_id: string, detail: string, 
/**
 * The device that wrote it, and its place in that device's chain (from 1).
 */
device_id: string, device_seq: number, 
/**
 * The person's profile (empty for entries written before profiles).
 */
person_id: string, hash_format: number, prev_hash: string, hash: string, };

export type ChainBreak = { seq: number, id: string, device_id: string, device_seq: number, reason: string, };

export type AuditFilter = { 
/**
 * A person's handle (`local:alice`).
 */
actor: string | null, 
/**
 * An action or its start (`document.` for every change to documents).
 */
action: string | null, entity_id: string | null, 
/**
 * A date (YYYY-MM-DD, UTC) or an RFC 3339 time; `until` is excluded.
 */
since: string | null, until: string | null, before: number | null, limit: number, };

export type AuditRow = { entry: AuditEntry, 
/**
 * The person's display name, else the handle.
 */
who: string, };

export type AuditPage = { rows: Array<AuditRow>, 
/**
 * Entries matching the filter, all pages together.
 */
total: number, };

export type AuditCheck = { entries: number, first_bad: ChainBreak | null, };

export type ProfileRole = "admin" | "senior_reviewer" | "reviewer" | "author" | "viewer";

export type Profile = { id: string, 
/**
 * How events name the person, e.g. `local:alice`.
 */
handle: string, display_name: string, role: ProfileRole, created_at: string, };

export type WorkspaceInfo = { database_path: string, schema_version: number, actor: string, 
/**
 * The person acting, and this workspace's device.
 */
profile: Profile, device_id: string, app_version: string, 
/**
 * Content types offered when creating a project.
 */
content_types: Array<string>, 
/**
 * Where exports go unless the person says otherwise: a folder in their Documents,
 * made on the first export.
 */
export_folder: string, };

export type ProviderKind = "openai" | "anthropic" | "openai-compatible";

export type Role = "system" | "user" | "assistant";

export type ChatMessage = { role: Role, content: string, };

export type Token = { variant: number, text: string, };

export type Provider = { id: string, name: string, kind: ProviderKind, base_url: string, default_model: string, 
/**
 * Whether a key is filed in the OS keychain (the key itself never leaves it).
 */
has_key: boolean, created_at: string, };

export type NewProvider = { name: string, kind: ProviderKind, base_url: string, default_model: string, };

export type PromptVersion = { id: string, project_id: string, parent_id: string | null, system_prompt: string, user_template: string, 
/**
 * `hand` or `suggestion`.
 */
origin: string, author: string, created_at: string, 
/**
 * The `{{variables}}` its system prompt and template use.
 */
variables: Array<string>, 
/**
 * Instructions for one author's drafts, by author: added to the system prompt when
 * drafting a document of theirs.
 */
author_blocks: { [key in string]?: string }, };

export type Generation = { id: string, document_id: string | null, group_id: string, provider: string, model: string, prompt_version_id: string | null, output: string, incomplete: boolean, logprob_mean: number | null, logprob_min: number | null, latency_ms: number | null, prompt_tokens: number | null, completion_tokens: number | null, error: string | null, 
/**
 * The review gate's score, 0–1 (see `review::confidence`).
 */
confidence: number | null, created_at: string, };

export type VariantSet = { group_id: string, created_at: string, variants: Array<Generation>, };

export type Revision = { id: string, document_id: string, 
/**
 * `human` or `model`.
 */
author_kind: string, actor: string, generation_id: string | null, body_markdown: string, created_at: string, };

export type GenerateRequest = { 
/**
 * Chosen by the UI, so it can cancel variants while they stream.
 */
request_id: string, document_id: string, provider: string, model: string | null, n: number, temperature: number | null, };

export type ReviseRequest = { request_id: string, document_id: string, provider: string, notes: string, };

export type ProviderCheck = { works: boolean, 
/**
 * works, bad key, unknown model, unreachable, rate limited or failed.
 */
verdict: string, message: string, };

export type LocalServer = { name: string, base_url: string, models: Array<string>, };

export type Notice = { title: string, body: string, };

export type Changed = { 
/**
 * Projects made, renamed, deleted, or given a new rubric, tags or prompt.
 */
projects: Array<string>, 
/**
 * Documents made, renamed, deleted, or whose text, status or brief changed.
 */
documents: Array<string>, 
/**
 * Documents with new feedback, generations or revisions.
 */
activity: Array<string>, 
/**
 * Providers added or removed.
 */
providers: boolean, 
/**
 * More than can be listed (an import finished): read everything again.
 */
everything: boolean, };

export type JobKind = "export" | "import" | "batch";

export type JobInfo = { id: string, kind: JobKind, started_at: string, done: number, 
/**
 * 0 while unknown.
 */
total: number, cancelled: boolean, };

export type DiffKind = "equal" | "insert" | "delete";

export type DiffSpan = { kind: DiffKind, text: string, };

export type Kind = "replace_term" | "remove_phrase" | "add_phrase" | "shorten" | "lengthen" | "to_bullets" | "punctuation" | "emoji" | "casing" | "contractions" | "greeting" | "closing" | "spelling_variant" | "tagged" | "rated_low" | "phrased";

export type Example = { before: string, after: string, };

export type Suggestion = { kind: Kind, instruction: string, 
/**
 * Pairs that show the pattern.
 */
support: number, doc_type: string | null, 
/**
 * Share of the group's word edit distance the pattern explains.
 */
impact: number, examples: Array<Example>, details: Record<string, unknown>, };

export type MiningReport = { pairs: number, mean_edit_distance: number, mean_length_ratio: number, suggestions: Array<Suggestion>, };

export type Insight = { suggestion: Suggestion, 
/**
 * Identifies the pattern when the person accepts or rejects it.
 */
key: string, 
/**
 * The document each example comes from.
 */
example_documents: Array<string | null>, };

export type CurvePoint = { prompt_version_id: string, 
/**
 * 1 for the first version.
 */
version: number, origin: string, 
/**
 * Edited drafts made with this version.
 */
pairs: number, mean_edit_distance: number | null, 
/**
 * Share of this version's drafts approved; none until reviews exist.
 */
approval_rate: number | null, 
/**
 * Of this version's drafts the review gate routed, the share it sent to a person
 * (the rest it approved); none until the gate has routed one.
 */
needed_person: number | null, };

export type Insights = { 
/**
 * Whose drafts these are mined from: one author, or everyone's (none).
 */
author: string | null, pairs: number, mean_edit_distance: number, suggestions: Array<Insight>, curve: Array<CurvePoint>, 
/**
 * The authors whose drafts people edited, for scoping to one of them.
 */
authors: Array<AuthorEdits>, };

export type AuthorEdits = { author: string, name: string, pairs: number, };

export type SuggestionDecision = { kind: Kind, key: string, 
/**
 * The instruction as the person edited it.
 */
instruction: string, support: number, doc_type: string | null, examples: Array<Example>, 
/**
 * Scoped to this author's drafts: accepting adds the instruction to their block
 * of the prompt, not to the system prompt everyone's drafts get.
 */
author: string | null, 
/**
 * Scoped to the content type: accepting also adds the instruction to the system
 * prompt of every other project of this project's content type that has a prompt.
 */
content_type_wide: boolean, };

export type PhraseRequest = { 
/**
 * Chosen by the UI, so it can stop the request while it runs.
 */
request_id: string, project_id: string, 
/**
 * Writes the rules, with its default model.
 */
provider: string, 
/**
 * Groups the sentences by meaning; by the words they share when none.
 */
embeddings: EmbeddingsSource | null, };

export type EmbeddingsSource = { provider: string, model: string, };

export type PhraseProgress = { "stage": "grouped", sentences: number, to_phrase: number, } | { "stage": "token", group: number, text: string, };

export type Phrased = { 
/**
 * Sentences people added or cut that no suggestion explains.
 */
sentences: number, 
/**
 * Groups of them from enough separate drafts, before those already phrased are
 * left out.
 */
groups: number, 
/**
 * The rules the model wrote, as open suggestions.
 */
rules: Array<Insight>, };

export type Span = { anchor: string, from: number, to: number, quote: string, };

export type Verdict = "approve" | "reject" | "escalate" | "reopen";

export type Feedback = { "kind": "thumb", up: boolean, 
/**
 * One of the project's tags.
 */
reason: string | null, text: string | null, } | { "kind": "rating", dimension: string, value: number, } | { "kind": "tag", tag: string, span: Span | null, removed: boolean, } | { "kind": "comment", text: string, span: Span | null, } | { "kind": "preference", chosen: string, rejected: string, tie: boolean, reason: string | null, } | { "kind": "edit", from_revision: string | null, to_revision: string, } | { "kind": "decision", verdict: Verdict, reason: string | null, } | { "kind": "review", verdict: Verdict, reason: string | null, } | { "kind": "retraction", event_id: string, } | { "kind": "implicit", 
/**
 * Share of the draft's words still in the accepted text, 0–1.
 */
kept_ratio: number | null, time_to_accept_ms: number | null, copied_chars: number | null, exported_format: string | null, };

export type FeedbackEvent = { id: string, document_id: string | null, generation_id: string | null, revision_id: string | null, actor: string, 
/**
 * The person's profile (empty for events given before profiles) and the device.
 */
person_id: string, device_id: string, created_at: string, feedback: Feedback, };

export type SpanNote = { event_id: string, 
/**
 * The draft that was in view when it was given.
 */
generation_id: string | null, anchor: string, quote: string, tag: string | null, comment: string | null, actor: string, created_at: string, };

export type Rating = { dimension: string, value: number, 
/**
 * The event it came from: what clearing it takes back.
 */
event_id: string, };

export type DocumentFeedback = { 
/**
 * The draft feedback is given on: the generation behind the latest model text.
 */
generation: Generation | null, thumb: FeedbackEvent | null, ratings: Array<Rating>, tags: Array<string>, spans: Array<SpanNote>, comments: Array<FeedbackEvent>, decision: FeedbackEvent | null, 
/**
 * Newest first, each with the model of the generation it was given on.
 */
timeline: Array<TimelineEntry>, 
/**
 * Everyone in the workspace: the names to show for events' people and actors.
 */
people: Array<Profile>, };

export type TimelineEntry = { event: FeedbackEvent, model: string | null, 
/**
 * Which variant of its request it was given on ("B").
 */
variant: string | null, 
/**
 * For a preference: the chosen variant and the other ("B", "A").
 */
compared: [string, string] | null, };

export type ChangeKind = "draft" | "inserted" | "deleted";

export type Change = { kind: ChangeKind, text: string, 
/**
 * Who wrote it (draft, inserted) or took it out (deleted): an index into `authors`.
 */
author: number, };

export type Author = { name: string, 
/**
 * `human` or `model`.
 */
kind: string, };

export type DocumentChanges = { 
/**
 * The generation of the model's first draft, when there is one.
 */
draft_generation_id: string | null, authors: Array<Author>, changes: Array<Change>, };

export type Format = "sft" | "openai-sft" | "dpo" | "openai-dpo" | "kto" | "ratings" | "csv" | "parquet";

export type Filters = { project: string | null, 
/**
 * RFC 3339 or a date (YYYY-MM-DD); generations made at or after it.
 */
since: string | null, 
/**
 * Generations made before it.
 */
until: string | null, 
/**
 * Document status: draft, in_review, approved, rejected, published.
 */
status: string | null, 
/**
 * Each dimension's latest rating must be at least this.
 */
min_ratings: Array<MinRating>, 
/**
 * Each of these tags must be on the generation.
 */
tags: Array<string>, prompt_version: string | null, 
/**
 * The actor of the latest decision.
 */
reviewer: string | null, };

export type MinRating = { dimension: string, value: number, };

export type ExportOptions = { format: Format, filters: Filters, 
/**
 * About the share of documents that go to the eval split, e.g. 0.1 (by a hash of
 * each document's id; at least one a side); none: one file.
 */
split: number | null, redact: boolean, card: boolean, 
/**
 * DPO and KTO: an edit counts as a preference only above this normalized edit
 * distance (0–1), so fixing a typo does not teach a preference.
 */
min_edit_distance: number, };

export type ExportSummary = { format: string, files: Array<string>, generations: number, train_rows: number, eval_rows: number, duplicates: number, masked: MaskedCounts, cancelled: boolean, };

export type MaskedCounts = { emails: number, phones: number, cards: number, ibans: number, secrets: number, };

export type ExportProgress = { done: number, total: number, };

export type ExportPreview = { rows: number, 
/**
 * JSON lines, as they would be written.
 */
first: Array<string>, };

export type ExportTarget = { format: Format, out: string, };

export type ImportProgress = { done: number, total: number, };

export type ImportSummary = { records: number, imported: number, 
/**
 * Records already imported before (same content): left alone.
 */
already_imported: number, projects_created: Array<string>, feedback_events: number, };
