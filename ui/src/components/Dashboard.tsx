import { useCallback, useEffect, useRef, useState } from "react";
import type { ChartConfiguration } from "chart.js";
import { api, toApiError } from "../api";
import type { DraftRef, Figure, Metrics, MetricsScope, Project } from "../bindings";
import { when } from "../lib/dates";
import { useChanged } from "../lib/changed";
import { Chart, SERIES } from "./Chart";
import { PathField } from "./PathField";

const PERIODS: { label: string; days: number | null }[] = [
  { label: "Last 7 days", days: 7 },
  { label: "Last 30 days", days: 30 },
  { label: "Last 90 days", days: 90 },
  { label: "All time", days: null },
];

const PERIOD_KEY = "draftloop.dashboard.period";
const PROJECT_KEY = "draftloop.dashboard.project";

const percent = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const seconds = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);

/** The day `days` ago (UTC), as the core takes a period's start. */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "chart";
}

/** A team lead's view: is the model getting better, is the routing right, where does
 * review time go, do reviewers agree. Every figure comes from the core's metrics. */
export function Dashboard({
  projects,
  exportFolder,
  onNotice,
  onOpenDocument,
}: {
  projects: Project[];
  exportFolder: string;
  onNotice: (message: string) => void;
  onOpenDocument: (documentId: string) => void;
}) {
  // The project and period chosen last time stay chosen (the dashboard is reopened often).
  const [projectId, setProjectId] = useState<string>(() => localStorage.getItem(PROJECT_KEY) ?? "");
  const [period, setPeriod] = useState(() => {
    const saved = Number(localStorage.getItem(PERIOD_KEY) ?? "1");
    return Number.isInteger(saved) && saved >= 0 && saved < PERIODS.length ? saved : 1;
  });
  useEffect(() => {
    localStorage.setItem(PROJECT_KEY, projectId);
    localStorage.setItem(PERIOD_KEY, String(period));
  }, [projectId, period]);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [folder, setFolder] = useState(exportFolder);
  const pngs = useRef<Record<string, () => string>>({});
  // The drafts behind the figure last chosen.
  const [behind, setBehind] = useState<{ figure: Figure; label: string; drafts: DraftRef[] | null } | null>(null);

  const days = PERIODS[period]?.days ?? null;
  // A project deleted since it was chosen is no longer in the list: the whole workspace.
  const project = projects.some((p) => p.id === projectId) ? projectId : "";
  const scope: MetricsScope = { project_id: project || null, since: days === null ? null : daysAgo(days), until: null };
  const key = JSON.stringify(scope);
  const asked = useRef(0);
  const reload = useCallback(() => {
    const n = ++asked.current;
    api
      .metrics(JSON.parse(key) as MetricsScope)
      .then((m) => {
        if (n !== asked.current) return;
        setMetrics(m);
        setError(null);
      })
      .catch((e: unknown) => n === asked.current && setError(toApiError(e).message));
  }, [key]);
  useEffect(reload, [reload]);
  useChanged((changed) => {
    if (changed.everything || changed.activity.length > 0 || changed.documents.length > 0 || changed.projects.length > 0) reload();
  });

  const showDrafts = async (figure: Figure, label: string) => {
    if (behind?.figure === figure) {
      setBehind(null);
      return;
    }
    setBehind({ figure, label, drafts: null });
    try {
      const drafts = await api.metricsDrafts(scope, figure);
      setBehind((b) => (b?.figure === figure ? { figure, label, drafts } : b));
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  // A new scope makes the list stale.
  useEffect(() => setBehind(null), [key]);

  const savePng = async (name: string) => {
    const take = pngs.current[name];
    if (!take) return;
    const data = atob(take().split(",")[1] ?? "");
    const bytes = Array.from(data, (c) => c.charCodeAt(0));
    const path = `${folder.replace(/\/$/, "")}/${slug(name)}.png`;
    try {
      await api.saveChartPng(path, bytes);
      onNotice(`Saved the chart as ${path}`);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const saveCsv = async () => {
    const path = `${folder.replace(/\/$/, "")}/draftloop-metrics.csv`;
    try {
      await api.exportMetricsCsv(scope, path);
      onNotice(`Saved the figures as ${path}`);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  const m = metrics;
  const charts: { name: string; label: string; config: ChartConfiguration; empty?: string }[] = m
    ? [
        {
          name: "Review volume per week",
          label: "Drafts per week: approved by the gate, decided by a person, not decided yet; beside them, those a person changed or rejected",
          empty: m.weekly.length ? undefined : "No drafts in this period.",
          config: {
            type: "bar",
            data: {
              labels: m.weekly.map((w) => `Week of ${w.week}`),
              datasets: [
                { label: "Approved by the gate", data: m.weekly.map((w) => w.auto_approved), backgroundColor: SERIES[1], stack: "drafts" },
                { label: "Decided by a person", data: m.weekly.map((w) => w.reviewed), backgroundColor: SERIES[0], stack: "drafts" },
                { label: "Not decided yet", data: m.weekly.map((w) => Math.max(0, w.drafts - w.auto_approved - w.reviewed)), backgroundColor: "#d1d5db", stack: "drafts" },
                { label: "Changed or rejected", data: m.weekly.map((w) => w.intervened), backgroundColor: SERIES[2], stack: "people" },
              ],
            },
            options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "drafts" }, ticks: { precision: 0 } } } },
          },
        },
        {
          name: "Learning curve",
          label: "Share of the model's words people changed, by prompt version",
          empty: m.edit_distance_by_prompt_version.length ? undefined : "No draft of a prompt version went into a document in this period.",
          config: {
            type: "line",
            data: {
              labels: m.edit_distance_by_prompt_version.map((v) => v.label),
              datasets: [
                {
                  label: "Words changed",
                  data: m.edit_distance_by_prompt_version.map((v) => Math.round(v.mean * 1000) / 10),
                  borderColor: SERIES[0],
                  backgroundColor: SERIES[0],
                },
                {
                  label: "Decided by a person",
                  data: m.edit_distance_by_prompt_version.map((v) => (v.drafts ? Math.round((v.reviewed / v.drafts) * 1000) / 10 : 0)),
                  borderColor: SERIES[2],
                  backgroundColor: SERIES[2],
                },
              ],
            },
            options: { scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: "% of drafts / words" } }, x: { title: { display: true, text: "prompt version" } } } },
          },
        },
        {
          name: "Review time per reviewer",
          label: "Median seconds a reviewer spent on an item",
          empty: m.review_time_ms.by_reviewer.length ? undefined : "No reviewer has timed work in this period yet.",
          config: {
            type: "bar",
            data: {
              labels: m.review_time_ms.by_reviewer.map((r) => r.reviewer),
              datasets: [{ label: "Median seconds per item", data: m.review_time_ms.by_reviewer.map((r) => (r.median ?? 0) / 1000), backgroundColor: SERIES[0] }],
            },
            options: { scales: { y: { beginAtZero: true, title: { display: true, text: "seconds" } } } },
          },
        },
        {
          name: "Tags",
          label: "Drafts carrying each tag",
          empty: m.tags.length ? undefined : "No draft in this period carries a tag.",
          config: {
            type: "bar",
            data: {
              labels: m.tags.map((t) => t.tag),
              datasets: [{ label: "Drafts", data: m.tags.map((t) => t.drafts), backgroundColor: SERIES[3] }],
            },
            options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
          },
        },
        {
          name: "Ratings",
          label: "Drafts by rating, per rubric dimension",
          empty: m.ratings.length ? undefined : "No draft in this period is rated.",
          config: {
            type: "bar",
            data: {
              labels: m.ratings.map((r) => `${r.dimension} (mean ${r.mean.toFixed(1)})`),
              datasets: [...new Set(m.ratings.flatMap((r) => r.counts.map(([v]) => v)))]
                .sort((a, b) => a - b)
                .map((value, i) => ({
                  label: `Rated ${value}`,
                  data: m.ratings.map((r) => r.counts.find(([v]) => v === value)?.[1] ?? 0),
                  backgroundColor: SERIES[i % SERIES.length],
                })),
            },
            options: { scales: { y: { beginAtZero: true, stacked: true, ticks: { precision: 0 } }, x: { stacked: true } } },
          },
        },
      ]
    : [];

  return (
    <main className="dashboard" data-testid="dashboard">
      <header className="queue-head">
        <h1>Dashboard</h1>
        <label className="inline">
          Project
          <select data-testid="dashboard-project" value={project} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Period
          <select data-testid="dashboard-period" value={period} onChange={(e) => setPeriod(Number(e.target.value))}>
            {PERIODS.map((p, i) => (
              <option key={p.label} value={i}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <div className="dashboard-body">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {m && (
          <>
            <section className="dashboard-export">
              <PathField label="Save figures and charts into" testId="dashboard-folder" value={folder} onChange={setFolder} choice={{ kind: "folder", title: "Save into" }} />
              <button type="button" data-testid="save-metrics-csv" onClick={() => void saveCsv()}>
                Save figures as CSV
              </button>
            </section>
            <section className="tiles" aria-label="Figures">
              <Tile figure="drafts" onShow={showDrafts} name="drafts" label="Drafts" value={String(m.drafts)} hint="Whole drafts the model wrote in the period" />
              <Tile figure="intervened" onShow={showDrafts} name="intervention-rate" label="Changed or rejected" value={percent(m.intervention_rate)} hint="Share of drafts a person changed or rejected" />
              <Tile name="approval-rate" label="Approval rate" value={percent(m.approval_rate)} hint="Approved of approved and rejected" />
              <Tile figure="auto_approved" onShow={showDrafts} name="auto-approved" label="Approved by the gate" value={String(m.auto_approved)} hint="Let through by the routing with no person since" />
              <Tile figure="reviewed" onShow={showDrafts} name="reviewed" label="Decided by a person" value={String(m.reviewed)} hint={`Standing decisions, gate's included: ${m.approved} approved, ${m.rejected} rejected, ${m.escalated} escalated`} />
              <Tile name="review-time" label="Review time" value={`${seconds(m.review_time_ms.median)}`} hint={`Median per item; 90% within ${seconds(m.review_time_ms.p90)} (${m.review_time_ms.items} items)`} />
              <Tile name="waiting" label="Waiting now" value={String(m.queue.open)} hint={`${m.queue.overdue} past their deadline`} />
              <Tile
                name="routing"
                label="Routing precision / recall"
                value={`${percent(m.routing.precision)} / ${percent(m.routing.recall)}`}
                hint={`${m.routing.missed} of ${m.routing.audited} audits missed; ${m.routing.over_routed} of ${m.routing.routed} routed drafts were approved as they were`}
              />
              <Tile
                name="agreement"
                label="Reviewer agreement"
                value={m.agreement.kappa !== null ? `κ ${m.agreement.kappa.toFixed(2)}` : m.agreement.alpha !== null ? `α ${m.agreement.alpha.toFixed(2)}` : "–"}
                hint={[
                  `${m.agreement.items} drafts decided by two people or more`,
                  ...m.agreement.dimensions.map((d) => `${d.dimension}: α ${d.alpha === null ? "–" : d.alpha.toFixed(2)} over ${d.items}`),
                ].join("; ")}
              />
            </section>
            {behind && (
              <section className="drafts-behind" data-testid="drafts-behind" aria-label={`Drafts behind ${behind.label}`}>
                <header>
                  <strong>{behind.label}</strong>
                  <span className="muted small">{behind.drafts === null ? "Reading…" : `${behind.drafts.length} drafts`}</span>
                  <button type="button" className="icon" aria-label="Close the list" onClick={() => setBehind(null)}>
                    ×
                  </button>
                </header>
                <ul>
                  {behind.drafts?.map((d) => (
                    <li key={d.generation_id}>
                      <button type="button" className="link" data-testid="draft-behind" data-title={d.title} onClick={() => onOpenDocument(d.document_id)}>
                        {d.title}
                      </button>
                      <span className="muted small">
                        {" "}
                        · {d.project} · {when(d.created_at)}
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            <section className="charts">
              {charts.map((c) => (
                <figure key={c.name} className="chart-card">
                  <figcaption>
                    <span>{c.name}</span>
                    <button type="button" className="link" disabled={!!c.empty} data-testid={`save-png-${slug(c.name)}`} title={`Save “${c.name}” as a PNG image in the folder below`} onClick={() => void savePng(c.name)}>
                      PNG
                    </button>
                  </figcaption>
                  {c.empty ? (
                    <p className="muted chart-empty" data-testid={`chart-empty-${slug(c.name)}`}>
                      {c.empty}
                    </p>
                  ) : (
                    <Chart config={c.config} label={c.label} testId={`chart-${slug(c.name)}`} onReady={(png) => (pngs.current[c.name] = png)} />
                  )}
                </figure>
              ))}
            </section>
          </>
        )}
      </div>
    </main>
  );
}

function Tile({
  name,
  label,
  value,
  hint,
  figure,
  onShow,
}: {
  name: string;
  label: string;
  value: string;
  hint: string;
  /** The figure whose drafts a click lists. */
  figure?: Figure;
  onShow?: (figure: Figure, label: string) => void;
}) {
  // The figure itself opens onto the drafts behind it.
  return (
    <div className="tile" data-testid={`tile-${name}`} title={hint}>
      <span className="tile-label">{label}</span>
      {figure && onShow ? (
        <button type="button" className="link tile-value" data-testid={`figure-${name}`} title={`Show the drafts behind “${label}”`} onClick={() => onShow(figure, label)}>
          {value}
        </button>
      ) : (
        <strong className="tile-value" data-testid={`figure-${name}`}>
          {value}
        </strong>
      )}
      <span className="tile-hint muted small">{hint}</span>
    </div>
  );
}
