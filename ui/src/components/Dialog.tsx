import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { api, toApiError } from "../api";
import type { WorkspaceInfo } from "../bindings";

interface ShellProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId: string;
  wide?: boolean;
}

/** A modal: Escape or the backdrop closes it. */
export function Modal({ title, onClose, children, testId, wide = false }: ShellProps) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`dialog ${wide ? "wide-dialog" : ""}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** A form dialog's foot: the error, if any, then Cancel and the submit button. */
/** `done`: the work is finished, so the way out is "Close" and comes first. */
export function FormFooter({ error, onClose, submit, testId, done = false }: { error: string | null; onClose: () => void; submit: string; testId: string; done?: boolean }) {
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className={done ? "primary" : ""} data-testid={done ? "close-dialog" : undefined} onClick={onClose}>
          {done ? "Close" : "Cancel"}
        </button>
        <button type="submit" className={done ? "" : "primary"} data-testid={testId}>
          {submit}
        </button>
      </div>
    </>
  );
}

interface ProjectDialogProps {
  contentTypes: string[];
  onCreate: (name: string, contentType: string) => Promise<void>;
  onClose: () => void;
}

export function NewProjectDialog({ contentTypes, onCreate, onClose }: ProjectDialogProps) {
  const [name, setName] = useState("");
  const [contentType, setContentType] = useState(contentTypes[0] ?? "email");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onCreate(name, contentType);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="New project" onClose={onClose} testId="new-project-dialog">
      <form onSubmit={submit}>
        <label>
          Name
          <input autoFocus data-testid="project-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Spring launch" />
        </label>
        <label>
          Content type
          <select data-testid="project-content-type" value={contentType} onChange={(e) => setContentType(e.target.value)}>
            {contentTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="create-project" disabled={busy || !name.trim()}>
            Create project
          </button>
        </div>
      </form>
    </Modal>
  );
}

interface RenameDialogProps {
  title: string;
  label: string;
  initial: string;
  onRename: (value: string) => Promise<void>;
  onClose: () => void;
}

export function RenameDialog({ title, label, initial, onRename, onClose }: RenameDialogProps) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await onRename(value);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Modal title={title} onClose={onClose} testId="rename-dialog">
      <form onSubmit={submit}>
        <label>
          {label}
          <input ref={input} data-testid="rename-input" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="rename-confirm" disabled={!value.trim()}>
            Rename
          </button>
        </div>
      </form>
    </Modal>
  );
}

interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title={title} onClose={onClose} testId="confirm-dialog">
      <p>{message}</p>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          data-testid="confirm"
          onClick={() => onConfirm().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))}
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** Where the workspace is and what wrote it: for a bug report, or a backup. */
export function AboutDialog({ info, onRenamed, onClose }: { info: WorkspaceInfo; onRenamed: (info: WorkspaceInfo) => void; onClose: () => void }) {
  const [name, setName] = useState(info.profile.display_name);
  const [error, setError] = useState<string | null>(null);
  const rename = async (e: FormEvent) => {
    e.preventDefault();
    try {
      onRenamed(await api.setDisplayName(name));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  };
  return (
    <Modal title={`Draftloop ${info.app_version}`} onClose={onClose} testId="about-dialog">
      <form className="rename-self" onSubmit={(e) => void rename(e)}>
        <label>
          Your name, as the timeline and History show it
          <input data-testid="display-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" data-testid="save-display-name" disabled={!name.trim() || name.trim() === info.profile.display_name}>
          Save name
        </button>
      </form>
      <dl className="facts">
        <dt>Workspace</dt>
        <dd className="path" data-testid="about-path">
          {info.database_path}
        </dd>
        <dt>Schema</dt>
        <dd>version {info.schema_version}</dd>
        <dt>Working as</dt>
        <dd>
          {info.profile.display_name} · {info.profile.role} · {info.profile.handle}
        </dd>
        <dt>Device</dt>
        <dd className="path">{info.device_id}</dd>
      </dl>
      <div className="dialog-actions">
        <button className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const mod = navigator.platform.startsWith("Mac") ? "⌘" : "Ctrl";
  const rows: [string, string][] = [
    [`${mod}+Shift+N`, "New project"],
    [`${mod}+N`, "New document in the current project"],
    [`${mod}+S`, "Save now (edits also save by themselves)"],
    [`${mod}+K`, "Search every document by title and text"],
    ["F2", "Rename the current document"],
    [`${mod}+B / ${mod}+I`, "Bold / italic"],
    [`${mod}+Z / ${mod}+Shift+Z`, "Undo / redo"],
    ["Alt+↑ / Alt+↓", "Thumbs up / thumbs down on the current draft"],
    ["Alt+R, then 1–5 or ←/→", "Rate: focus the rubric; Tab moves to the next dimension; Delete clears"],
    ["Alt+G", "Tags on the whole draft: focus the first; Space toggles, Tab moves on"],
    ["Alt+T", "Tag the selected words"],
    ["Alt+M", "Comment on the selected words"],
    ["Alt+C, then Ctrl+Enter", "Write and send a comment on the draft"],
    ["Alt+1 / Alt+2 / Alt+0", "Variants side by side: first is better / second is better / tie"],
    ["Alt+Shift+A / R / E", "Approve / reject / escalate"],
    [`${mod}+Shift+D`, "Changes view: what people changed in the model's draft"],
    [`${mod}+/`, "This sheet"],
    ["Esc", "Close a dialog"],
  ];
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <table className="shortcuts">
        <tbody>
          {rows.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
