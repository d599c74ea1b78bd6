// The real app, in its real webview, driven as a person would use it.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Desktop, screenshot } from "./harness";
import { KEY, type Session } from "./webdriver";

const desktop = new Desktop();
before(() => desktop.start());
after(() => desktop.stop());

const project = (name: string) => `[data-testid="project"][data-name="${name}"]`;
const docLink = (title: string) => `[data-testid="document-link"][data-title="${title}"]`;

async function createProject(s: Session, name: string, contentType: string): Promise<void> {
  await (await s.find('[data-testid="new-project"]')).click();
  await (await s.waitFor('[data-testid="project-name"]')).type(name);
  await (await s.find(`[data-testid="project-content-type"] option[value="${contentType}"]`)).click();
  await (await s.find('[data-testid="create-project"]')).click();
  await s.waitFor(project(name));
}

/** Runs `body` against a fresh launch of the app; always closes it, keeping a screenshot on failure. */
async function withApp(dir: string, name: string, body: (s: Session) => Promise<void>): Promise<void> {
  const s = await desktop.launch(dir);
  try {
    await body(s);
  } catch (e) {
    await screenshot(s, `FAILED-${name}`).catch(() => undefined);
    throw e;
  } finally {
    await s.quit().catch(() => undefined);
  }
}

async function replaceText(s: Session, css: string, text: string): Promise<void> {
  await (await s.waitFor(css)).click();
  await s.chord([KEY.CONTROL, "a"]);
  await s.keys(text);
}

async function waitSaved(s: Session): Promise<void> {
  await s.waitUntil("the document is saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved";`);
}

function editorText(s: Session): Promise<unknown> {
  return s.execute(`return document.querySelector('[data-testid="editor"]')?.innerText ?? null;`);
}

describe("Draftloop desktop", () => {
  it("keeps a project, a document and its text across a restart", async () => {
    const dir = desktop.dataDir("persistence");
    await withApp(dir, "before-restart", async (s) => {
    await s.waitFor('[data-testid="empty-state"]');
    await s.waitUntil("the window has finished loading", `return document.querySelector(".statusbar") && [...document.images].every((i) => i.complete);`);
    await screenshot(s, "01-first-window");
    // Who is working shows at the foot; where the workspace lives is in About.
    assert.match(String(await s.execute(`return document.querySelector('[data-testid="working-as"]').textContent;`)), /^Working as .+ \(admin\)$/);
    await (await s.find('[data-testid="open-about"]')).click();
    assert.equal(await (await s.waitFor('[data-testid="about-path"]')).text(), join(dir, "draftloop.db"));
    await replaceText(s, '[data-testid="display-name"]', "Alice Martin");
    await (await s.find('[data-testid="save-display-name"]')).click();
    await s.waitUntil("the new name shows", `return document.querySelector('[data-testid="working-as"]').textContent === "Working as Alice Martin (admin)";`);
    await s.keys(KEY.ESCAPE);
    await s.waitUntil("About is closed", `return !document.querySelector('[data-testid="about-dialog"]');`);

    await createProject(s, "Spring launch", "email");
    await (await s.find(`${project("Spring launch")} [data-testid="new-document"]`)).click();
    await s.waitFor('[data-testid="editor"]');
    // A new document puts the caret in its title with the title selected, a frame later.
    await s.waitUntil("the new title is selected", `const t = document.querySelector('[data-testid="document-title"]');
      return document.activeElement === t && t.selectionStart === 0 && t.selectionEnd === t.value.length;`);
    await replaceText(s, '[data-testid="document-title"]', `Launch email${KEY.ENTER}`);
    await s.waitFor(docLink("Launch email"));

    assert.match(String(await s.execute(`return document.querySelector('[data-testid="editor"] p.is-editor-empty')?.dataset.placeholder ?? "";`)), /^Start writing/);
    const editor = await s.find('[data-testid="editor"]');
    await editor.click();
    await (await s.find('.toolbar button[title="Heading"]')).click();
    await editor.type(`Spring is here${KEY.ENTER}`);
    await editor.type(`Dear reader, our new planner ships on Monday. It keeps three things in view:${KEY.ENTER}`);
    await (await s.find('.toolbar button[title="Bulleted list"]')).click();
    await editor.type(`what you promised${KEY.ENTER}what is due${KEY.ENTER}what you can drop`);
    await waitSaved(s);
    // An email has a subject line and a preheader of its own, saved like the text.
    await (await s.find('[data-testid="email-subject"]')).type("The planner is here");
    await (await s.find('[data-testid="email-preheader"]')).type("Ships Monday, in three colours");
    await (await s.find('[data-testid="editor"]')).click();
    await screenshot(s, "02-document-typed");

    // The CLI sees what the app wrote, in the same data dir.
    const listed = desktop.cli(["--data-dir", dir, "projects", "list", "--format", "json"]);
    assert.equal(listed.status, 0, listed.stderr);
    const projects = JSON.parse(listed.stdout) as { name: string; content_type: string }[];
    assert.deepEqual(projects.map((p) => [p.name, p.content_type]), [["Spring launch", "email"]]);
    const docs = JSON.parse(desktop.cli(["--data-dir", dir, "documents", "list", "--format", "json"]).stdout) as { id: string }[];
    const shown = desktop.cli(["--data-dir", dir, "documents", "show", docs[0]?.id ?? "", "--format", "json"]);
    const email = async () => {
      const out = desktop.cli(["--data-dir", dir, "documents", "show", docs[0]?.id ?? "", "--format", "json"]);
      const d = JSON.parse(out.stdout) as { subject: string; preheader: string };
      return `${d.subject} | ${d.preheader}`;
    };
    for (let i = 0; (await email()) !== "The planner is here | Ships Monday, in three colours"; i++) {
      assert.ok(i < 50, `the subject and preheader reach the workspace: ${await email()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(
      (JSON.parse(shown.stdout) as { body_markdown: string }).body_markdown,
      "## Spring is here\n\nDear reader, our new planner ships on Monday. It keeps three things in view:\n\n- what you promised\n- what is due\n- what you can drop",
    );

    });
    await withApp(dir, "after-restart", async (s) => {
    await (await s.waitFor(docLink("Launch email"))).click();
    await s.waitUntil(
      "the text typed before the restart is back",
      `return document.querySelector('[data-testid="editor"]')?.innerText.includes("what you can drop");`,
    );
    assert.equal(await (await s.find('[data-testid="document-title"]')).property("value"), "Launch email");
    assert.equal(await (await s.find('[data-testid="email-subject"]')).property("value"), "The planner is here");
    assert.equal(await (await s.find('[data-testid="email-preheader"]')).property("value"), "Ships Monday, in three colours");
    assert.match(String(await editorText(s)), /^Spring is here\n+Dear reader, our new planner/);
    assert.equal(await s.execute(`return document.querySelectorAll('[data-testid="editor"] ul li').length;`), 3);
    await screenshot(s, "03-after-restart");
    });
  });

  it("renames and deletes, asking before it deletes", async () => {
    const dir = desktop.dataDir("rename-delete");
    const added = desktop.cli(["--data-dir", dir, "projects", "add", "Spring launch", "--content-type", "product description"]);
    assert.equal(added.status, 0, added.stderr);
    desktop.cli(["--data-dir", dir, "projects", "add", "Blog", "--content-type", "blog post"]);

    await withApp(dir, "rename-delete", async (s) => {
    await (await s.waitFor(`${project("Spring launch")} .project-name`)).click();
    await (await s.find(`${project("Spring launch")} [data-testid="rename-project"]`)).click();
    await replaceText(s, '[data-testid="rename-input"]', `Blog${KEY.ENTER}`);
    const error = await s.waitFor('[data-testid="rename-dialog"] .form-error');
    assert.equal(await error.text(), 'A project named "Blog" already exists');
    await replaceText(s, '[data-testid="rename-input"]', `Summer launch${KEY.ENTER}`);
    await s.waitFor(project("Summer launch"));

    // Ctrl+N: a new document in the selected project.
    await s.chord([KEY.CONTROL, "n"]);
    await s.waitFor('[data-testid="editor"]');
    await s.waitFor(`${project("Summer launch")} ${docLink("Untitled document")}`);

    await (await s.find('[data-testid="delete-document"]')).click();
    await s.waitFor('[data-testid="confirm-dialog"]');
    await screenshot(s, "04-confirm-delete");
    await s.chord([KEY.ESCAPE]);
    await s.waitUntil("the dialog is gone", `return !document.querySelector('[data-testid="confirm-dialog"]');`);
    await s.find(docLink("Untitled document"));

    await (await s.find('[data-testid="delete-document"]')).click();
    await (await s.waitFor('[data-testid="confirm"]')).click();
    await s.waitUntil("the document is gone", `return !document.querySelector('[data-testid="document-link"]');`);

    await (await s.find(`${project("Summer launch")} [data-testid="delete-project"]`)).click();
    await (await s.waitFor('[data-testid="confirm"]')).click();
    await s.waitUntil("the project is gone", `return !document.querySelector('[data-name="Summer launch"]');`);
    });

    const listed = desktop.cli(["--data-dir", dir, "projects", "list", "--format", "json"]);
    assert.deepEqual((JSON.parse(listed.stdout) as { name: string }[]).map((p) => p.name), ["Blog"]);
  });

  it("lets an open dialog own the keyboard: no shortcut acts behind it", async () => {
    const dir = desktop.dataDir("modal-keys");
    assert.equal(desktop.cli(["--data-dir", dir, "projects", "add", "Spring", "--content-type", "email"]).status, 0);
    await withApp(dir, "modal-keys", async (s) => {
      await (await s.waitFor(`${project("Spring")} .project-name`)).click();
      await (await s.find('[data-testid="open-providers"]')).click();
      await (await s.waitFor('[data-testid="provider-name"]')).click();
      // New document, new project, the shortcuts sheet: none of them behind the dialog.
      await s.chord([KEY.CONTROL, "n"]);
      await s.chord([KEY.CONTROL, KEY.SHIFT, "n"]);
      await s.chord([KEY.CONTROL, "/"]);
      await s.keys("Local");
      assert.equal(await s.execute(`return document.activeElement?.dataset.testid ?? null;`), "provider-name", "the focus stays in the dialog");
      assert.equal(await s.execute(`return document.querySelector('[data-testid="provider-name"]').value;`), "Local");
      assert.equal(await s.execute(`return document.querySelectorAll('.backdrop').length;`), 1, "no second dialog");
      await s.find('[data-testid="providers-dialog"]');
      await (await s.find('[data-testid="providers-dialog"] .dialog-actions button')).click();
      await s.waitUntil("the dialog closed", `return !document.querySelector('.backdrop');`);

      // Outside a dialog, Ctrl+N works: one document, this one.
      await s.chord([KEY.CONTROL, "n"]);
      await s.waitFor(`${project("Spring")} ${docLink("Untitled document")}`);
    });
    const listed = desktop.cli(["--data-dir", dir, "documents", "list", "--format", "json"]);
    assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 1, "only the document made outside the dialog");
  });

  it("lists a project's newest documents a page at a time", async () => {
    const dir = desktop.dataDir("pages");
    const history = join(desktop.home, "history.jsonl");
    const lines = Array.from({ length: 130 }, (_, i) =>
      JSON.stringify({ project: "Archive", prompt: `Brief ${i}`, draft: `Draft ${i}.`, created_at: `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z` }),
    );
    writeFileSync(history, lines.join("\n") + "\n");
    const out = desktop.cli(["--data-dir", dir, "import", history]);
    assert.equal(out.status, 0, out.stderr);
    const s = await desktop.launch(dir);
    try {
      const listed = (n: number) => `return document.querySelectorAll('[data-testid="project"][data-name="Archive"] [data-testid="document-link"]').length === ${n};`;
      await s.waitUntil("the first page", listed(100));
      // The first page came from the reads first-read.js asked for before the app's
      // script loaded: all three were taken, none asked twice.
      const early = await s.execute(`return window.__draftloopEarly ? Object.keys(window.__draftloopEarly) : null;`);
      assert.deepEqual(early, []);
      const more = await s.find('[data-testid="show-more-documents"]');
      assert.match(await more.text(), /Show more: 30 older/);
      await more.click();
      await s.waitUntil("all of them", listed(130));
      assert.equal((await s.findAll('[data-testid="show-more-documents"]')).length, 0);
      // Newest first: the last brief heads the list, the first ends it.
      const titles = (await s.execute(`return [...document.querySelectorAll('[data-testid="project"][data-name="Archive"] [data-testid="document-link"]')].map((e) => e.dataset.title);`)) as string[];
      assert.equal(new Set(titles).size, 130);
      assert.equal(titles[0], "Brief 129");
      assert.equal(titles[129], "Brief 0");
    } catch (e) {
      await screenshot(s, "FAILED-pages").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });

  it("finds any document by its words from Ctrl+K, as the text changes", async () => {
    const dir = desktop.dataDir("search");
    const cli = (args: string[]) => {
      const out = desktop.cli(["--data-dir", dir, ...args]);
      assert.equal(out.status, 0, `draftloop ${args.join(" ")}: ${out.stderr}`);
      return out.stdout;
    };
    cli(["projects", "add", "Spring", "--content-type", "email"]);
    cli(["projects", "add", "Autumn", "--content-type", "blog post"]);
    const texts: [string, string, string][] = [
      ["Planner launch", "Spring", "Our new planner ships on Monday, in three colours."],
      ["Rain boots", "Autumn", "Boots that keep the rain out, from Monday in every store."],
      ["Newsletter", "Spring", "Nothing about shoes here."],
    ];
    for (const [title, project, text] of texts) {
      const file = join(desktop.home, `${title}.md`);
      writeFileSync(file, text);
      cli(["documents", "add", title, "--project", project, "--text", file]);
    }
    const found = JSON.parse(cli(["documents", "search", "monday", "--format", "json"])) as { title: string }[];
    assert.deepEqual(found.map((h) => h.title).sort(), ["Planner launch", "Rain boots"]);

    await withApp(dir, "search", async (s) => {
      await s.waitFor(docLink("Newsletter"));
      await s.chord([KEY.CONTROL, "k"]);
      await (await s.waitFor('[data-testid="search-input"]')).type("mond");
      await s.waitUntil("two documents found", `return document.querySelectorAll('[data-testid="search-hit"]').length === 2;`);
      const marked = (await s.execute(`return [...document.querySelectorAll('[data-testid="search-passage"] mark')].map((m) => m.textContent);`)) as string[];
      assert.deepEqual(marked, ["Monday", "Monday"]);
      await screenshot(s, "07-search");
      // ↓ then Enter opens the second document found.
      const second = (await s.execute(`return document.querySelectorAll('[data-testid="search-hit"]')[1].dataset.title;`)) as string;
      await s.keys(`${KEY.ARROW_DOWN}${KEY.ENTER}`);
      await s.waitUntil("the chosen document is open", `return document.querySelector('[data-testid="document-title"]')?.value === ${JSON.stringify(second)};`);
      assert.equal(await s.execute(`return document.querySelector('[data-testid="search-dialog"]');`), null);

      // Copy for an email tool: the whole text as HTML, with plain text beside it.
      await (await s.find('[data-testid="copy-for-email"]')).click();
      await s.waitUntil("the copy is confirmed", `return /Copied, formatted/.test(document.querySelector('[data-testid="toast"]')?.textContent ?? "");`);
      const clip = (target: string) => {
        const out = spawnSync("xclip", ["-o", "-selection", "clipboard", "-t", target], { env: { ...desktop.env, DISPLAY: desktop.display }, encoding: "utf8", timeout: 10000 });
        assert.equal(out.status, 0, `xclip -t ${target}: ${out.stderr}`);
        return out.stdout;
      };
      const copied = texts.find(([title]) => title === second)?.[2] ?? "";
      // WebKit puts the HTML through its own sanitizer, which adds inline styles.
      assert.match(clip("text/html"), new RegExp(`<p[^>]*>${copied.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</p>`));
      assert.equal(clip("UTF8_STRING").trim(), copied);

      // What is typed now is found at once; what no document holds says so.
      const editor = await s.waitFor('[data-testid="editor"]');
      await editor.click();
      await s.chord([KEY.CONTROL, KEY.END]);
      await editor.type(" Zeppelins welcome.");
      await waitSaved(s);
      await (await s.find('[data-testid="open-search"]')).click();
      await (await s.waitFor('[data-testid="search-input"]')).type("zeppelin");
      await s.waitUntil("the new words are found", `const h = document.querySelectorAll('[data-testid="search-hit"]'); return h.length === 1 && h[0].dataset.title === ${JSON.stringify(second)};`);
      await s.chord([KEY.CONTROL, "a"]);
      await s.keys("\"quoted OR NEAR(");
      await s.waitFor('[data-testid="search-empty"]');
      await s.keys(KEY.ESCAPE);
      await s.waitUntil("the dialog closed", `return !document.querySelector('.backdrop');`);
    });
  });

  it("refuses a workspace from a newer Draftloop, says why, and leaves it untouched", async () => {
    const dir = desktop.dataDir("from-the-future");
    const db = join(dir, "draftloop.db");
    const made = spawnSync("python3", ["-c", `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); c.execute("create table t(x)"); c.execute("pragma user_version = 42"); c.commit()`]);
    assert.equal(made.status, 0, String(made.stderr));
    const hash = () => createHash("sha256").update(readFileSync(db)).digest("hex");
    const before = hash();

    await withApp(dir, "newer-workspace", async (s) => {
      const fatal = await s.waitFor('[data-testid="fatal-error"]');
      assert.match(await fatal.text(), /written by a newer Draftloop \(schema version 42/);
      // The screen branches on the error's kind: it says what to do about this one.
      assert.equal(await s.execute(`return document.querySelector('[data-testid="fatal-error"]').dataset.kind;`), "database_too_new");
      assert.equal(await s.execute(`return document.querySelector('[data-testid="fatal-error"] h1').textContent;`), "This workspace needs a newer Draftloop");
      await screenshot(s, "05-newer-workspace-refused");
    });
    assert.equal(hash(), before);
  });
});
