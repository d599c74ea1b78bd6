// Datasets in the real app: history imported from a JSONL file chosen with the system's
// file chooser (and a bad file refused whole), then the export dialog with filters,
// split and card writing DPO and Parquet files.

import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Desktop, fill, ROOT, screenshot } from "./harness";

const desktop = new Desktop();
before(() => desktop.start());
after(() => desktop.stop());

describe("Datasets", () => {
  it("imports history, refuses a bad file whole, and exports with filters", async () => {
    const dir = desktop.dataDir("datasets");
    const s = await desktop.launch(dir);
    try {
      // A file whose second line is bad: nothing of it is kept.
      const bad = join(desktop.home, "bad.jsonl");
      writeFileSync(bad, `${JSON.stringify({ project: "Broken", prompt: "p", draft: "d" })}\n${JSON.stringify({ project: "Broken", prompt: "p", draft: "d", thumb: "sideways" })}\n`);
      await (await s.waitFor('[data-testid="open-import"]')).click();
      await fill(s, '[data-testid="import-path"]', bad);
      await (await s.find('[data-testid="run-import"]')).click();
      await s.waitUntil("the bad line is reported", `return document.querySelector('[data-testid="import-dialog"] [role="alert"]')?.textContent.startsWith("Line 2: ");`);
      // The good file is chosen with the system's file chooser.
      const history = join(ROOT, "tests/interop/history.jsonl");
      await (await s.find('[data-testid="import-path-choose"]')).click();
      await desktop.chooseInSystemDialog("Import history", history);
      await s.waitUntil("the chosen file is in the field", `return document.querySelector('[data-testid="import-path"]').value === arguments[0];`, [history]);
      await (await s.find('[data-testid="run-import"]')).click();
      await s.waitUntil("the import is done", `return document.querySelector(".toast")?.textContent.startsWith("Import finished: 40 of 40 records imported");`);
      await s.waitUntil("both projects are listed", `return document.querySelectorAll('.project').length === 2;`);
      assert.equal(await s.execute(`return [...document.querySelectorAll('.project .name')].some((n) => n.textContent === "Broken");`), false);

      await (await s.find('[data-testid="open-export"]')).click();
      await (await s.waitFor('[data-testid="format-parquet"]')).click();
      const countIn = `return /^\\d+ dpo rows?$/.test(document.querySelector('[data-testid="export-count"]')?.textContent ?? "") && document.querySelector('[data-testid="export-preview"] pre') !== null;`;
      await s.waitUntil("the first count is in", countIn);
      // The count goes while a change is counted and comes back a moment later; the fields
      // stay where they are meanwhile, or a click aimed at one lands on another. Where the
      // folder field is, is read the moment "Counting…" is shown (a mutation observer runs
      // before any later task, so before the new count can arrive).
      const folderTop = `document.querySelector('[data-testid="export-folder"]').getBoundingClientRect().top`;
      const whileCounting = await s.executeAsync(`const done = arguments[arguments.length - 1];
        const count = document.querySelector('[data-testid="export-count"]');
        new MutationObserver((_, o) => { if (count.textContent === "Counting…") { o.disconnect(); done(${folderTop}); } })
          .observe(count, { childList: true, characterData: true, subtree: true });
        const sel = document.querySelector('[data-testid="export-project"]');
        const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set;
        set.call(sel, "Spring launch"); sel.dispatchEvent(new Event("change", { bubbles: true }));`);
      await s.waitUntil("the narrowed count is in", countIn);
      assert.equal(await s.execute(`return ${folderTop};`), whileCounting, "the folder field stays put when the count comes in");
      await fill(s, '[data-testid="export-split"]', "0.25");
      await s.waitUntil("the live count is in", countIn);
      // Prompt versions are offered by the names the app shows, not as ids to type.
      const offered = (await s.execute(`return [...document.querySelectorAll('[data-testid="export-prompt-version"] option')].map((o) => o.textContent);`)) as string[];
      assert.equal(offered[0], "Any version");
      for (const label of offered.slice(1)) assert.match(label, /^v\d+/);
      const shownCount = async () => Number(((await s.execute(`return document.querySelector('[data-testid="export-count"]').textContent;`)) as string).split(" ")[0]);
      // The live count is the export's own: what the CLI writes with the same filters.
      const written = (...filters: string[]) => {
        const out = desktop.cli(["--data-dir", dir, "export", "--format", "dpo", "--out", join(desktop.home, "count.jsonl"), "--min-edit-distance", "0.05", ...filters]);
        assert.equal(out.status, 0, out.stderr);
        return Number(/^wrote (\d+) rows/.exec(out.stdout)?.[1]);
      };
      const projectOnly = await shownCount();
      assert.equal(projectOnly, written("--project", "Spring launch"));
      assert.ok(projectOnly < written(), "the project filter narrows the DPO rows");
      // Minimum ratings and reviewers are offered as lists: the scale, and the people.
      const minimums = (await s.execute(`return [...document.querySelectorAll('[data-testid="min-clarity"] option')].map((o) => o.textContent);`)) as string[];
      assert.deepEqual(minimums, ["any", "≥ 1", "≥ 2", "≥ 3", "≥ 4", "≥ 5"]);
      const reviewers = (await s.execute(`return [...document.querySelectorAll('[data-testid="export-reviewer"] option')].map((o) => o.textContent);`)) as string[];
      assert.equal(reviewers[0], "Anyone");
      assert.ok(reviewers.length > 1, `the people are offered: ${reviewers.join(", ")}`);
      await s.execute(`
        const sel = document.querySelector('[data-testid="min-clarity"]');
        const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set;
        set.call(sel, "3"); sel.dispatchEvent(new Event("change", { bubbles: true }));`);
      await s.waitUntil("the minimum rating narrows the count", `return Number(document.querySelector('[data-testid="export-count"]')?.textContent.split(" ")[0]) < arguments[0];`, [projectOnly]);
      const count = await shownCount();
      assert.equal(count, written("--project", "Spring launch", "--min-rating", "clarity=3"));
      assert.ok(count > 0, "some rows are left");
      const folder = join(desktop.home, "exports");
      await fill(s, '[data-testid="export-folder"]', folder);
      await screenshot(s, "50-export-dialog");
      await (await s.find('[data-testid="run-export"]')).click();
      await s.waitUntil("both formats are written", `return document.querySelectorAll('[data-testid="export-written"] li').length === 2;`, [], 30000);
      await screenshot(s, "51-export-written");

      for (const file of ["dpo/train.jsonl", "dpo/eval.jsonl", "dpo/README.md", "parquet/train.parquet", "parquet/eval.parquet"]) {
        assert.ok(existsSync(join(folder, file)), `${file} is written`);
      }
      // A side can be empty (its documents may have no row left after the rating filter).
      const sides = ["train", "eval"].map((side) => readFileSync(join(folder, `dpo/${side}.jsonl`), "utf8").split("\n").filter((line) => line !== ""));
      const rows = sides.flat();
      assert.equal(rows.length, count, "the files hold as many rows as the dialog said");
      const line = (await s.execute(`return document.querySelector('[data-testid="export-written"] li').textContent;`)) as string;
      const [, train, evalRows] = /^dpo: \d+ rows? \((\d+) train, (\d+) eval\)/.exec(line) ?? [];
      assert.deepEqual([Number(train), Number(evalRows)], sides.map((side) => side.length), `the dialog says what each side holds: ${line}`);
      const row = JSON.parse(rows[0] ?? "{}") as Record<string, unknown>;
      assert.deepEqual(Object.keys(row).sort(), ["chosen", "metadata", "prompt", "rejected"]);
      assert.match(readFileSync(join(folder, "dpo/README.md"), "utf8"), /project Spring launch, clarity ≥ 3/);
    } catch (e) {
      await screenshot(s, "FAILED-datasets").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });

  it("exports on first use into a folder in Documents, making it", async () => {
    const dir = desktop.dataDir("first-export");
    const imported = desktop.cli(["--data-dir", dir, "import", join(ROOT, "tests/interop/history.jsonl")]);
    assert.equal(imported.status, 0, imported.stderr);
    const folder = join(desktop.home, "Documents", "Draftloop exports");
    assert.equal(existsSync(folder), false);
    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-export"]')).click();
      await s.waitFor('[data-testid="export-folder"]');
      assert.equal(await s.execute(`return document.querySelector('[data-testid="export-folder"]').value;`), folder);
      await s.waitUntil("the live count is in", `return /^\\d+ dpo rows?$/.test(document.querySelector('[data-testid="export-count"]')?.textContent ?? "");`);
      await (await s.find('[data-testid="run-export"]')).click();
      await s.waitUntil("the export is written", `return document.querySelectorAll('[data-testid="export-written"] li').length === 1;`, [], 30000);
      assert.ok(readFileSync(join(folder, "dpo.jsonl"), "utf8").length > 0, "dpo.jsonl is written in the new folder");
    } catch (e) {
      await screenshot(s, "FAILED-first-export").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });
});
