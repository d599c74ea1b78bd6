// An in-memory backend with the core's rules, for tests and for running the UI in a
// plain browser. It is not a second source of truth: the app always uses tauri.ts.
import type { Document, DocumentFeedback, DocumentSummary, FeedbackEvent, Generation, Project, PromptVersion, Provider, Revision } from "../bindings";
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
  const providers = new Map<string, Provider>();
  const prompts: PromptVersion[] = [];
  const generations = new Map<string, Generation>();
  const revisions: Revision[] = [];
  const events: FeedbackEvent[] = [];

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
    async setDocumentBrief(did, brief) {
      const clean: Record<string, string> = {};
      for (const [k, v] of Object.entries(brief)) clean[k] = v;
      const d = { ...doc(did), brief: clean, updated_at: now() };
      documents.set(did, d);
      return d;
    },
    async listProviders() {
      return [...providers.values()];
    },
    async addProvider(p, apiKey) {
      if (!p.name.trim()) throw new ApiError({ kind: "invalid_input", message: "a provider needs a name" });
      const provider: Provider = { ...p, id: id(), has_key: Boolean(apiKey), created_at: now() };
      providers.set(provider.name.toLowerCase(), provider);
      return provider;
    },
    async removeProvider(name) {
      providers.delete(name.toLowerCase());
    },
    async testProvider() {
      return { works: true, verdict: "works", message: "answered (in-memory backend)" };
    },
    async detectLocalProviders() {
      return [];
    },
    async listPromptVersions(projectId) {
      return prompts.filter((v) => v.project_id === projectId).reverse();
    },
    async savePrompt(projectId, system_prompt, user_template) {
      const latest = prompts.filter((v) => v.project_id === projectId).at(-1);
      const variables = [...new Set([...(system_prompt + user_template).matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1] ?? ""))].sort();
      const v: PromptVersion = {
        id: id(),
        project_id: projectId,
        parent_id: latest?.id ?? null,
        system_prompt,
        user_template,
        origin: "hand",
        author: "local:browser",
        created_at: now(),
        variables,
      };
      prompts.push(v);
      return v;
    },
    async restorePromptVersion(vid) {
      const old = prompts.find((v) => v.id === vid);
      if (!old) throw new ApiError({ kind: "not_found", message: `prompt version ${vid} not found` });
      return this.savePrompt(old.project_id, old.system_prompt, old.user_template);
    },
    async generate(request, onToken) {
      const group = id();
      const out: Generation[] = [];
      for (let i = 0; i < request.n; i++) {
        const text = `Variant ${i + 1}: a draft from the in-memory backend.`;
        for (const word of text.split(" ")) onToken({ variant: i, text: word + " " });
        const g: Generation = {
          id: id(), document_id: request.document_id, group_id: group, provider: request.provider, model: request.model ?? "memory",
          prompt_version_id: null, output: text, incomplete: false, logprob_mean: null, logprob_min: null, latency_ms: 1,
          prompt_tokens: null, completion_tokens: null, error: null, created_at: now(),
        };
        generations.set(g.id, g);
        out.push(g);
      }
      return out;
    },
    async cancelVariant() {},
    async revise(request, onToken) {
      const text = `${doc(request.document_id).body_markdown}\n\n(revised: ${request.notes})`;
      onToken({ variant: 0, text });
      const g: Generation = {
        id: id(), document_id: request.document_id, group_id: id(), provider: request.provider, model: "memory",
        prompt_version_id: null, output: text, incomplete: false, logprob_mean: null, logprob_min: null, latency_ms: 1,
        prompt_tokens: null, completion_tokens: null, error: null, created_at: now(),
      };
      generations.set(g.id, g);
      return g;
    },
    async diffTexts(oldText, newText) {
      return oldText === newText ? [{ kind: "equal", text: oldText }] : [{ kind: "delete", text: oldText }, { kind: "insert", text: newText }];
    },
    async applyGeneration(did, gid, text) {
      revisions.push({ id: id(), document_id: did, author_kind: "model", actor: "local:browser", generation_id: gid, body_markdown: text.body_markdown, created_at: now() });
      return this.saveDocumentText(did, text);
    },
    async listRevisions(did) {
      return revisions.filter((r) => r.document_id === did);
    },
    async projectInsights() {
      return { pairs: 0, mean_edit_distance: 0, suggestions: [], curve: [] };
    },
    async acceptSuggestion(projectId, _decision, systemPrompt, userTemplate) {
      return this.savePrompt(projectId, systemPrompt, userTemplate);
    },
    async rejectSuggestion() {},
    // Feedback without the core's checks: enough to click through the panel.
    async recordFeedback(did, generationId, feedback) {
      doc(did);
      const current = [...revisions].reverse().find((r) => r.document_id === did && r.author_kind === "model");
      const e: FeedbackEvent = {
        id: id(), document_id: did, generation_id: generationId ?? current?.generation_id ?? null, revision_id: null,
        actor: "local:browser", created_at: now(), feedback,
      };
      events.push(e);
      if (feedback.kind === "decision") {
        const status = feedback.verdict === "approve" ? "approved" : feedback.verdict === "reject" ? "rejected" : "in_review";
        documents.set(did, { ...doc(did), status });
      }
      return e;
    },
    async documentFeedback(did) {
      const mine = events.filter((e) => e.document_id === did);
      const view: DocumentFeedback = { generation: null, thumb: null, ratings: [], tags: [], spans: [], comments: [], decision: null, timeline: [] };
      for (const e of mine) {
        const f = e.feedback;
        if (f.kind === "thumb") view.thumb = e;
        if (f.kind === "rating") view.ratings = [...view.ratings.filter((r) => r.dimension !== f.dimension), { dimension: f.dimension, value: f.value }];
        if (f.kind === "tag" && !f.span) view.tags = f.removed ? view.tags.filter((t) => t !== f.tag) : [...view.tags.filter((t) => t !== f.tag), f.tag];
        if (f.kind === "tag" && f.span) {
          const anchor = f.span.anchor;
          view.spans = view.spans.filter((s) => !(s.anchor === anchor && s.tag === f.tag));
          if (!f.removed) view.spans.push({ event_id: e.id, anchor, quote: f.span.quote, tag: f.tag, comment: null, actor: e.actor, created_at: e.created_at });
        }
        if (f.kind === "comment" && f.span) view.spans.push({ event_id: e.id, anchor: f.span.anchor, quote: f.span.quote, tag: null, comment: f.text, actor: e.actor, created_at: e.created_at });
        if (f.kind === "comment" && !f.span) view.comments.push(e);
        if (f.kind === "decision") view.decision = e;
      }
      view.timeline = [...mine].reverse().map((event) => ({ event, model: null }));
      return view;
    },
    async documentChanges() {
      return { draft_generation_id: null, authors: [], changes: [] };
    },
    async setFeedbackSchema(pid, rubric, tags) {
      const p = { ...project(pid), rubric, tags, updated_at: now() };
      projects.set(pid, p);
      return p;
    },
    async exportDocument(did) {
      doc(did);
    },
    async exportPreview() {
      return { rows: 0, first: [] };
    },
    async exportDataset() {
      throw new ApiError({ kind: "invalid_input", message: "exports need the desktop app" });
    },
    async cancelExport() {},
    async importHistory() {
      throw new ApiError({ kind: "invalid_input", message: "imports need the desktop app" });
    },
    onBeforeClose() {},
  };
}
