import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, toApiError } from "../api";
import type { ExportOptions, ExportPreview, ExportSummary, Filters, Format, ImportProgress, ImportSummary, Profile, Project } from "../bindings";
import { FormFooter, Modal } from "./Dialog";
import { PathField } from "./PathField";

const FORMATS: { format: Format; label: string; hint: string }[] = [
  { format: "sft", label: "SFT", hint: "TRL messages: what people kept or approved" },
  { format: "openai-sft", label: "OpenAI SFT", hint: "chat fine-tuning lines" },
  { format: "dpo", label: "DPO", hint: "TRL prompt / chosen / rejected" },
  { format: "openai-dpo", label: "OpenAI DPO", hint: "preferred / non-preferred output" },
  { format: "kto", label: "KTO", hint: "TRL prompt / completion / label" },
  { format: "ratings", label: "Ratings", hint: "one row per generation, JSONL" },
  { format: "csv", label: "CSV", hint: "flat table" },
  { format: "parquet", label: "Parquet", hint: "flat table" },
];

const EXTENSION: Record<Format, string> = {
  sft: "jsonl",
  "openai-sft": "jsonl",
  dpo: "jsonl",
  "openai-dpo": "jsonl",
  kto: "jsonl",
  ratings: "jsonl",
  csv: "csv",
  parquet: "parquet",
};

/** What one format's export wrote, in a line: rows (by side when split), what was left
 * out or masked. */
export function writtenSummary(s: ExportSummary, split: boolean): string {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const parts = [plural(s.train_rows + s.eval_rows, "row")];
  if (split) parts[0] += ` (${s.train_rows} train, ${s.eval_rows} eval)`;
  if (s.duplicates > 0) parts.push(`${plural(s.duplicates, "duplicate")} left out`);
  const m = s.masked;
  const masked = m.emails + m.phones + m.cards + m.ibans + m.secrets;
  if (masked > 0) parts.push(`${plural(masked, "value")} masked`);
  return `${s.format}: ${parts.join(", ")}`;
}

/** Where one format's export goes inside the chosen folder. */
export function exportTarget(folder: string, format: Format, split: boolean): string {
  const base = folder.replace(/\/+$/, "");
  return split ? `${base}/${format}` : `${base}/${format}.${EXTENSION[format]}`;
}

interface ExportDialogProps {
  projects: Project[];
  /** Where the files go unless the person picks another folder; made if missing. */
  defaultFolder: string;
  onClose: () => void;
}

type Running = { formats: Format[]; done: number; total: number; requestId: string };

/** Formats, filters and options; a live row count and preview; export with progress. */
export function ExportDialog({ projects, defaultFolder, onClose }: ExportDialogProps) {
  const [formats, setFormats] = useState<Format[]>(["dpo"]);
  const [filters, setFilters] = useState<Filters>({ project: null, since: null, until: null, status: null, min_ratings: [], tags: [], prompt_version: null, reviewer: null });
  const [split, setSplit] = useState("");
  const [redact, setRedact] = useState(false);
  const [card, setCard] = useState(true);
  const [minimums, setMinimums] = useState<Record<string, string>>({});
  const [folder, setFolder] = useState(defaultFolder);
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  // What the last export wrote, and whether it was split (the field may change since).
  const [written, setWritten] = useState<{ summaries: ExportSummary[]; split: boolean }>({ summaries: [], split: false });

  const project = projects.find((p) => p.name === filters.project) ?? null;
  // The prompt versions of the projects in scope, as the app names them ("v2").
  const [versions, setVersions] = useState<{ id: string; label: string }[]>([]);
  useEffect(() => {
    let latest = true;
    const inScope = project ? [project] : projects;
    Promise.all(inScope.map(async (p) => ({ p, list: await api.listPromptVersions(p.id) })))
      .then((all) => {
        if (!latest) return;
        const offered = all.flatMap(({ p, list }) => list.map((v, i) => ({ id: v.id, label: `${inScope.length > 1 ? `${p.name} · ` : ""}v${list.length - i}${v.origin === "suggestion" ? " (from a suggestion)" : ""}` })));
        setVersions(offered);
        // A version of a project no longer in scope filters nothing in: let it go.
        setFilters((f) => (f.prompt_version && !offered.some((v) => v.id === f.prompt_version) ? { ...f, prompt_version: null } : f));
      })
      .catch((e: unknown) => setError(toApiError(e).message));
    return () => {
      latest = false;
    };
  }, [project, projects]);
  const inScope = project ? [project] : projects;
  const dimensions = [...new Set(inScope.flatMap((p) => p.rubric.map((d) => d.name)))];
  // Each dimension's scale, the widest among the projects in scope: the minimums offered.
  const scale = (name: string): number[] => {
    const ds = inScope.flatMap((p) => p.rubric.filter((d) => d.name === name));
    const lo = Math.min(...ds.map((d) => d.min));
    const hi = Math.max(...ds.map((d) => d.max));
    return Number.isFinite(lo) && Number.isFinite(hi) ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : [];
  };
  // People who may have decided, by the names the app shows.
  const [people, setPeople] = useState<Profile[]>([]);
  useEffect(() => {
    api.listPeople().then(setPeople).catch((e: unknown) => setError(toApiError(e).message));
  }, []);
  const tags = [...new Set(inScope.flatMap((p) => p.tags))];
  const splitRatio = split.trim() ? Number(split) : null;
  const options = (format: Format): ExportOptions => ({
    format,
    filters: {
      ...filters,
      min_ratings: Object.entries(minimums)
        .filter(([d, v]) => dimensions.includes(d) && /^\d+$/.test(v.trim()))
        .map(([dimension, v]) => ({ dimension, value: Number(v) })),
    },
    split: splitRatio,
    redact,
    card,
    min_edit_distance: 0.05,
  });
  const first = formats[0] ?? "dpo";
  const key = JSON.stringify(options(first));

  // The count and preview follow the choices, a moment after the last change. One
  // count runs at a time (each reads the whole workspace); the latest choices win.
  const counting = useRef<{ running: boolean; wanted: string }>({ running: false, wanted: "" });
  useEffect(() => {
    counting.current.wanted = key;
    const run = async () => {
      if (counting.current.running) return;
      counting.current.running = true;
      try {
        let asked = "";
        while (asked !== counting.current.wanted) {
          asked = counting.current.wanted;
          try {
            const p = await api.exportPreview(JSON.parse(asked) as ExportOptions);
            if (asked === counting.current.wanted) {
              setPreview(p);
              setError(null);
            }
          } catch (e) {
            if (asked === counting.current.wanted) {
              setPreview(null);
              setError(toApiError(e).message);
            }
          }
        }
      } finally {
        counting.current.running = false;
      }
    };
    setPreview(null);
    const timer = setTimeout(() => void run(), 250);
    return () => clearTimeout(timer);
  }, [key]);

  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const toggle = (format: Format) => setFormats((fs) => (fs.includes(format) ? fs.filter((f) => f !== format) : [...fs, format]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (formats.length === 0) return setError("Choose at least one format.");
    if (splitRatio !== null && !(splitRatio > 0 && splitRatio < 1)) return setError("The eval share is between 0 and 1, e.g. 0.1.");
    setError(null);
    setWritten({ summaries: [], split: false });
    // All formats from one read of the workspace.
    const requestId = `export:${Date.now()}`;
    setRunning({ formats, done: 0, total: 0, requestId });
    try {
      const targets = formats.map((format) => ({ format, out: exportTarget(folder, format, splitRatio !== null) }));
      const summaries = await api.exportDataset(requestId, options(first), targets, (p) =>
        setRunning((r) => (r && r.requestId === requestId ? { ...r, done: p.done, total: p.total } : r)),
      );
      if (!summaries.some((s) => s.cancelled)) setWritten({ summaries, split: splitRatio !== null });
    } catch (err) {
      setError(toApiError(err).message);
    }
    setRunning(null);
  };
  const cancel = () => {
    if (running) void api.cancelJob(running.requestId);
  };

  return (
    <Modal title="Export feedback as datasets" onClose={running ? cancel : onClose} testId="export-dialog" wide>
      <form onSubmit={submit}>
        <fieldset className="formats">
          <legend>Formats</legend>
          {FORMATS.map((f) => (
            <label key={f.format} className="check" title={f.hint}>
              <input type="checkbox" data-testid={`format-${f.format}`} checked={formats.includes(f.format)} onChange={() => toggle(f.format)} />
              {f.label}
            </label>
          ))}
        </fieldset>
        <div className="filter-grid">
          <label>
            Project
            <select data-testid="export-project" value={filters.project ?? ""} onChange={(e) => set({ project: e.target.value || null, tags: [] })}>
              <option value="">All projects</option>
              {projects.map((p) => (
                <option key={p.id} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select value={filters.status ?? ""} onChange={(e) => set({ status: e.target.value || null })}>
              <option value="">Any</option>
              {["draft", "in_review", "approved", "rejected", "published"].map((s) => (
                <option key={s} value={s}>
                  {s.replace("_", " ")}
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input type="date" value={filters.since ?? ""} onChange={(e) => set({ since: e.target.value || null })} />
          </label>
          <label>
            Until
            <input type="date" value={filters.until ?? ""} onChange={(e) => set({ until: e.target.value || null })} />
          </label>
          <div className="wide field" role="group" aria-label="Tags (all of)">
            <span className="field-label">Tags (all of)</span>
            <span className="tags">
              {tags.map((t) => {
                const on = filters.tags.includes(t);
                return (
                  <button
                    type="button"
                    key={t}
                    className={`chip-button ${on ? "on" : ""}`}
                    aria-pressed={on}
                    onClick={() => set({ tags: on ? filters.tags.filter((x) => x !== t) : [...filters.tags, t] })}
                  >
                    {t}
                  </button>
                );
              })}
            </span>
          </div>
          <label>
            Prompt version
            <select data-testid="export-prompt-version" value={filters.prompt_version ?? ""} onChange={(e) => set({ prompt_version: e.target.value || null })}>
              <option value="">Any version</option>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Reviewer
            <select data-testid="export-reviewer" value={filters.reviewer ?? ""} onChange={(e) => set({ reviewer: e.target.value || null })}>
              <option value="">Anyone</option>
              {people.map((p) => (
                <option key={p.id} value={p.handle}>
                  {p.display_name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="minimums" role="group" aria-label="Minimum rating per dimension">
          <span className="muted small">Minimum rating</span>
          {dimensions.map((d) => (
            <label key={d} className="minimum">
              {d}
              <select data-testid={`min-${d}`} value={minimums[d] ?? ""} onChange={(e) => setMinimums((m) => ({ ...m, [d]: e.target.value }))}>
                <option value="">any</option>
                {scale(d).map((v) => (
                  <option key={v} value={String(v)}>
                    ≥ {v}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
        <div className="options-row">
          <label>
            Eval share (split by document)
            <input data-testid="export-split" inputMode="decimal" placeholder="none, or e.g. 0.1" value={split} onChange={(e) => setSplit(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" data-testid="export-redact" checked={redact} onChange={(e) => setRedact(e.target.checked)} />
            Redact personal data and secrets
          </label>
          <label className="check">
            <input type="checkbox" checked={card} onChange={(e) => setCard(e.target.checked)} />
            Write a dataset card
          </label>
        </div>
        <PathField label="Folder" testId="export-folder" value={folder} onChange={setFolder} choice={{ kind: "folder", title: "Export datasets into" }} />
        <div className="preview" data-testid="export-preview">
          <strong data-testid="export-count">{preview ? `${preview.rows} ${first} row${preview.rows === 1 ? "" : "s"}` : "Counting…"}</strong>
          {preview?.first.map((line, i) => (
            <pre key={i}>{line.length > 600 ? `${line.slice(0, 600)}…` : line}</pre>
          ))}
        </div>
        {running && (
          <div className="progress" role="status" data-testid="export-progress">
            <span>
              Exporting {running.formats.join(", ")}: {running.done} of {running.total} generations
            </span>
            <progress max={Math.max(1, running.total)} value={running.done} />
          </div>
        )}
        {written.summaries.length > 0 && <p className="written-head">✓ Export finished</p>}
        {written.summaries.length > 0 && (
          <ul className="written" data-testid="export-written" role="status" aria-label="Export finished">
            {written.summaries.map((s) => (
              <li key={s.format}>
                {writtenSummary(s, written.split)} → {s.files.join(", ")}
              </li>
            ))}
          </ul>
        )}
        {running ? (
          <div className="dialog-actions">
            <button type="button" data-testid="cancel-export" onClick={cancel}>
              Cancel
            </button>
          </div>
        ) : (
          <FormFooter
            error={error}
            onClose={onClose}
            submit={written.summaries.length > 0 ? "Export again" : formats.length > 1 ? `Export ${formats.length} formats` : "Export"}
            testId="run-export"
            done={written.summaries.length > 0 && !error}
          />
        )}
      </form>
    </Modal>
  );
}

/** Imports JSONL history (prompts, drafts, finals, feedback) into the workspace. */
export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: (s: ImportSummary) => void }) {
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [requestId, setRequestId] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const id = `import:${Date.now()}`;
    setBusy(true);
    setRequestId(id);
    setError(null);
    try {
      onImported(await api.importHistory(id, path, setProgress));
    } catch (err) {
      setError(toApiError(err).message);
      setBusy(false);
      setProgress(null);
    }
  };
  return (
    <Modal title="Import history" onClose={onClose} testId="import-dialog">
      <form onSubmit={submit}>
        <p className="muted small">
          One JSON record per line: project, prompt, draft, and optionally system, final, model, thumb, ratings, tags, comment, decision, reviewer, created_at. A bad line
          stops the import and nothing is kept; records imported before are skipped.
        </p>
        <PathField
          label="JSONL file"
          testId="import-path"
          autoFocus
          placeholder="~/history.jsonl"
          value={path}
          onChange={setPath}
          disabled={busy}
          choice={{ kind: "open-file", title: "Import history", filter: { name: "JSON Lines", extensions: ["jsonl", "json"] } }}
        />
        {busy && progress && (
          <div className="progress" role="status">
            <span>Importing: {Math.round((100 * progress.done) / Math.max(1, progress.total))}% read (all of it is kept only when the whole file is good)</span>
            <progress max={Math.max(1, progress.total)} value={progress.done} />
          </div>
        )}
        {busy && requestId ? (
          <div className="dialog-actions">
            <button type="button" data-testid="cancel-import" onClick={() => void api.cancelJob(requestId)}>
              Cancel
            </button>
          </div>
        ) : (
          <FormFooter error={error} onClose={onClose} submit="Import" testId="run-import" />
        )}
      </form>
    </Modal>
  );
}
