// Benchmark (not a test): the real app (release build) opening the dashboard of a
// workspace of 215,000 drafts and 1,000,276 feedback events, from the click to the
// figures painted, against a bare SQL aggregate of the same figures in the same run
// (benches/metrics/run.py --bare, one thread; the app's figures are one thread too).
// Run: ./scripts/bench-dashboard

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Desktop, ROOT } from "./harness";
import type { Session } from "./webdriver";

const WORKSPACE = process.env.BENCH_WORKSPACE ?? "";
const DRAFTS = Number(process.env.BENCH_DRAFTS ?? "0");

/** Milliseconds from running `act` to the drafts figure reading `drafts`. */
async function until(s: Session, act: string, drafts: number): Promise<number> {
  return (await s.executeAsync(`
    const done = arguments[arguments.length - 1];
    const t0 = performance.now();
    ${act}
    const seen = () => (document.querySelector('[data-testid="figure-drafts"]')?.textContent ?? "").replace(/\\D/g, "") === "${drafts}";
    const poll = () => seen() ? requestAnimationFrame(() => done(performance.now() - t0)) : setTimeout(poll, 5);
    poll();`)) as number;
}

function floor(): number {
  const out = spawnSync("python3", [join(ROOT, "benches/metrics/run.py"), "--bare", join(WORKSPACE, "draftloop.db")], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout.split(" ")[0]) * 1000;
}

async function main(): Promise<void> {
  if (!WORKSPACE || !DRAFTS) throw new Error("BENCH_WORKSPACE and BENCH_DRAFTS are set by ./scripts/bench-dashboard");
  const desktop = new Desktop();
  await desktop.start();
  try {
    const s = await desktop.launch(WORKSPACE);
    try {
      await s.waitFor('[data-testid="open-dashboard"]', 60000);
      const rows: string[] = [];
      await s.waitUntil("the projects are listed", `return performance.getEntriesByName("projects-listed").length > 0;`, [], 60000);
      const listed = (await s.execute(`return performance.getEntriesByName("projects-listed")[0].startTime;`)) as number;
      rows.push(`the window's start to its project list painted: ${listed.toFixed(0)} ms`);
      for (let turn = 1; turn <= 3; turn++) {
        // Open the dashboard on "All time" (the period is kept between visits), from
        // another view; then the floor, in turn.
        await s.execute(`document.querySelector('[data-testid="open-review-queue"]').click();`);
        await s.waitFor('[data-testid="review-queue"]');
        if (turn === 1) {
          await s.execute(`document.querySelector('[data-testid="open-dashboard"]').click();`);
          await s.waitFor('[data-testid="dashboard-period"]');
          const all = await until(s, `
            const sel = document.querySelector('[data-testid="dashboard-period"]');
            Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set.call(sel, "3");
            sel.dispatchEvent(new Event("change", { bubbles: true }));`, DRAFTS);
          rows.push(`turn 0 (first figures worked out since the app started, All time chosen): ${all.toFixed(0)} ms`);
          continue;
        }
        const app = await until(s, `document.querySelector('[data-testid="open-dashboard"]').click();`, DRAFTS);
        const sql = floor();
        rows.push(`turn ${turn - 1}: app ${app.toFixed(0)} ms | bare SQL aggregate ${sql.toFixed(0)} ms | ${(app / sql).toFixed(2)}x`);
      }
      for (let turn = 3; turn <= 4; turn++) {
        await s.execute(`document.querySelector('[data-testid="open-review-queue"]').click();`);
        await s.waitFor('[data-testid="review-queue"]');
        const app = await until(s, `document.querySelector('[data-testid="open-dashboard"]').click();`, DRAFTS);
        const sql = floor();
        rows.push(`turn ${turn}: app ${app.toFixed(0)} ms | bare SQL aggregate ${sql.toFixed(0)} ms | ${(app / sql).toFixed(2)}x`);
      }
      // Where the time goes: the figures' command alone, and the document list the
      // window reads at start.
      const call = async (cmd: string, args: string) =>
        (await s.executeAsync(`
          const done = arguments[arguments.length - 1];
          const t0 = performance.now();
          window.__TAURI_INTERNALS__.invoke(${JSON.stringify(cmd)}, ${args}).then(() => done(performance.now() - t0), (e) => done(-1));`)) as number;
      for (let i = 0; i < 3; i++) {
        rows.push(
          `metrics command alone: ${(await call("metrics", `{ scope: { project_id: null, since: null, until: null } }`)).toFixed(0)} ms; ` +
            `at start: document_list ${(await call("document_list", "{ perProject: 100 }")).toFixed(0)} ms, list_projects ${(await call("list_projects", "{}")).toFixed(0)} ms, ` +
            `workspace_info ${(await call("workspace_info", "{}")).toFixed(0)} ms, review_queue ${(await call("review_queue", `{ filter: { project_id: null, tier: null, kind: null, order: "lowest_confidence" } }`)).toFixed(0)} ms`,
        );
      }
      console.log(`dashboard of ${DRAFTS} drafts, click to figures painted:`);
      for (const r of rows) console.log(`  ${r}`);
    } finally {
      await s.quit();
    }
  } finally {
    await desktop.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
