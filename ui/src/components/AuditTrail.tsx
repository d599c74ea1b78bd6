import { useCallback, useEffect, useRef, useState } from "react";
import { api, toApiError } from "../api";
import type { AuditCheck, AuditFilter, AuditRow, Profile } from "../bindings";
import { when } from "../lib/dates";
import { useChanged } from "../lib/changed";
import { PathField } from "./PathField";

const PAGE = 100;

/** What a person reads for an entry's detail: its fields, one a line. */
function detailLines(detail: string): string[] {
  try {
    const value: unknown = JSON.parse(detail);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    return [JSON.stringify(value)];
  } catch {
    return [detail];
  }
}

/** Every change to the workspace (who, device, when, what, with what), filterable;
 * "Verify" walks the hash chains and names the first bad entry; export as JSONL. */
export function AuditTrail({ exportFolder, onNotice }: { exportFolder: string; onNotice: (message: string) => void }) {
  const [people, setPeople] = useState<Profile[]>([]);
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [entity, setEntity] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [total, setTotal] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [check, setCheck] = useState<AuditCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState(`${exportFolder.replace(/\/$/, "")}/draftloop-audit.jsonl`);

  useEffect(() => {
    api.listPeople().then(setPeople).catch(() => undefined);
  }, []);

  const filter = useCallback(
    (before: number | null): AuditFilter => ({
      actor: actor || null,
      action: action.trim() || null,
      entity_id: entity.trim() || null,
      since: since || null,
      until: until || null,
      before,
      limit: PAGE,
    }),
    [actor, action, entity, since, until],
  );
  // Only the answer to the latest filter is shown.
  const asked = useRef(0);
  const reload = useCallback(() => {
    const n = ++asked.current;
    api
      .auditTrail(filter(null))
      .then((page) => {
        if (n !== asked.current) return;
        setRows(page.rows);
        setTotal(page.total);
        setError(null);
      })
      .catch((e: unknown) => n === asked.current && setError(toApiError(e).message));
  }, [filter]);
  useEffect(() => {
    const t = setTimeout(reload, 150);
    return () => clearTimeout(t);
  }, [reload]);
  useChanged(() => reload());

  const more = async () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    try {
      const page = await api.auditTrail(filter(last.entry.seq));
      setRows((r) => [...r, ...page.rows]);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const verify = async () => {
    setChecking(true);
    try {
      setCheck(await api.checkAuditLog());
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setChecking(false);
    }
  };
  const exportAll = async () => {
    try {
      const n = await api.exportAuditLog(file);
      onNotice(`Exported ${n} audit entries to ${file}`);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  return (
    <main className="audit-trail" data-testid="audit-trail">
      <header className="queue-head">
        <h1>Audit trail</h1>
        <button type="button" data-testid="verify-audit" disabled={checking} onClick={() => void verify()} title="Walk every device's hash chain">
          {checking ? "Verifying…" : "Verify"}
        </button>
        {check && (
          <span role="status" data-testid="audit-check" className={check.first_bad ? "check bad" : "check ok"}>
            {check.first_bad
              ? `✗ Entry ${check.first_bad.id} (number ${check.first_bad.device_seq} of device …${check.first_bad.device_id.slice(-8)}) does not verify: ${check.first_bad.reason}`
              : `✓ All ${check.entries} entries verify`}
          </span>
        )}
      </header>
      <div className="audit-filters">
        <label>
          Who
          <select data-testid="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">Anyone</option>
            {people.map((p) => (
              <option key={p.id} value={p.handle}>
                {p.display_name}
              </option>
            ))}
          </select>
        </label>
        <label>
          What
          <input data-testid="audit-action" placeholder="document.published, or document." value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <label>
          Of
          <input data-testid="audit-entity" placeholder="an id" value={entity} onChange={(e) => setEntity(e.target.value)} />
        </label>
        <label>
          From
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          Until
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
      </div>
      <div className="audit-body">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <section className="dashboard-export">
          <PathField label="Export every entry as JSON lines to" testId="audit-file" value={file} onChange={setFile} choice={{ kind: "save-file", title: "Export the audit trail", suggested: file, filter: { name: "JSON lines", extensions: ["jsonl"] } }} />
          <button type="button" data-testid="export-audit" onClick={() => void exportAll()}>
            Export JSONL
          </button>
        </section>
        <p className="muted small" data-testid="audit-count">
          {total === rows.length ? `${total} entries` : `${rows.length} of ${total} entries`}
        </p>
        <table className="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Of</th>
              <th>Device</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ entry, who }) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action} className={open === entry.id ? "open" : ""}>
                <td>{when(entry.at)}</td>
                <td title={entry.actor}>{who}</td>
                <td>
                  <button type="button" className="link" data-testid="audit-open" aria-expanded={open === entry.id} title="What changed, and the entry's place in its chain" onClick={() => setOpen(open === entry.id ? null : entry.id)}>
                    <code>{entry.action}</code>
                  </button>
                  {open === entry.id && (
                    <ul className="audit-detail" data-testid="audit-detail">
                      {detailLines(entry.detail).map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                      <li className="muted">
                        entry {entry.id}, number {entry.device_seq} of its device; hash {entry.hash.slice(0, 16)}…
                      </li>
                    </ul>
                  )}
                </td>
                {/* Ids are UUIDv7: their start is a time, their end tells them apart. */}
                <td title={entry.entity_id}>
                  {entry.entity_kind} …{entry.entity_id.slice(-8)}
                </td>
                <td title={entry.device_id}>…{entry.device_id.slice(-8)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length < total && (
          <button type="button" data-testid="audit-more" onClick={() => void more()}>
            Show {Math.min(PAGE, total - rows.length)} more
          </button>
        )}
      </div>
    </main>
  );
}
