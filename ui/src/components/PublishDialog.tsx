import { useState, type FormEvent } from "react";
import { api, toApiError } from "../api";
import type { Project, PublishFormat, PublishSummary } from "../bindings";
import { FormFooter, Modal } from "./Dialog";
import { PathField } from "./PathField";

/** Writes a project's approved copy (one Markdown file a document, or one CSV) and
 * marks it published. Drafts, documents in review and rejected ones stay behind. */
export function PublishDialog({ project, defaultFolder, onClose }: { project: Project; defaultFolder: string; onClose: () => void }) {
  const [format, setFormat] = useState<PublishFormat>("markdown");
  const [folder, setFolder] = useState(defaultFolder);
  const [summary, setSummary] = useState<PublishSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      setSummary(await api.publishProject(project.id, format, folder));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  };
  return (
    <Modal title={`Publish ${project.name}`} onClose={onClose} testId="publish-dialog">
      <form onSubmit={submit}>
        <p className="muted small">Only approved documents are published; each becomes "Published". Drafts, documents in review and rejected ones stay behind.</p>
        <label>
          As
          <select data-testid="publish-format" value={format} disabled={summary !== null} onChange={(e) => setFormat(e.target.value as PublishFormat)}>
            <option value="markdown">Markdown files, one a document</option>
            <option value="csv">One CSV (title, text)</option>
          </select>
        </label>
        <PathField label="Into the folder" testId="publish-folder" value={folder} onChange={setFolder} disabled={summary !== null} choice={{ kind: "folder", title: "Publish into" }} />
        {summary && (
          <div role="status" data-testid="publish-summary">
            <p className="written-head">
              ✓ Published {summary.documents} approved document{summary.documents === 1 ? "" : "s"}
            </p>
            <ul className="written">
              {summary.files.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          </div>
        )}
        {summary ? (
          <div className="dialog-actions">
            <button type="button" className="primary" data-testid="close-dialog" onClick={onClose}>
              Close
            </button>
          </div>
        ) : (
          <FormFooter error={error} onClose={onClose} submit="Publish" testId="run-publish" />
        )}
      </form>
    </Modal>
  );
}
