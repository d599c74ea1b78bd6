// Crash safety of the real app: it is killed outright (SIGKILL, the app and WebKit's
// processes) at random moments while a person types, records feedback, imports a
// history or exports datasets, over and over on one workspace. After every kill:
//   - `PRAGMA integrity_check` is ok;
//   - every comment the UI showed as recorded is in the database;
//   - the document text is at most about 1 s behind what was typed;
//   - an export the UI reported is whole, and no `.partial` file is left once the app
//     has started again;
//   - the app reopens to its projects.
// At the end every history file imported (some cut off midway) is imported again and
// each of its records is there exactly once.
//
// CRASH_KILLS sets the number of kills (CI runs a few; the full run is 200), CRASH_SEED
// the random moments (printed, so a failure can be replayed).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { appProcesses, Desktop, fill } from "./harness";
import { Session, sleep } from "./webdriver";

const KILLS = Number(process.env.CRASH_KILLS ?? 8);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
/** How far behind the typing the saved text may be, with room for one save's own time. */
const TYPING_LAG_MS = 1500;
const IMPORT_RECORDS = 4000;

/** mulberry32: small, seeded, good enough to pick moments. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sql(db: string, query: string): string {
  return execFileSync("sqlite3", [db, query], { encoding: "utf8" }).trim();
}

/** A history file of `n` records no other file shares. */
function historyFile(dir: string, k: number, n: number): string {
  const path = join(dir, `history-${k}.jsonl`);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const draft = `Meet item ${k}-${i}. In today's fast-paced world it is a game changer. Utilize it daily.`;
    lines.push(
      JSON.stringify({
        project: "Imported",
        prompt: `Write about item ${k}-${i}.`,
        draft,
        final: i % 3 === 0 ? draft : `Meet item ${k}-${i}. Use it daily.`,
        thumb: i % 2 ? "up" : "down",
        ratings: { clarity: 1 + (i % 5) },
        created_at: "2026-03-01T09:00:00Z",
      }),
    );
  }
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** Whether an export file is whole: every JSON line parses, a table ends its last row,
 * a Parquet file has its footer. */
function whole(path: string): boolean {
  const bytes = readFileSync(path);
  if (path.endsWith(".parquet")) return bytes.length > 8 && bytes.subarray(-4).toString() === "PAR1";
  const text = bytes.toString("utf8");
  if (path.endsWith(".csv")) return text.endsWith("\r\n");
  if (path.endsWith(".md")) return text.startsWith("# Draftloop feedback dataset") && text.endsWith("\n"); // a dataset card
  if (text.length === 0) return true;
  if (!text.endsWith("\n")) return false;
  return text
    .split("\n")
    .filter(Boolean)
    .every((line) => {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** What a kill's checks found, in a line. */
type Outcome = { checks: () => string };

describe("Crash safety", () => {
  it(`keeps the workspace whole through ${KILLS} kills at random moments`, async () => {
    console.log(`crash harness: ${KILLS} kills, CRASH_SEED=${SEED}`);
    const rand = random(SEED);
    const desktop = new Desktop();
    await desktop.start();
    try {
      const dir = desktop.dataDir("crash");
      const db = join(dir, "draftloop.db");
      const exports = join(desktop.home, "exports");
      const cli = (args: string[]) => {
        const out = desktop.cli(["--data-dir", dir, ...args]);
        assert.equal(out.status, 0, `draftloop ${args.join(" ")}: ${out.stderr}`);
        return out.stdout;
      };
      cli(["projects", "add", "Crash", "--content-type", "email"]);
      cli(["documents", "add", "Crash notes", "--project", "Crash"]);
      cli(["import", join(import.meta.dirname, "../interop/history.jsonl")]);
      const reviewed = sql(db, "SELECT d.title FROM documents d JOIN projects p ON p.id = d.project_id WHERE p.name = 'Spring launch' ORDER BY d.title LIMIT 1");

      const histories: string[] = [];
      let importDone = true;
      let worstLag = 0;
      const tally = { typing: 0, feedback: 0, import: 0, export: 0, comments: 0, exports: 0, imports: 0 };

      /** Types short chunks at the end of the notes, noting when each was typed. */
      const typing = async (s: Session, started: () => void, typed: { text: string; at: number }[]) => {
        await (await s.waitFor('[data-testid="document-link"][data-title="Crash notes"]')).click();
        await s.waitFor('[data-testid="editor"]');
        await s.execute(`document.querySelector('[data-testid="editor"]').editor.commands.focus("end");`);
        started();
        for (let j = 0; ; j++) {
          // In flight until the keys are sent: it may be saved in part, or not at all.
          const chunk = { text: ` w${tally.typing}x${j}`, at: Infinity };
          typed.push(chunk);
          await s.keys(chunk.text);
          chunk.at = Date.now();
        }
      };
      const feedback = async (s: Session, started: () => void, said: string[]) => {
        await (await s.waitFor(`[data-testid="document-link"][data-title="${reviewed}"]`)).click();
        await s.waitFor('[data-testid="comment-text"]');
        started();
        for (let j = 0; ; j++) {
          const text = `crash comment ${tally.feedback}-${j}`;
          await fill(s, '[data-testid="comment-text"]', text);
          await (await s.find('[data-testid="send-comment"]')).click();
          await s.waitUntil("the comment is recorded", `return [...document.querySelectorAll('.comments li')].some((li) => li.textContent.includes(arguments[0]));`, [text]);
          said.push(text);
        }
      };
      const importing = async (s: Session, started: () => void, file: string, finished: { yes: boolean }) => {
        await (await s.waitFor('[data-testid="open-import"]')).click();
        await fill(s, '[data-testid="import-path"]', file);
        await (await s.find('[data-testid="run-import"]')).click();
        started();
        await s.waitUntil("the import is done", `return !document.querySelector('[data-testid="import-dialog"]');`, [], 120000);
        finished.yes = true;
        await sleep(60000);
      };
      const exporting = async (s: Session, started: () => void, written: string[]) => {
        await (await s.waitFor('[data-testid="open-export"]')).click();
        for (const f of ["sft", "kto", "csv", "parquet"]) await (await s.waitFor(`[data-testid="format-${f}"]`)).click();
        await fill(s, '[data-testid="export-folder"]', exports);
        await (await s.find('[data-testid="run-export"]')).click();
        started();
        await s.waitUntil("the export is written", `return document.querySelectorAll('[data-testid="export-written"] li').length === 5;`, [], 120000);
        const files = readdirSync(exports).filter((f) => !f.endsWith(".partial"));
        written.push(...files.map((f) => join(exports, f)));
        await sleep(60000);
      };

      for (let i = 0; i < KILLS; i++) {
        const kind = (["typing", "feedback", "import", "export"] as const)[i % 4] as "typing" | "feedback" | "import" | "export";
        const s = await desktop.launch(dir);
        // It reopened: the projects are listed.
        await s.waitFor('[data-testid="document-link"]', 30000);
        // A start removes what an export cut off earlier left.
        if (existsSync(exports)) {
          assert.deepEqual(readdirSync(exports).filter((f) => f.endsWith(".partial")), [], `kill ${i}: partial exports survive a start`);
        }
        const before = sql(db, "SELECT body_markdown FROM documents WHERE title = 'Crash notes'");

        let outcome: Outcome;
        let work: Promise<void>;
        let killedAt = 0;
        // The moment, counted from when the typing, the feedback, the import or the export begins.
        const delay = { typing: 3000 * rand(), feedback: 4000 * rand(), import: 3000 * rand(), export: 1500 * rand() }[kind];
        let started = (): void => undefined;
        const begun = new Promise<void>((done) => (started = done));
        if (kind === "typing") {
          const typed: { text: string; at: number }[] = [];
          work = typing(s, started, typed);
          outcome = {
            checks: () => {
              const after = squash(sql(db, "SELECT body_markdown FROM documents WHERE title = 'Crash notes'"));
              const all = squash(before + typed.map((t) => t.text).join(""));
              if (!all.startsWith(after)) {
                let at = 0;
                while (all[at] === after[at]) at++;
                assert.fail(`kill ${i}: the saved text is not what was typed: saved …${after.slice(at - 40, at + 40)}… typed …${all.slice(at - 40, at + 40)}…`);
              }
              const due = squash(before + typed.filter((t) => t.at <= killedAt - TYPING_LAG_MS).map((t) => t.text).join(""));
              assert.ok(after.length >= due.length, `kill ${i}: the saved text is more than ${TYPING_LAG_MS} ms behind the typing`);
              // How far behind it was: the first chunk typed and not saved.
              let kept = squash(before).length;
              let lag = 0;
              for (const t of typed) {
                kept += t.text.length;
                if (kept > after.length) {
                  lag = Number.isFinite(t.at) ? killedAt - t.at : 0; // still in flight: not behind
                  break;
                }
              }
              worstLag = Math.max(worstLag, lag);
              return `${typed.length} chunks typed, the saved text ${lag} ms behind`;
            },
          };
        } else if (kind === "feedback") {
          const said: string[] = [];
          work = feedback(s, started, said);
          outcome = {
            checks: () => {
              for (const text of said) {
                const n = sql(db, `SELECT count(*) FROM feedback_events WHERE kind = 'comment' AND json_extract(payload, '$.text') = '${text}'`);
                assert.equal(n, "1", `kill ${i}: the acknowledged comment "${text}" is lost`);
              }
              tally.comments += said.length;
              return `${said.length} comments acknowledged, all kept`;
            },
          };
        } else if (kind === "import") {
          if (importDone) histories.push(historyFile(desktop.home, histories.length, IMPORT_RECORDS));
          const finished = { yes: false };
          work = importing(s, started, histories.at(-1) as string, finished);
          outcome = {
            checks: () => {
              importDone = finished.yes;
              if (finished.yes) tally.imports += 1;
              return finished.yes ? "the import had finished" : "the import was cut off";
            },
          };
        } else {
          const written: string[] = [];
          work = exporting(s, started, written);
          outcome = {
            checks: () => {
              for (const f of written) assert.ok(existsSync(f) && whole(f), `kill ${i}: the reported export ${f} is not whole`);
              if (written.length) tally.exports += 1;
              const partials = existsSync(exports) ? readdirSync(exports).filter((f) => f.endsWith(".partial")).length : 0;
              if (existsSync(exports)) {
                for (const f of readdirSync(exports).filter((f) => !f.endsWith(".partial"))) {
                  assert.ok(whole(join(exports, f)), `kill ${i}: ${f} is not whole`);
                }
              }
              return written.length ? "the export had finished, its files whole" : `the export was cut off, leaving ${partials} partial files for the next start`;
            },
          };
        }
        tally[kind] += 1;

        // The kill, at its moment, whatever the work is doing then.
        const failed = await Promise.race([work.then(() => null, (e: unknown) => e), begun.then(() => sleep(delay)).then(() => null)]);
        if (failed) throw new Error(`kill ${i} (${kind}): the work failed before the kill: ${(failed as Error).message}`);
        const pids = appProcesses(dir);
        killedAt = Date.now();
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        work.catch(() => undefined);
        await Promise.race([s.quit().catch(() => undefined), sleep(5000)]);
        const until = Date.now() + 10000;
        while (appProcesses(dir).length > 0) {
          if (Date.now() > until) throw new Error(`kill ${i}: the app's processes outlived SIGKILL`);
          await sleep(50);
        }

        assert.equal(sql(db, "PRAGMA integrity_check"), "ok", `kill ${i} (${kind}, ${Math.round(delay)} ms)`);
        console.log(`# kill ${i}: ${kind} after ${Math.round(delay)} ms: ${outcome.checks()}`);
      }

      // Every history file, cut off or not, imported to the end: each record once.
      for (const file of histories) cli(["import", file]);
      const imported = Number(sql(db, "SELECT count(*) FROM documents d JOIN projects p ON p.id = d.project_id WHERE p.name = 'Imported'"));
      assert.equal(imported, histories.length * IMPORT_RECORDS);
      // And the app still opens on it.
      const s = await desktop.launch(dir);
      await s.waitFor('[data-testid="document-link"]', 30000);
      await s.quit();
      console.log(
        `crash harness: ${KILLS} kills (${tally.typing} typing, ${tally.feedback} feedback, ${tally.import} import, ${tally.export} export); ` +
          `${tally.comments} acknowledged comments kept; ${tally.exports} exports reported whole; ${histories.length} history files ` +
          `(${tally.imports} imports finished before their kill) reimported to ${imported} records; ` +
          `worst typing lag at a kill ${worstLag} ms; workspace ${Math.round(statSync(db).size / 1e6)} MB`,
      );
    } finally {
      await desktop.stop();
    }
  });
});
