import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { api, toApiError, type ApiError } from "./api";
import type { Document, DocumentList, DocumentSummary, ErrorKind, Project, WorkspaceInfo } from "./bindings";
import { ExportDialog, ImportDialog } from "./components/DatasetDialogs";
import { AboutDialog, ConfirmDialog, NewProjectDialog, RenameDialog, ShortcutsDialog } from "./components/Dialog";
import { FeedbackPanel } from "./components/FeedbackPanel";
import { AuditTrail } from "./components/AuditTrail";
import { BatchDialog, type BatchRun } from "./components/BatchDialog";
import { InsightsDialog } from "./components/InsightsDialog";
import { PromptDialog } from "./components/PromptDialog";
import { ProvidersDialog } from "./components/ProvidersDialog";
import { PublishDialog } from "./components/PublishDialog";
import { RoutingDialog } from "./components/RoutingDialog";
import { SearchDialog } from "./components/SearchDialog";
import { Sidebar } from "./components/Sidebar";
import { gathered, patchSummaries, serially, useChanged } from "./lib/changed";
import { wordCount } from "./lib/words";
import { modalOpen } from "./lib/keys";

// The editor (TipTap) and the charts (Chart.js) are most of the code; the project list
// is painted without them. The editor loads once it is (see `preload`); the charts only
// when the dashboard is opened, so an idle window does not hold them.
const loadDocumentPane = () => import("./components/DocumentPane");
const loadReviewQueue = () => import("./components/ReviewQueue");
const loadDashboard = () => import("./components/Dashboard");
const DocumentPane = lazy(() => loadDocumentPane().then((m) => ({ default: m.DocumentPane })));
const ReviewQueue = lazy(() => loadReviewQueue().then((m) => ({ default: m.ReviewQueue })));
const Dashboard = lazy(() => loadDashboard().then((m) => ({ default: m.Dashboard })));
const preload = () => Promise.all([loadDocumentPane(), loadReviewQueue()]);

type DialogState =
  | { kind: "new-project" }
  | { kind: "rename-project"; project: Project }
  | { kind: "delete-project"; project: Project }
  | { kind: "delete-document"; document: Document }
  | { kind: "shortcuts" }
  | { kind: "about" }
  | { kind: "providers" }
  | { kind: "prompt"; project: Project }
  | { kind: "insights"; project: Project }
  | { kind: "export" }
  | { kind: "import" }
  | { kind: "routing"; project: Project }
  | { kind: "batch" }
  | { kind: "publish"; project: Project }
  | { kind: "search" }
  | null;

/** How often the app checks for drafts newly past their review deadline. */
const OVERDUE_CHECK_MS = 60_000;

const LAST_DOCUMENT_KEY = "draftloop.lastDocument";
/** Documents the sidebar reads per project at a time. */
const SIDEBAR_PAGE = 100;

/** What the start screen says when the workspace cannot be opened, by the kind of error. */
const FATAL_TITLES: Partial<Record<ErrorKind, string>> = {
  database_too_new: "This workspace needs a newer Draftloop",
  not_a_workspace: "This file is not a Draftloop workspace",
};

/** What the window reads before it first renders: the workspace, its projects and a
 * page of each one's documents, or why the workspace could not be opened. */
export type FirstRead = { ok: { info: WorkspaceInfo; projects: Project[]; list: DocumentList } } | { error: ApiError };

/** Started before React is: the first render then shows the project list, instead of an
 * empty shell and a second render once the reads come back (see docs/benchmarks.md). */
export function readFirst(): Promise<FirstRead> {
  return Promise.all([api.workspaceInfo(), readSidebar()]).then(
    ([info, [projects, list]]) => ({ ok: { info, projects, list } }),
    (e: unknown) => ({ error: toApiError(e) }),
  );
}

/** The projects, and a page of each one's documents with their numbers. */
const readSidebar = () => Promise.all([api.listProjects(), api.documentList(SIDEBAR_PAGE)]);

/** Per project: how many documents it holds, and how many of its newest the pages read. */
function pagedCounts(list: DocumentList): Record<string, { total: number; paged: number }> {
  return Object.fromEntries(list.counts.map((c) => [c.project_id, { total: c.documents, paged: Math.min(c.documents, SIDEBAR_PAGE) }]));
}

export function App({ first }: { first: FirstRead }) {
  const read = "ok" in first ? first.ok : null;
  const [info, setInfo] = useState<WorkspaceInfo | null>(read?.info ?? null);
  const [fatal, setFatal] = useState<ApiError | null>("error" in first ? first.error : null);
  const [projects, setProjects] = useState<Project[]>(read?.projects ?? []);
  const [documents, setDocuments] = useState<DocumentSummary[]>(read?.list.documents ?? []);
  // Per project: how many documents it holds, and how many of its newest the pages read
  // so far (the sidebar reads a page a project, not a history of 200,000).
  const [counts, setCounts] = useState<Record<string, { total: number; paged: number }>>(read ? pagedCounts(read.list) : {});
  const [projectId, setProjectId] = useState<string | null>(null);
  const [current, setCurrent] = useState<Document | null>(null);
  const [dialog, setDialog] = useState<DialogState>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [view, setView] = useState<"documents" | "review" | "dashboard" | "audit">("documents");
  const [waiting, setWaiting] = useState(0);
  const [batch, setBatch] = useState<BatchRun | null>(null);

  const startBatch = useCallback((projectId: string, provider: string, path: string, concurrency: number) => {
    const requestId = `batch:${Date.now()}`;
    setBatch({ requestId, progress: null, summary: null, error: null });
    const mine = (f: (b: BatchRun) => BatchRun) => setBatch((b) => (b && b.requestId === requestId ? f(b) : b));
    api
      .runBatch(requestId, projectId, provider, path, concurrency, (progress) => mine((b) => ({ ...b, progress })))
      .then((summary) => mine((b) => ({ ...b, summary })))
      .catch((e) => mine((b) => ({ ...b, error: toApiError(e).message })));
  }, []);
  const batchRunning = batch !== null && batch.summary === null && batch.error === null;
  const flushRef = useRef<(() => Promise<void>) | null>(null);
  const titleRef = useRef<HTMLInputElement>(null);

  const showError = useCallback((e: unknown) => setToast(toApiError(e).message), []);

  const reload = useCallback(async () => {
    const [p, list] = await readSidebar();
    setProjects(p);
    setDocuments(list.documents);
    setCounts(pagedCounts(list));
    return { projects: p, documents: list.documents };
  }, []);

  const moreDocuments = useCallback(
    async (projectId: string) => {
      const at = counts[projectId]?.paged ?? 0;
      const page = await api.projectDocuments(projectId, at, SIDEBAR_PAGE);
      setDocuments((ds) => {
        const known = new Set(ds.map((d) => d.id));
        return [...ds, ...page.filter((d) => !known.has(d.id))];
      });
      setCounts((c) => ({ ...c, [projectId]: { total: c[projectId]?.total ?? 0, paged: at + page.length } }));
    },
    [counts],
  );

  const countWaiting = useCallback(async () => {
    const items = await api.reviewQueue({ project_id: null, tier: null, kind: null, order: "lowest_confidence" });
    setWaiting(items.length);
  }, []);

  // What the core says changed is read again, in order; nothing else is refreshed by hand.
  const [inOrder] = useState(serially);
  // A burst of changes (a batch's drafts) is read in a few gathered reads.
  const [recount] = useState(() => gathered<true>(() => inOrder(countWaiting)));
  const [refreshDocuments] = useState(() =>
    gathered<string>((ids) => {
      const asked = [...new Set(ids)];
      return inOrder(async () => {
        const fresh = await api.documentSummaries(asked);
        setDocuments((ds) => {
          const next = patchSummaries(ds, asked, fresh);
          // A document made or deleted moves its project's numbers (a new one is the
          // newest, so it is within the pages read).
          const before = new Set(ds.map((d) => d.id));
          const after = new Set(next.map((d) => d.id));
          const delta: Record<string, number> = {};
          for (const d of next) if (!before.has(d.id)) delta[d.project_id] = (delta[d.project_id] ?? 0) + 1;
          for (const d of ds) if (!after.has(d.id)) delta[d.project_id] = (delta[d.project_id] ?? 0) - 1;
          if (Object.keys(delta).length > 0) {
            setCounts((c) => {
              const out = { ...c };
              for (const [p, n] of Object.entries(delta)) {
                const was = out[p] ?? { total: 0, paged: 0 };
                out[p] = { total: Math.max(0, was.total + n), paged: Math.max(0, was.paged + n) };
              }
              return out;
            });
          }
          return next;
        });
        setCurrent((c) => {
          if (!c || !asked.includes(c.id)) return c;
          const s = fresh.find((d) => d.id === c.id);
          return s ? { ...c, title: s.title, status: s.status, updated_at: s.updated_at } : null;
        });
      });
    }),
  );
  useChanged((changed) => {
    if (changed.everything || changed.documents.length > 0) void recount([true]);
    if (changed.everything) {
      inOrder(async () => void (await reload())).catch(showError);
      return;
    }
    if (changed.projects.length > 0) {
      // A project's name, rubric or prompt; a deleted one takes its documents along.
      inOrder(async () => {
        const p = await api.listProjects();
        const live = new Set(p.map((q) => q.id));
        setProjects(p);
        setDocuments((ds) => ds.filter((d) => live.has(d.project_id)));
        setCurrent((c) => (c && !live.has(c.project_id) ? null : c));
      }).catch(showError);
    }
    if (changed.documents.length > 0) refreshDocuments(changed.documents).catch(showError);
  });

  const openDocument = useCallback(
    async (id: string) => {
      await flushRef.current?.().catch(() => undefined);
      const doc = await api.getDocument(id);
      setView("documents");
      setCurrent(doc);
      // Opened from search or the queue, it may be past the pages the sidebar read.
      setDocuments((ds) =>
        ds.some((d) => d.id === doc.id)
          ? ds
          : [...ds, { id: doc.id, project_id: doc.project_id, title: doc.title, status: doc.status, words: wordCount(doc.body_markdown), updated_at: doc.updated_at }],
      );
      setProjectId(doc.project_id);
      localStorage.setItem(LAST_DOCUMENT_KEY, id);
    },
    [],
  );

  useEffect(() => {
    (async () => {
      try {
        if (!read) return; // the start screen says why
        const p = read.projects;
        // Once the list is painted (after the next frame); a document opened before
        // then waits for its pane.
        requestAnimationFrame(() => setTimeout(() => void preload().catch(() => undefined), 0));
        const last = localStorage.getItem(LAST_DOCUMENT_KEY);
        // The last document may be past the first page, or gone.
        const reopened = last ? await openDocument(last).then(() => true, () => false) : false;
        if (!reopened && p[0]) setProjectId(p[0].id);
      } catch (e) {
        setFatal(toApiError(e));
      }
    })();
    api.onNotice((n) => setToast(`${n.title}: ${n.body}`));
    countWaiting().catch(() => undefined);
    api.onBeforeClose(async () => {
      await flushRef.current?.();
    });
  }, [read, openDocument]);

  // The frame that first paints the project list, for the benchmarks
  // (tests/e2e/*.bench.ts): a layout effect runs before that paint, so its animation
  // frame is the one that paints the list, as the floor app marks its first frame.
  useLayoutEffect(() => {
    if (projects.length > 0 && performance.getEntriesByName("projects-listed").length === 0) {
      requestAnimationFrame(() => performance.mark("projects-listed"));
    }
  }, [projects]);

  // Drafts past their review deadline are told of once each.
  useEffect(() => {
    const check = () => void api.tellOverdue().catch(() => undefined);
    check();
    const t = setInterval(check, OVERDUE_CHECK_MS);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 6000);
    return () => clearTimeout(t);
  }, [toast]);

  // A new document's title is selected once its pane is there to hold it: a frame
  // after opening was not always enough while other reads were landing.
  const [freshDocument, setFreshDocument] = useState<string | null>(null);
  const newDocument = useCallback(
    async (pid: string) => {
      try {
        const doc = await api.createDocument(pid, "Untitled document");
        await openDocument(doc.id);
        setFreshDocument(doc.id);
      } catch (e) {
        showError(e);
      }
    },
    [openDocument, showError],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen()) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && e.shiftKey && key === "n") {
        e.preventDefault();
        setDialog({ kind: "new-project" });
      } else if (mod && !e.shiftKey && key === "n") {
        e.preventDefault();
        if (projectId) void newDocument(projectId);
        else setDialog({ kind: "new-project" });
      } else if (mod && key === "s") {
        e.preventDefault();
        flushRef.current?.().catch(showError);
      } else if (mod && !e.shiftKey && key === "k") {
        e.preventDefault();
        setDialog({ kind: "search" });
      } else if (mod && key === "/") {
        e.preventDefault();
        setDialog({ kind: "shortcuts" });
      } else if (e.key === "F2" && current) {
        e.preventDefault();
        titleRef.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [projectId, current, newDocument, showError]);

  const registerFlush = useCallback((flush: (() => Promise<void>) | null) => {
    flushRef.current = flush;
  }, []);

  const saveText = useCallback((id: string, text: Parameters<typeof api.saveDocumentText>[1]) => api.saveDocumentText(id, text), []);

  const onSaved = useCallback((doc: Document) => {
    setCurrent((c) => (c && c.id === doc.id ? { ...c, updated_at: doc.updated_at, body_markdown: doc.body_markdown, status: doc.status, subject: doc.subject, preheader: doc.preheader } : c));
  }, []);

  const renameDocument = useCallback(
    async (id: string, title: string) => {
      const doc = await api.renameDocument(id, title);
      setCurrent((c) => (c && c.id === id ? { ...c, title: doc.title, updated_at: doc.updated_at } : c));
    },
    [],
  );

  if (fatal) {
    return (
      <div className="fatal" role="alert" data-testid="fatal-error" data-kind={fatal.kind}>
        <h1>{FATAL_TITLES[fatal.kind] ?? "Draftloop could not open this workspace"}</h1>
        <p>{fatal.message}</p>
        {fatal.kind === "database_too_new" && (
          <p className="muted">Install the Draftloop that wrote it (or a newer one), then open the workspace again.</p>
        )}
      </div>
    );
  }

  const currentProject = projects.find((p) => p.id === (current?.project_id ?? projectId)) ?? null;

  return (
    <div className="app">
      <Sidebar
        projects={projects}
        documents={documents}
        counts={counts}
        onMoreDocuments={(id) => void moreDocuments(id).catch(showError)}
        selectedProjectId={projectId}
        selectedDocumentId={current?.id ?? null}
        onSelectProject={setProjectId}
        onSelectDocument={(d) => openDocument(d.id).catch(showError)}
        onNewProject={() => setDialog({ kind: "new-project" })}
        onNewDocument={(pid) => void newDocument(pid)}
        onRenameProject={(project) => setDialog({ kind: "rename-project", project })}
        onDeleteProject={(project) => setDialog({ kind: "delete-project", project })}
        onShowShortcuts={() => setDialog({ kind: "shortcuts" })}
        onShowProviders={() => setDialog({ kind: "providers" })}
        onImport={() => setDialog({ kind: "import" })}
        onExport={() => setDialog({ kind: "export" })}
        onRouting={(project) => setDialog({ kind: "routing", project })}
        onPublish={(project) => setDialog({ kind: "publish", project })}
        onBatch={() => setDialog({ kind: "batch" })}
        onSearch={() => setDialog({ kind: "search" })}
        waiting={waiting}
        reviewing={view === "review"}
        onReview={() => {
          void flushRef.current?.().catch(() => undefined);
          setView("review");
        }}
        dashboard={view === "dashboard"}
        onDashboard={() => {
          void flushRef.current?.().catch(() => undefined);
          setView("dashboard");
        }}
        auditing={view === "audit"}
        onAudit={() => {
          void flushRef.current?.().catch(() => undefined);
          setView("audit");
        }}
      />
      <Suspense fallback={<main className="document-pane" />}>
        {view === "audit" && info ? (
          <AuditTrail exportFolder={info.export_folder} onNotice={setToast} />
        ) : view === "dashboard" && info ? (
          <Dashboard projects={projects} exportFolder={info.export_folder} onNotice={setToast} onOpenDocument={(id) => openDocument(id).catch(showError)} />
        ) : view === "review" ? (
          <ReviewQueue projects={projects} onNotice={setToast} onOpenDocument={(id) => openDocument(id).catch(showError)} />
        ) : current ? (
          <DocumentPane
            key={current.id}
            document={current}
            project={currentProject}
            save={saveText}
            rename={renameDocument}
            onDelete={() => setDialog({ kind: "delete-document", document: current })}
            onSaved={onSaved}
            onError={setToast}
            onNotice={setToast}
            registerFlush={registerFlush}
            titleRef={titleRef}
            selectTitle={freshDocument === current.id}
            onTitleSelected={() => setFreshDocument(null)}
            onApplied={(doc) => {
              setCurrent(doc);
              onSaved(doc);
            }}
            onOpenPrompt={() => currentProject && setDialog({ kind: "prompt", project: currentProject })}
            onOpenProviders={() => setDialog({ kind: "providers" })}
            onOpenInsights={() => currentProject && setDialog({ kind: "insights", project: currentProject })}
          />
        ) : (
          <main className="document-pane empty-state" data-testid="empty-state">
            <div>
              <h1>{projects.length ? "Open a document" : "Welcome to Draftloop"}</h1>
              <p className="muted">
                {projects.length
                  ? "Pick a document on the left, or start a new one."
                  : "Co-draft with a model and keep people in charge of what ships. Start with a project."}
              </p>
              {currentProject ? (
                <button className="primary" onClick={() => void newDocument(currentProject.id)}>
                  New document in {currentProject.name}
                </button>
              ) : (
                <button className="primary" onClick={() => setDialog({ kind: "new-project" })}>
                  Create a project
                </button>
              )}
            </div>
          </main>
        )}
      </Suspense>
      {!current && view === "documents" && <FeedbackPanel project={currentProject} document={null} words={0} />}
      {info && (
        <div className="statusbar muted">
          <span data-testid="working-as">Working as {info.profile.display_name} ({info.profile.role})</span>
          {batch && dialog?.kind !== "batch" && (
            <button type="button" className="link" data-testid="batch-status" data-state={batchRunning ? "running" : "done"} onClick={() => setDialog({ kind: "batch" })}>
              {batchRunning
                ? `Batch: ${batch.progress?.done ?? 0} of ${batch.progress?.total ?? "…"} rows`
                : batch.summary
                  ? `Batch finished: ${batch.summary.generated} drafted, ${batch.summary.queued} to review`
                  : "Batch stopped"}
            </button>
          )}
          <button type="button" className="link" data-testid="open-about" onClick={() => setDialog({ kind: "about" })}>
            About Draftloop {info.app_version}
          </button>
        </div>
      )}

      {dialog?.kind === "new-project" && info && (
        <NewProjectDialog
          contentTypes={info.content_types}
          onClose={() => setDialog(null)}
          onCreate={async (name, contentType) => {
            const project = await api.createProject({ name, content_type: contentType });
            setProjectId(project.id);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "rename-project" && (
        <RenameDialog
          title="Rename project"
          label="Name"
          initial={dialog.project.name}
          onClose={() => setDialog(null)}
          onRename={async (name) => {
            await api.renameProject(dialog.project.id, name);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "delete-project" && (
        <ConfirmDialog
          title="Delete project?"
          message={`"${dialog.project.name}" and its ${counts[dialog.project.id]?.total ?? documents.filter((d) => d.project_id === dialog.project.id).length} document(s), with all their feedback, will be deleted. This cannot be undone.`}
          confirmLabel="Delete project"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await api.deleteProject(dialog.project.id);
            if (current?.project_id === dialog.project.id) setCurrent(null);
            if (projectId === dialog.project.id) setProjectId(null);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "delete-document" && (
        <ConfirmDialog
          title="Delete document?"
          message={`"${dialog.document.title}" and all its feedback will be deleted. This cannot be undone.`}
          confirmLabel="Delete document"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await api.deleteDocument(dialog.document.id);
            setCurrent(null);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "search" && (
        <SearchDialog
          onClose={() => setDialog(null)}
          onOpen={(id) => {
            setDialog(null);
            setView("documents");
            openDocument(id).catch(showError);
          }}
        />
      )}
      {dialog?.kind === "shortcuts" && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === "about" && info && <AboutDialog info={info} onRenamed={setInfo} onClose={() => setDialog(null)} />}
      {dialog?.kind === "providers" && <ProvidersDialog onClose={() => setDialog(null)} onChanged={() => undefined} />}
      {dialog?.kind === "prompt" && <PromptDialog project={dialog.project} onClose={() => setDialog(null)} />}
      {dialog?.kind === "export" && info && <ExportDialog projects={projects} defaultFolder={info.export_folder} onClose={() => setDialog(null)} />}
      {dialog?.kind === "import" && (
        <ImportDialog
          onClose={() => setDialog(null)}
          // The core's notice says how it went: one message, not two racing for the toast.
          onImported={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "publish" && info && <PublishDialog project={dialog.project} defaultFolder={info.export_folder} onClose={() => setDialog(null)} />}
      {dialog?.kind === "routing" && <RoutingDialog project={dialog.project} onClose={() => setDialog(null)} />}
      {dialog?.kind === "batch" && (
        <BatchDialog
          projects={projects}
          initialProjectId={currentProject?.id ?? null}
          run={batch}
          onStart={startBatch}
          onClose={() => {
            setDialog(null);
            // A finished batch is done with once its summary was seen.
            if (!batchRunning) setBatch(null);
          }}
          onOpenQueue={() => {
            setDialog(null);
            setBatch(null);
            setView("review");
          }}
        />
      )}
      {dialog?.kind === "insights" && (
        <InsightsDialog
          project={dialog.project}
          onClose={() => setDialog(null)}
          onOpenDocument={(id) => {
            setDialog(null);
            openDocument(id).catch(showError);
          }}
        />
      )}
      {toast && (
        <div className="toast" role="alert" data-testid="toast">
          {toast}
        </div>
      )}
    </div>
  );
}
