// Generated from the Rust core by `UPDATE_BINDINGS=1 cargo test -p draftloop-core bindings`.
// Do not edit by hand.

export type ErrorKind = "invalid_input" | "not_found" | "conflict" | "database_too_new" | "not_a_workspace" | "database" | "io" | "internal";

export type ErrorPayload = { kind: ErrorKind, message: string, };

export type Project = { id: string, name: string, content_type: string, rubric: Array<RubricDimension>, tags: Array<string>, routing: RoutingPolicy, created_at: string, updated_at: string, };

export type NewProject = { name: string, content_type: string, };

export type RubricDimension = { name: string, description: string, min: number, max: number, };

export type RoutingPolicy = { 
/**
 * Generations scoring below this confidence go to the review queue.
 */
threshold: number, auto_approve: boolean, 
/**
 * Share of auto-approved items sampled for audit.
 */
audit_sample_rate: number, };

export type Document = { id: string, project_id: string, title: string, brief: { [key in string]?: string }, status: DocumentStatus, 
/**
 * ProseMirror JSON of the editor; empty for a document never typed in.
 */
body_json: string, body_markdown: string, created_at: string, updated_at: string, };

export type DocumentSummary = { id: string, project_id: string, title: string, status: DocumentStatus, words: number, updated_at: string, };

export type DocumentStatus = "draft" | "in_review" | "approved" | "rejected" | "published";

export type DocumentText = { body_json: string, body_markdown: string, };

export type AuditEntry = { seq: number, id: string, at: string, actor: string, action: string, entity_kind: string, entity_id: string, detail: string, prev_hash: string, hash: string, };

export type WorkspaceInfo = { database_path: string, schema_version: number, actor: string, app_version: string, 
/**
 * Content types offered when creating a project.
 */
content_types: Array<string>, };
