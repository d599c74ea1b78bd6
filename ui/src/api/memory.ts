// An in-memory backend with the core's rules, for tests and for running the UI in a
// plain browser. It is not a second source of truth: the app always uses tauri.ts.
import type { Document, DocumentSummary, Project } from "../bindings";
import { wordCount as words } from "../lib/words";
import { ApiError, type DraftloopApi } from "./api";

const CONTENT_TYPES = ["email", "blog post", "product description", "landing page", "social post", "report", "other"];

function now(): string {
  return new Date().toISOString();
}

let counter = 0;
function id(): string {
  counter += 1;
  return `mem-${Date.now().toString(36)}-${counter}`;
}


export function memoryApi(): DraftloopApi {
  const projects = new Map<string, Project>();
  const documents = new Map<string, Document>();

  const project = (pid: string): Project => {
    const p = projects.get(pid);
    if (!p) throw new ApiError({ kind: "not_found", message: `project ${pid} not found` });
    return p;
  };
  const doc = (did: string): Document => {
    const d = documents.get(did);
    if (!d) throw new ApiError({ kind: "not_found", message: `document ${did} not found` });
    return d;
  };
  const cleanName = (name: string, except?: string): string => {
    const n = name.trim();
    if (!n) throw new ApiError({ kind: "invalid_input", message: "a project needs a name" });
    for (const p of projects.values()) {
      if (p.id !== except && p.name.toLowerCase() === n.toLowerCase()) {
        throw new ApiError({ kind: "conflict", message: `a project named "${n}" already exists` });
      }
    }
    return n;
  };
  const cleanTitle = (title: string): string => {
    const t = title.trim();
    if (!t) throw new ApiError({ kind: "invalid_input", message: "a document needs a title" });
    return t;
  };
  const summary = (d: Document): DocumentSummary => ({
    id: d.id,
    project_id: d.project_id,
    title: d.title,
    status: d.status,
    words: words(d.body_markdown),
    updated_at: d.updated_at,
  });

  return {
    async workspaceInfo() {
      return {
        database_path: "(in memory)",
        schema_version: 1,
        actor: "local:browser",
        app_version: "dev",
        content_types: CONTENT_TYPES,
      };
    },
    async listProjects() {
      return [...projects.values()].sort((a, b) => a.name.localeCompare(b.name));
    },
    async createProject(input) {
      const at = now();
      const content_type = input.content_type.trim().toLowerCase();
      if (!content_type) throw new ApiError({ kind: "invalid_input", message: "a project needs a content type, e.g. email" });
      const p: Project = {
        id: id(),
        name: cleanName(input.name),
        content_type,
        rubric: [],
        tags: [],
        routing: { threshold: 0.7, auto_approve: false, audit_sample_rate: 0.1 },
        created_at: at,
        updated_at: at,
      };
      projects.set(p.id, p);
      return p;
    },
    async renameProject(pid, name) {
      const p = { ...project(pid), name: cleanName(name, pid), updated_at: now() };
      projects.set(pid, p);
      return p;
    },
    async deleteProject(pid) {
      project(pid);
      projects.delete(pid);
      for (const d of [...documents.values()]) if (d.project_id === pid) documents.delete(d.id);
    },
    async listDocuments(projectId) {
      return [...documents.values()]
        .filter((d) => !projectId || d.project_id === projectId)
        .reverse()
        .map(summary);
    },
    async getDocument(did) {
      return doc(did);
    },
    async createDocument(projectId, title) {
      project(projectId);
      const at = now();
      const d: Document = {
        id: id(),
        project_id: projectId,
        title: cleanTitle(title),
        brief: {},
        status: "draft",
        body_json: "",
        body_markdown: "",
        created_at: at,
        updated_at: at,
      };
      documents.set(d.id, d);
      return d;
    },
    async renameDocument(did, title) {
      const d = { ...doc(did), title: cleanTitle(title), updated_at: now() };
      documents.set(did, d);
      return d;
    },
    async saveDocumentText(did, text) {
      const d = { ...doc(did), ...text, updated_at: now() };
      documents.set(did, d);
      return d;
    },
    async deleteDocument(did) {
      doc(did);
      documents.delete(did);
    },
    onBeforeClose() {},
  };
}
