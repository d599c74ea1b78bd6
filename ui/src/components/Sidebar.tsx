import { useEffect, useMemo, useState } from "react";
import type { DocumentSummary, Project } from "../bindings";
import { STATUS_LABELS } from "../lib/labels";

interface SidebarProps {
  projects: Project[];
  /** The documents read so far: a page of each project's newest, more on request (an
   * imported history holds tens of thousands, and a list of them all takes seconds to
   * draw). */
  documents: DocumentSummary[];
  /** Per project: how many documents it holds, and how many of its newest were read. */
  counts: Record<string, { total: number; paged: number }>;
  onMoreDocuments: (projectId: string) => void;
  selectedProjectId: string | null;
  selectedDocumentId: string | null;
  onSelectProject: (id: string) => void;
  onSelectDocument: (doc: DocumentSummary) => void;
  onNewProject: () => void;
  onNewDocument: (projectId: string) => void;
  onRenameProject: (project: Project) => void;
  onDeleteProject: (project: Project) => void;
  onShowShortcuts: () => void;
  onShowProviders: () => void;
  onImport: () => void;
  onExport: () => void;
  onRouting: (project: Project) => void;
  onPublish: (project: Project) => void;
  onBatch: () => void;
  onSearch: () => void;
  /** Drafts waiting for a person. */
  waiting: number;
  reviewing: boolean;
  onReview: () => void;
  dashboard: boolean;
  onDashboard: () => void;
  auditing: boolean;
  onAudit: () => void;
}

/** Rows each project shows in the window's first frame: more than a window holds. The
 * rest of the page follows right after that frame is painted, so a large history (100
 * rows a project) does not hold up the first paint (docs/benchmarks.md, start-up). */
const FIRST_FRAME_ROWS = 30;

export function Sidebar(props: SidebarProps) {
  const { projects, documents, selectedProjectId, selectedDocumentId } = props;
  const [whole, setWhole] = useState(false);
  useEffect(() => {
    // A task queued from an animation frame runs once that frame is painted.
    let task = 0;
    const frame = requestAnimationFrame(() => {
      task = window.setTimeout(() => setWhole(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(task);
    };
  }, []);
  const byProject = useMemo(() => {
    const out = new Map<string, DocumentSummary[]>();
    for (const d of documents) {
      const list = out.get(d.project_id);
      if (list) list.push(d);
      else out.set(d.project_id, [d]);
    }
    return out;
  }, [documents]);
  return (
    <aside className="sidebar" aria-label="Projects and documents">
      <header className="brand">
        <img src="/draftloop.svg" alt="" width={26} height={26} />
        <span>Draftloop</span>
      </header>
      <div className="sidebar-actions">
        <button className="primary wide" data-testid="new-project" onClick={props.onNewProject} title="New project (Ctrl+Shift+N)">
          + New project
        </button>
        <button className="search-link" data-testid="open-search" onClick={props.onSearch} title="Search every document by title and text">
          Search… <kbd>Ctrl+K</kbd>
        </button>
        <button className={`queue-link ${props.reviewing ? "active" : ""}`} data-testid="open-review-queue" onClick={props.onReview} title="Drafts waiting for a person">
          Review queue <span className="count" data-testid="waiting-count">{props.waiting}</span>
        </button>
        <button className={`queue-link ${props.dashboard ? "active" : ""}`} data-testid="open-dashboard" onClick={props.onDashboard} title="Is the loop working: decisions, review time, routing, agreement">
          Dashboard
        </button>
      </div>
      <nav className="projects">
        {projects.length === 0 && <p className="muted hint">No projects yet. A project holds documents of one kind: campaign emails, blog posts, product copy.</p>}
        {projects.map((project) => {
          const all = byProject.get(project.id) ?? [];
          const docs = whole ? all : all.slice(0, FIRST_FRAME_ROWS);
          const count = props.counts[project.id];
          // Not counted in the first frame, whose list stops short of the page.
          const more = count && docs.length === all.length ? count.total - count.paged : 0;
          const selected = project.id === selectedProjectId;
          return (
            <section key={project.id} className={`project ${selected ? "selected" : ""}`} data-testid="project" data-name={project.name}>
              <div className="project-row">
                <button className="project-name" onClick={() => props.onSelectProject(project.id)} title={project.name}>
                  <span className="name" title={project.name}>{project.name}</span>
                  <span className="kind">{project.content_type}</span>
                </button>
                <span className="row-actions">
                  <button className="icon" aria-label={`New document in ${project.name}`} title="New document (Ctrl+N)" data-testid="new-document" onClick={() => props.onNewDocument(project.id)}>
                    +
                  </button>
                  <button className="icon" aria-label={`Routing of ${project.name}`} title="Routing: when drafts need a person" data-testid="open-routing" onClick={() => props.onRouting(project)}>
                    ⚖
                  </button>
                  <button className="icon" aria-label={`Publish ${project.name}`} title="Publish the approved copy" data-testid="open-publish" onClick={() => props.onPublish(project)}>
                    ⇪
                  </button>
                  <button className="icon" aria-label={`Rename ${project.name}`} title="Rename project" data-testid="rename-project" onClick={() => props.onRenameProject(project)}>
                    ✎
                  </button>
                  <button className="icon" aria-label={`Delete ${project.name}`} title="Delete project" data-testid="delete-project" onClick={() => props.onDeleteProject(project)}>
                    ×
                  </button>
                </span>
              </div>
              <ul className="documents">
                {docs.length === 0 && <li className="muted empty">No documents</li>}
                {docs.map((doc) => (
                  <li key={doc.id}>
                    <button
                      className={`document-link ${doc.id === selectedDocumentId ? "active" : ""}`}
                      data-testid="document-link"
                      data-title={doc.title}
                      onClick={() => props.onSelectDocument(doc)}
                    >
                      <span className="name" title={doc.title}>{doc.title}</span>
                      <span className="meta">
                        {doc.words} words
                        {doc.status !== "draft" && (
                          <span className={`status-chip status-${doc.status}`} data-testid="document-status">
                            {STATUS_LABELS[doc.status]}
                          </span>
                        )}
                      </span>
                    </button>
                  </li>
                ))}
                {more > 0 && (
                  <li>
                    <button className="link small show-more" data-testid="show-more-documents" onClick={() => props.onMoreDocuments(project.id)}>
                      Show more: {more.toLocaleString()} older (or search, <kbd>Ctrl+K</kbd>)
                    </button>
                  </li>
                )}
              </ul>
            </section>
          );
        })}
      </nav>
      <footer className="sidebar-footer">
        <button className="link" onClick={props.onShowProviders} data-testid="open-providers">
          Providers
        </button>
        <button className="link" onClick={props.onBatch} data-testid="open-batch" title="Draft a CSV of briefs, one document per row">
          Run batch…
        </button>
        <button className="link" onClick={props.onImport} data-testid="open-import" title="Import history from a JSONL file">
          Import
        </button>
        <button className="link" onClick={props.onExport} data-testid="open-export" title="Export feedback as fine-tuning datasets">
          Export datasets…
        </button>
        <button className={`link ${props.auditing ? "accent" : ""}`} onClick={props.onAudit} data-testid="open-audit" title="Every change, who made it and when; verify the hash chains">
          Audit trail
        </button>
        <button className="link" onClick={props.onShowShortcuts}>
          Shortcuts <kbd>Ctrl+/</kbd>
        </button>
      </footer>
    </aside>
  );
}
