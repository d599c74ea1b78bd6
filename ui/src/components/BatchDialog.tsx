import { useEffect, useState, type FormEvent } from "react";
import { api, toApiError } from "../api";
import type { BatchProgress, BatchSummary, Project, Provider } from "../bindings";
import { FormFooter, Modal } from "./Dialog";
import { PathField } from "./PathField";
import { ProviderSelect } from "./ProviderSelect";

/** A batch the app is running (it goes on with the dialog closed). */
export interface BatchRun {
  requestId: string;
  progress: BatchProgress | null;
  summary: BatchSummary | null;
  error: string | null;
}

interface Props {
  projects: Project[];
  initialProjectId: string | null;
  run: BatchRun | null;
  onStart: (projectId: string, provider: string, path: string, concurrency: number) => void;
  onClose: () => void;
  onOpenQueue: () => void;
}

/** A CSV of briefs → one document per row, drafted a few at a time, each scored and
 * approved by the gate or queued; with progress, Cancel, and a summary. The batch goes
 * on when the dialog is closed (the status bar shows it). Running the same file again
 * skips the rows already drafted. */
export function BatchDialog({ projects, initialProjectId, run, onStart, onClose, onOpenQueue }: Props) {
  const [projectId, setProjectId] = useState(initialProjectId ?? projects[0]?.id ?? "");
  const [providers, setProviders] = useState<Provider[]>([]);
  const [provider, setProvider] = useState("");
  const [path, setPath] = useState("");
  const [concurrency, setConcurrency] = useState("4");
  const [invalid, setInvalid] = useState<string | null>(null);
  const progress = run?.progress ?? null;
  const summary = run?.summary ?? null;
  const error = invalid ?? run?.error ?? null;

  useEffect(() => {
    api
      .listProviders()
      .then((p) => {
        setProviders(p);
        setProvider((current) => current || (p[0]?.name ?? ""));
      })
      .catch((e) => setInvalid(toApiError(e).message));
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (summary) {
      onOpenQueue();
      return;
    }
    const n = Number(concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 32) {
      setInvalid("Drafts at once: a whole number from 1 to 32.");
      return;
    }
    setInvalid(null);
    onStart(projectId, provider, path, n);
  };
  const running = run !== null && run.summary === null && run.error === null;
  return (
    <Modal title="Run a batch" onClose={onClose} testId="batch-dialog">
      <form onSubmit={submit}>
        <p className="muted small">
          One row per document: a column for each of the prompt's variables, and a <code>title</code> column (else the first column names each document). Each draft is
          scored; what passes the project's routing is approved, the rest waits in the review queue. Running the same file again skips rows already drafted.
        </p>
        <div className="options-row">
          <label>
            Project
            <select data-testid="batch-project" value={projectId} disabled={running} onChange={(e) => setProjectId(e.target.value)}>
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Provider
            <ProviderSelect providers={providers} value={provider} onChange={setProvider} testId="batch-provider" disabled={running} />
          </label>
          <label>
            Drafts at once
            <input data-testid="batch-concurrency" inputMode="numeric" value={concurrency} disabled={running} onChange={(e) => setConcurrency(e.target.value)} />
          </label>
        </div>
        <PathField
          label="CSV of briefs"
          testId="batch-path"
          autoFocus
          placeholder="~/briefs.csv"
          value={path}
          onChange={setPath}
          disabled={running || summary !== null}
          choice={{ kind: "open-file", title: "Briefs to draft", filter: { name: "CSV", extensions: ["csv"] } }}
        />
        {progress && (
          <div className="progress" role="status" data-testid="batch-progress">
            <span>
              {progress.done} of {progress.total} rows · {progress.auto_approved} approved by the gate · {progress.queued} to review · {progress.failed} failed
              {progress.skipped > 0 && ` · ${progress.skipped} drafted before`}
              {running && progress.concurrency < Number(concurrency) && ` · slowed to ${progress.concurrency} at once (the provider is rate limiting)`}
            </span>
            <progress max={Math.max(1, progress.total)} value={progress.done} />
          </div>
        )}
        {summary && (
          <div className="batch-summary" role="status" data-testid="batch-summary">
            <p className="written-head">
              {summary.cancelled ? "Cancelled" : "✓ Batch finished"}: {summary.generated} drafted, {summary.auto_approved} approved by the gate, {summary.queued} waiting for review,{" "}
              {summary.skipped} drafted before, {summary.failed} failed{summary.not_run > 0 && `, ${summary.not_run} not run`}.
            </p>
            {summary.failures.length > 0 && (
              <ul className="small">
                {summary.failures.map((f) => (
                  <li key={f.row}>
                    Row {f.row} ("{f.title}"): {f.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {running ? (
          <div className="dialog-actions">
            <button type="button" data-testid="hide-batch" onClick={onClose} title="The batch goes on; the status bar shows how far it is">
              Hide
            </button>
            <button type="button" data-testid="cancel-batch" onClick={() => run && void api.cancelJob(run.requestId)}>
              Cancel batch
            </button>
          </div>
        ) : (
          <FormFooter error={error} onClose={onClose} submit={summary ? "Open the review queue" : "Run batch"} testId="run-batch" done={summary !== null} />
        )}
      </form>
    </Modal>
  );
}
