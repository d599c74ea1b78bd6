// Benchmark (not a test): typing in a document while the app runs a batch of 500
// briefs against the test server (20 ms a call, 8 at once). Keystroke → DOM latency at
// a typist's pace (60 ms apart), p50/p95, with no batch running (the baseline, same
// run, same document) and during the batch; and the batch's time against the ideal
// (calls × latency / concurrency).
// Run: ./scripts/bench-batch

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Desktop, fill, LlmServer } from "./harness";
import type { Session } from "./webdriver";

const ROWS = 500;
const LATENCY_MS = 20;
const CONCURRENCY = 8;
const KEYSTROKES = 150;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function instrument(s: Session): Promise<void> {
  await s.execute(`
    window.benchLatencies = [];
    let t0 = null;
    document.addEventListener("keydown", () => { t0 = performance.now(); }, true);
    document.addEventListener("input", () => {
      const start = t0;
      if (start === null) return;
      t0 = null;
      window.benchLatencies.push(performance.now() - start);
    }, true);`);
}

async function typeAndMeasure(s: Session): Promise<number[]> {
  await s.execute(`window.benchLatencies = []; const ed = document.querySelector('[data-testid="editor"]'); ed.focus();
    const r = document.createRange(); r.selectNodeContents(ed); r.collapse(false);
    getSelection().removeAllRanges(); getSelection().addRange(r);`);
  const typed = "quick brown fox ".repeat(Math.ceil(KEYSTROKES / 16)).slice(0, KEYSTROKES);
  await s.keys(typed, 60);
  await new Promise((r) => setTimeout(r, 300));
  return (await s.execute(`return window.benchLatencies;`)) as number[];
}

function line(name: string, v: number[]): string {
  return `${name} (${v.length} keys): p50 ${percentile(v, 50).toFixed(1)} ms, p95 ${percentile(v, 95).toFixed(1)} ms, max ${Math.max(...v).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const desktop = new Desktop();
  await desktop.start();
  const llm = await LlmServer.start("", desktop.home, LATENCY_MS);
  try {
    const dir = desktop.dataDir("batch-bench");
    const run = (args: string[]) => {
      const out = desktop.cli(["--data-dir", dir, ...args]);
      if (out.status !== 0) throw new Error(out.stderr);
    };
    run(["projects", "add", "Bench", "--content-type", "email"]);
    run(["prompts", "set", "--project", "Bench", "--template", "Write about {{topic}}."]);
    run(["providers", "add", "Test server", "--kind", "openai-compatible", "--base-url", `${llm.base}/v1`, "--model", "test-model"]);
    run(["projects", "add", "Notes", "--content-type", "report"]);
    run(["documents", "add", "Meeting notes", "--project", "Notes"]);
    const csv = join(desktop.home, "briefs.csv");
    writeFileSync(csv, ["title,topic", ...Array.from({ length: ROWS }, (_, i) => `Email ${i + 1},product ${i + 1}`)].join("\n") + "\n");

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"][data-title="Meeting notes"]')).click();
      await s.waitFor('[data-testid="editor"]');
      await instrument(s);
      const idle = await typeAndMeasure(s);

      await (await s.find('[data-testid="open-batch"]')).click();
      await s.waitFor('[data-testid="batch-provider"] option');
      await (await s.find('[data-testid="batch-project"] option:first-child')).click();
      await fill(s, '[data-testid="batch-concurrency"]', String(CONCURRENCY));
      await fill(s, '[data-testid="batch-path"]', csv);
      // The page notes when the batch ends, while the typing goes on.
      await s.execute(`window.batchStarted = performance.now(); window.batchDone = null;
        const watch = setInterval(() => {
          if (document.querySelector('[data-testid="batch-status"]')?.dataset.state === "done") { window.batchDone = performance.now(); clearInterval(watch); }
        }, 10);`);
      await (await s.find('[data-testid="run-batch"]')).click();
      await (await s.waitFor('[data-testid="hide-batch"]')).click();
      await s.waitUntil("the batch is under way", `return /Batch: [1-9]/.test(document.querySelector('[data-testid="batch-status"]')?.textContent ?? "");`);
      const during = await typeAndMeasure(s);
      const ms = (await s.waitUntil("the batch finished", `return window.batchDone === null ? false : window.batchDone - window.batchStarted;`, [], 300000)) as number;
      const status = await (await s.find('[data-testid="batch-status"]')).text();
      const seconds = ms / 1000;
      const ideal = (ROWS * LATENCY_MS) / CONCURRENCY / 1000;
      console.log(`batch: ${ROWS} rows, ${LATENCY_MS} ms a call, ${CONCURRENCY} at once: ${seconds.toFixed(2)} s in the app (ideal ${ideal.toFixed(2)} s, ${(seconds / ideal).toFixed(2)}×); ${status}`);
      console.log(line("typing, no batch", idle));
      console.log(line("typing during the batch", during));
      console.log(`p95 ratio during/idle: ${(percentile(during, 95) / percentile(idle, 95)).toFixed(2)}`);
    } finally {
      await s.quit();
    }
  } finally {
    llm.stop();
    await desktop.stop();
  }
}

await main();
