// Benchmark (not a test): a 50,000-word document in the real webview.
// - open: from the click on the document to the editor painted with all of its text;
// - typing: from each keydown to the frame after the editor has the character, at a
//   typist's pace (60 ms apart), as p50/p95.
// Each is set against a baseline measured in the same run and page: a plain <textarea>
// given the same text, and typing into it.
// Run: ./scripts/bench-editor   (DRAFTLOOP_APP=target/release/draftloop-desktop to use a release build)

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Desktop } from "./harness";
import type { Session } from "./webdriver";

const WORDS = 50_000;
const OPENS = 5;
const KEYSTROKES = 200;

function longDocument(): string {
  const words = "the spring sale brings fresh colour to every room with planners lamps rugs and quiet corners for busy families".split(" ");
  const paragraphs: string[] = [];
  let count = 0;
  for (let p = 0; count < WORDS; p++) {
    const n = Math.min(80, WORDS - count);
    const sentence = Array.from({ length: n }, (_, i) => words[(p * 7 + i) % words.length]).join(" ");
    paragraphs.push(p % 25 === 0 ? `## Section ${p / 25 + 1}\n\n${sentence}.` : `${sentence}.`);
    count += n;
  }
  return paragraphs.join("\n\n");
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Clicks `css` and resolves with the ms until the editor holds `chars` characters and has painted. */
async function timeOpen(s: Session, css: string, chars: number): Promise<number> {
  return (await s.executeAsync(
    `const [css, chars, done] = arguments;
      const t0 = performance.now();
      document.querySelector(css).click();
      const check = () => {
        const ed = document.querySelector('[data-testid="editor"]');
        if (ed && ed.textContent.length >= chars) requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);`,
    [css, chars],
  )) as number;
}

/** Records keydown → next frame after the input, for what has focus. */
async function instrument(s: Session): Promise<void> {
  await s.execute(`
    window.benchLatencies = [];
    window.benchHandlers = [];
    let t0 = null;
    document.addEventListener("keydown", () => { t0 = performance.now(); }, true);
    document.addEventListener("input", () => {
      const start = t0;
      if (start === null) return;
      t0 = null;
      window.benchHandlers.push(performance.now() - start);
      requestAnimationFrame(() => setTimeout(() => window.benchLatencies.push(performance.now() - start), 0));
    }, true);`);
}

async function latencies(s: Session): Promise<number[]> {
  const [values, handlers] = (await s.execute(`const l = [window.benchLatencies, window.benchHandlers]; window.benchLatencies = []; window.benchHandlers = []; return l;`)) as number[][];
  console.log(`  keydown → DOM updated: p50 ${percentile(handlers ?? [], 50).toFixed(1)} ms, p95 ${percentile(handlers ?? [], 95).toFixed(1)} ms`);
  return values ?? [];
}

async function main(): Promise<void> {
  const desktop = new Desktop();
  await desktop.start();
  try {
    const dir = desktop.dataDir("editor-bench");
    const file = join(desktop.home, "long.md");
    const text = longDocument();
    writeFileSync(file, text);
    const run = (args: string[]) => {
      const out = desktop.cli(["--data-dir", dir, ...args]);
      if (out.status !== 0) throw new Error(out.stderr);
    };
    run(["projects", "add", "Bench", "--content-type", "report"]);
    const short = join(desktop.home, "short.md");
    writeFileSync(short, "A short note in the same fonts, so the first open of the long one measures the document, not the first use of a font.\n");
    run(["documents", "add", "Short", "--project", "Bench", "--text", short]);
    run(["documents", "add", "Long", "--project", "Bench", "--text", file]);

    const s = await desktop.launch(dir);
    try {
      await s.waitFor('[data-testid="document-link"][data-title="Long"]');
      const chars = text.replace(/## /g, "").replace(/\n+/g, "").length * 0.95;
      const opens: number[] = [];
      for (let i = 0; i < OPENS; i++) {
        await (await s.find('[data-testid="document-link"][data-title="Short"]')).click();
        await s.waitUntil("the short document is open", `return document.querySelector('[data-testid="document-title"]')?.value === "Short";`);
        // Let the previous open settle (its effects and first paint), so it is not
        // counted in this one.
        await s.painted();
        await new Promise((r) => setTimeout(r, 500));
        opens.push(await timeOpen(s, '[data-testid="document-link"][data-title="Long"]', chars));
      }
      // Baseline: the same text into a plain textarea, painted.
      const textareaOpens: number[] = [];
      for (let i = 0; i < OPENS; i++) {
        textareaOpens.push(
          (await s.executeAsync(
            `const [text, done] = arguments;
              document.getElementById("bench-textarea")?.remove();
              const t0 = performance.now();
              const ta = document.createElement("textarea");
              ta.id = "bench-textarea"; ta.style.cssText = "position:fixed;inset:40px;z-index:99";
              ta.value = text; document.body.appendChild(ta);
              requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));`,
            [text],
          )) as number,
        );
      }

      // Typing at the end of the long document.
      await s.execute(`document.getElementById("bench-textarea").style.display = "none";`);
      await instrument(s);
      await s.execute(`const ed = document.querySelector('[data-testid="editor"]'); ed.focus();
        const r = document.createRange(); r.selectNodeContents(ed); r.collapse(false);
        getSelection().removeAllRanges(); getSelection().addRange(r);`);
      const typed = "quick brown fox ".repeat(Math.ceil(KEYSTROKES / 16)).slice(0, KEYSTROKES);
      await s.keys(typed, 60);
      await new Promise((r) => setTimeout(r, 300));
      const editor = await latencies(s);
      await s.waitUntil("the typing is saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved";`, [], 30000);

      await s.execute(`const ta = document.getElementById("bench-textarea"); ta.style.display = ""; ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length);`);
      await s.keys(typed, 60);
      await new Promise((r) => setTimeout(r, 300));
      const textarea = await latencies(s);

      const med = (v: number[]) => percentile(v, 50);
      console.log(`document: ${WORDS} words, ${text.length} characters`);
      console.log(`open (median of ${OPENS}): editor ${med(opens).toFixed(0)} ms, textarea ${med(textareaOpens).toFixed(0)} ms, ratio ${(med(opens) / med(textareaOpens)).toFixed(1)}; all: ${opens.map((o) => o.toFixed(0)).join(", ")} ms`);
      console.log(
        `keystroke to update (${editor.length} keys): editor p50 ${percentile(editor, 50).toFixed(1)} ms, p95 ${percentile(editor, 95).toFixed(1)} ms, max ${Math.max(...editor).toFixed(1)} ms`,
      );
      console.log(
        `  textarea baseline (${textarea.length} keys): p50 ${percentile(textarea, 50).toFixed(1)} ms, p95 ${percentile(textarea, 95).toFixed(1)} ms; p95 ratio ${(percentile(editor, 95) / percentile(textarea, 95)).toFixed(2)}`,
      );
    } finally {
      await s.quit();
    }
  } finally {
    await desktop.stop();
  }
}

await main();
