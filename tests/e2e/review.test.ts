// The review gate in the real app against the test LLM server: a batch of 20 briefs of
// mixed confidence, the queue holding the unsure ones, decisions by keyboard (approve,
// reject with a reason, edit then approve, escalate with a note), and the senior tier
// seeing and deciding the escalated draft.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { desktopWithLlm, fill, screenshot } from "./harness";
import { KEY, sleep, type Session } from "./webdriver";

const env = desktopWithLlm("");
const { desktop } = env;

const MARKER = "[[logprob ";

async function waiting(s: Session, n: number): Promise<void> {
  await s.waitUntil(`${n} drafts wait`, `return document.querySelector('[data-testid="waiting-count"]')?.textContent === "${n}";`);
}

async function queueLength(s: Session, n: number): Promise<void> {
  await s.waitUntil(`the list shows ${n}`, `return document.querySelectorAll('[data-testid="queue-item"]').length === ${n};`);
}

async function heldForMe(s: Session): Promise<string> {
  await s.waitFor('[data-testid="held-for-you"]');
  await s.waitFor('[data-testid="confidence-breakdown"]');
  return (await (await s.find('[data-testid="queue-detail"]')).attribute("data-title")) ?? "";
}

describe("The review gate", () => {
  it("runs a batch, queues the unsure drafts and decides them by keyboard", async () => {
    const dir = desktop.dataDir("review");
    const cli = (args: string[]) => {
      const out = desktop.cli(["--data-dir", dir, ...args]);
      assert.equal(out.status, 0, `draftloop ${args.join(" ")}: ${out.stderr}`);
      return out.stdout;
    };
    cli(["projects", "add", "Spring launch", "--content-type", "email"]);
    cli(["prompts", "set", "--project", "Spring launch", "--system", "You write launch emails.", "--template", "Write an email about {{topic}}."]);
    cli(["providers", "add", "Test server", "--kind", "openai-compatible", "--base-url", `${env.llm.base}/v1`, "--model", "test-model"]);
    cli(["routing", "set", "--project", "Spring launch", "--audit-rate", "0"]);
    // Every third brief makes the model unsure of itself.
    const rows = ["title,topic"];
    for (let i = 0; i < 20; i++) {
      const p = i % 3 === 0 ? 0.6 : 0.99;
      rows.push(`Email ${i + 1},"${MARKER}${Math.log(p)}]] product ${i + 1}"`);
    }
    const csv = join(desktop.home, "briefs.csv");
    writeFileSync(csv, rows.join("\n") + "\n");

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-batch"]')).click();
      await s.waitFor('[data-testid="batch-provider"] option');
      await fill(s, '[data-testid="batch-path"]', csv);
      await (await s.find('[data-testid="run-batch"]')).click();
      const summary = await s.waitFor('[data-testid="batch-summary"]', 60000);
      assert.match(await summary.text(), /Batch finished: 20 drafted, 13 approved by the gate, 7 waiting for review, 0 drafted before, 0 failed/);
      await screenshot(s, "80-batch-finished");
      assert.equal(env.llm.requests().filter((r) => r.method === "POST").length, 20);
      await (await s.find('[data-testid="run-batch"]')).click();

      await s.waitFor('[data-testid="review-queue"]');
      await waiting(s, 7);
      await queueLength(s, 7);
      const scores = (await s.execute(`return [...document.querySelectorAll('[data-testid="queue-score"]')].map((e) => e.textContent);`)) as string[];
      assert.deepEqual(scores, Array(7).fill("60%"));
      const first = await heldForMe(s);
      const reasons = await (await s.find('[data-testid="routing-reasons"]')).text();
      assert.match(reasons, /confidence 0\.60 is below the threshold 0\.85/);
      assert.match(await (await s.find('[data-testid="confidence-breakdown"]')).text(), /mean token probability is 60%/);
      assert.match(await (await s.find('[data-testid="queue-brief"]')).text(), /product/);
      await screenshot(s, "81-review-queue");

      // A: approve.
      await s.keys("a");
      await waiting(s, 6);
      const approved = first;
      // J and K move through the list.
      const second = await heldForMe(s);
      await s.keys("j");
      await s.waitUntil("the next draft is open", `return document.querySelector('[data-testid="queue-detail"]')?.dataset.title !== ${JSON.stringify(second)};`);
      await s.keys("k");
      await s.waitUntil("back to the draft before", `return document.querySelector('[data-testid="queue-detail"]')?.dataset.title === ${JSON.stringify(second)};`);
      await heldForMe(s);

      // R: reject; the reason is required.
      await s.keys("r");
      const reason = await s.waitFor('[data-testid="review-reason"]');
      await s.waitUntil("the reason has the focus", `return document.activeElement === arguments[0];`, [reason.ref()]);
      await s.keys(KEY.ENTER);
      await s.waitFor('[data-testid="review-error"]');
      await reason.type("off-brand");
      await s.keys(KEY.ENTER);
      await waiting(s, 5);
      const rejected = second;

      // E: edit, then approve with Ctrl+Enter.
      const edited = await heldForMe(s);
      await s.keys("e");
      await s.waitFor('[data-testid="queue-editor"].editing');
      await s.waitUntil("the editor has the focus", `return document.activeElement?.closest('[data-testid="queue-editor"]') !== null;`);
      await s.keys(" Signed, the reviewer.");
      await s.chord([KEY.CONTROL, KEY.ENTER]);
      await waiting(s, 4);

      // S: escalate with a note.
      const escalated = await heldForMe(s);
      await s.keys("s");
      const note = await s.waitFor('[data-testid="review-reason"]');
      await s.waitUntil("the note has the focus", `return document.activeElement === arguments[0];`, [note.ref()]);
      await note.type("Legal should check the pricing claim");
      await s.keys(KEY.ENTER);
      await queueLength(s, 3);
      // Still waiting, now for a senior: 3 at tier 1 and 1 escalated.
      await waiting(s, 4);

      // The senior tier sees it, with the note, and decides it.
      await (await s.find('[data-testid="queue-tab-senior"]')).click();
      await queueLength(s, 1);
      assert.equal(await heldForMe(s), escalated);
      assert.match(await (await s.find('[data-testid="escalation-note"]')).text(), /Legal should check the pricing claim/);
      assert.equal((await s.findAll('[data-testid="review-escalate"]')).length, 0, "a senior's decision is final");
      await screenshot(s, "82-senior-tier");
      await s.keys("a");
      await waiting(s, 3);

      const docs = JSON.parse(cli(["documents", "list", "--format", "json"])) as { title: string; status: string; id: string }[];
      const status = (title: string) => docs.find((d) => d.title === title)?.status;
      assert.equal(status(approved), "approved");
      assert.equal(status(rejected), "rejected");
      assert.equal(status(edited), "approved");
      assert.equal(status(escalated), "approved");
      assert.equal(docs.filter((d) => d.status === "in_review").length, 3);
      const editedDoc = docs.find((d) => d.title === edited);
      const shown = JSON.parse(cli(["documents", "show", editedDoc?.id ?? "", "--format", "json"])) as { body_markdown: string };
      assert.match(shown.body_markdown, /Signed, the reviewer\.$/);
      const queue = JSON.parse(cli(["queue", "list", "--format", "json"])) as unknown[];
      assert.equal(queue.length, 3);

      // The routing policy: the reliability curve of what reviewers decided, and a
      // change saved as a new version.
      await (await s.find('[data-testid="open-routing"]')).click();
      await s.waitFor('[data-testid="reliability-curve"] circle');
      await fill(s, '[data-testid="routing-banned"]', "risk-free");
      await (await s.find('[data-testid="save-routing"]')).click();
      await s.waitFor('[data-testid="routing-saved"]');
      await screenshot(s, "83-routing-policy");
      const policy = JSON.parse(cli(["routing", "show", "--project", "Spring launch", "--format", "json"])) as { checks: { banned: string[] } };
      assert.deepEqual(policy.checks.banned, ["risk-free"]);
      await (await s.find('[data-testid="routing-dialog"] [data-testid="close-dialog"], [data-testid="routing-dialog"] .dialog-actions button')).click();

      // Publish: the approved copy only, each document marked published.
      await (await s.find('[data-testid="open-publish"]')).click();
      const out = join(desktop.home, "published");
      await fill(s, '[data-testid="publish-folder"]', out);
      await (await s.find('[data-testid="run-publish"]')).click();
      assert.match(await (await s.waitFor('[data-testid="publish-summary"]')).text(), /Published 16 approved documents/);
      await screenshot(s, "84-published");
      assert.equal(readdirSync(out).filter((f) => f.endsWith(".md")).length, 16);
      const after = JSON.parse(cli(["documents", "list", "--format", "json"])) as { status: string }[];
      assert.equal(after.filter((d) => d.status === "published").length, 16);
      assert.equal(after.filter((d) => d.status === "in_review").length, 3);

      // The dashboard shows what the core counts (the CLI's metrics, same workspace),
      // draws its charts, and saves a chart as PNG and the figures as CSV.
      const m = JSON.parse(cli(["metrics", "--format", "json"])) as {
        drafts: number; auto_approved: number; reviewed: number; intervention_rate: number | null; approval_rate: number | null;
        queue: { open: number };
      };
      assert.equal(m.drafts, 20);
      assert.equal(m.auto_approved, 13, "no audits: every sure draft stands as the gate left it");
      await s.keys(KEY.ESCAPE);
      await s.waitUntil("the publish dialog closed", `return !document.querySelector('.backdrop');`);
      await (await s.find('[data-testid="open-dashboard"]')).click();
      await s.waitFor('[data-testid="dashboard"]');
      await s.execute(`
        const sel = document.querySelector('[data-testid="dashboard-period"]');
        const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set;
        set.call(sel, "3"); sel.dispatchEvent(new Event("change", { bubbles: true }));`);
      const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
      await s.waitUntil("the figures are in", `return document.querySelector('[data-testid="figure-drafts"]')?.textContent === "20";`);
      const figure = async (name: string) => (await (await s.find(`[data-testid="figure-${name}"]`)).text()).trim();
      assert.equal(await figure("auto-approved"), String(m.auto_approved));
      assert.equal(await figure("reviewed"), String(m.reviewed));
      assert.equal(await figure("intervention-rate"), pct(m.intervention_rate));
      assert.equal(await figure("approval-rate"), pct(m.approval_rate));
      assert.equal(await figure("waiting"), String(m.queue.open));
      // Each chart is drawn: its canvas holds more than the white ground.
      const drawn = (await s.execute(`return [...document.querySelectorAll('.chart-box canvas')].map((c) => {
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let ink = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
        return ink; });`)) as number[];
      assert.equal(drawn.length, 3, "volume, learning curve, review time");
      assert.ok(drawn.every((ink) => ink > 200), `every chart has ink: ${drawn.join(", ")}`);
      // Nothing was tagged or rated here: those say so instead of an empty chart.
      await s.find('[data-testid="chart-empty-tags"]');
      await s.find('[data-testid="chart-empty-ratings"]');
      await screenshot(s, "86-dashboard");
      const charts = join(desktop.home, "charts");
      await fill(s, '[data-testid="dashboard-folder"]', charts);
      await (await s.find('[data-testid="save-png-review-volume-per-week"]')).click();
      await (await s.find('[data-testid="save-metrics-csv"]')).click();
      await s.waitUntil("the CSV is saved", `return /Saved the figures/.test(document.querySelector('[data-testid="toast"]')?.textContent ?? "");`);
      const png = readFileSync(join(charts, "review-volume-per-week.png"));
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.ok(png.length > 2000, `a real image: ${png.length} bytes`);
      const figures = readFileSync(join(charts, "draftloop-metrics.csv"), "utf8").split("\n");
      assert.equal(figures[0], "figure,value");
      assert.ok(figures.includes("drafts,20"), figures.slice(0, 4).join(" | "));

      // A figure opens onto the drafts behind it, and a draft onto its document.
      await (await s.find('[data-testid="figure-intervention-rate"]')).click();
      const behind = Math.round((m.intervention_rate ?? 0) * 20);
      await s.waitUntil("the drafts behind it", `return document.querySelectorAll('[data-testid="draft-behind"]').length === ${behind};`);
      const opened = (await (await s.find('[data-testid="draft-behind"]')).attribute("data-title")) ?? "";
      await (await s.find('[data-testid="draft-behind"]')).click();
      await s.waitUntil("its document is open", `return document.querySelector('[data-testid="document-title"]')?.value === ${JSON.stringify(opened)};`);

      // The audit trail: the sixteen publications found by their action, every chain
      // verified, every entry exported as a JSON line.
      await (await s.find('[data-testid="open-audit"]')).click();
      await fill(s, '[data-testid="audit-action"]', "document.published");
      await s.waitUntil("the publications", `return document.querySelector('[data-testid="audit-count"]')?.textContent === "16 entries";`);
      assert.equal(await s.execute(`return document.querySelectorAll('[data-testid="audit-row"][data-action="document.published"]').length;`), 16);
      await (await s.find('[data-testid="audit-open"]')).click();
      assert.match(await (await s.waitFor('[data-testid="audit-detail"]')).text(), /file: .*\.md/);
      await (await s.find('[data-testid="verify-audit"]')).click();
      const verified = await (await s.waitFor('[data-testid="audit-check"]')).text();
      const entries = Number(/✓ All (\d+) entries verify/.exec(verified)?.[1] ?? "0");
      assert.ok(entries > 16, verified);
      await screenshot(s, "87-audit-trail");
      const trail = join(desktop.home, "audit", "trail.jsonl");
      await fill(s, '[data-testid="audit-file"]', trail);
      await (await s.find('[data-testid="export-audit"]')).click();
      await s.waitUntil("exported", `return /Exported \\d+ audit entries/.test(document.querySelector('[data-testid="toast"]')?.textContent ?? "");`);
      const lines = readFileSync(trail, "utf8").trim().split("\n");
      assert.ok(lines.length >= entries, `${lines.length} lines for ${entries} entries`);
      assert.ok(lines.every((l) => typeof (JSON.parse(l) as { hash: string }).hash === "string"));
    } catch (e) {
      await screenshot(s, "FAILED-review").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });
  it("asks two reviewers for a draft, each blind to the other, and sends a disagreement to a senior", async () => {
    const dir = desktop.dataDir("blind");
    const as = (user: string | null, args: string[]) => {
      const out = desktop.cliAs(user, ["--data-dir", dir, ...args]);
      assert.equal(out.status, 0, `draftloop ${args.join(" ")}: ${out.stderr}`);
      return out.stdout;
    };
    as(null, ["projects", "add", "Spring launch", "--content-type", "email"]);
    as(null, ["prompts", "set", "--project", "Spring launch", "--template", "Write an email about {{topic}}."]);
    as(null, ["providers", "add", "Test server", "--kind", "openai-compatible", "--base-url", `${env.llm.base}/v1`, "--model", "test-model"]);
    as(null, ["routing", "set", "--project", "Spring launch", "--audit-rate", "0", "--reviews", "2", "--review-share", "1"]);
    as("bob", ["people", "list"]); // bob opens the workspace: he is known
    as(null, ["people", "set-role", "local:bob", "reviewer"]);
    const csv = join(desktop.home, "two.csv");
    writeFileSync(csv, `title,topic\nAgreed,"${MARKER}${Math.log(0.6)}]] boots"\nSplit,"${MARKER}${Math.log(0.6)}]] coats"\n`);
    as(null, ["batch", "--project", "Spring launch", "--provider", "Test server", "--csv", csv]);
    const docs = JSON.parse(as(null, ["documents", "list", "--format", "json"])) as { title: string; id: string }[];
    const id = (title: string) => docs.find((d) => d.title === title)?.id ?? "";
    // bob gives his reviews first, from the command line.
    assert.match(as("bob", ["review", id("Agreed"), "approve"]), /gave your review of "Agreed"; 1 of 2 reviews are in/);
    assert.match(as("bob", ["review", id("Split"), "reject", "--reason", "off-brand"]), /1 of 2 reviews are in/);

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-review-queue"]')).click();
      await queueLength(s, 2);
      const counts = (await s.execute(`return [...document.querySelectorAll('[data-testid="queue-reviews"]')].map((e) => e.textContent.trim());`)) as string[];
      assert.deepEqual(counts, ["· 1/2 reviews", "· 1/2 reviews"]);
      await (await s.find('[data-testid="queue-item"][data-title="Agreed"]')).click();
      await s.waitUntil("Agreed is open", `return document.querySelector('[data-testid="queue-detail"]')?.dataset.title === "Agreed";`);
      assert.match(await (await s.waitFor('[data-testid="blind-review"]')).text(), /Blind review: 2 reviewers each decide without seeing the others' reviews \(1 in so far\)/);
      await s.waitFor('[data-testid="confidence-breakdown"]');
      await screenshot(s, "88-blind-review");

      // The document's own panel does not show bob's review either.
      await (await s.find('[data-testid="queue-detail"] .queue-detail-head button')).click();
      await s.waitUntil("its document is open", `return document.querySelector('[data-testid="document-title"]')?.value === "Agreed";`);
      await s.waitUntil("the panel has loaded", `return /test-model/.test(document.querySelector('[data-testid="feedback-draft"]')?.textContent ?? "");`);
      const kinds = (await s.execute(`return [...document.querySelectorAll('[data-testid="timeline"] li')].map((l) => l.dataset.kind);`)) as string[];
      assert.ok(!kinds.includes("review"), `bob's review is hidden: ${kinds.join(", ")}`);

      // Agreeing with bob decides it.
      await (await s.find('[data-testid="open-review-queue"]')).click();
      await s.waitUntil("the queue is back", `return !!document.querySelector('[data-testid="queue-item"][data-title="Agreed"]');`);
      await (await s.find('[data-testid="queue-item"][data-title="Agreed"]')).click();
      await s.waitUntil("Agreed is open", `return document.querySelector('[data-testid="queue-detail"]')?.dataset.title === "Agreed";`);
      await s.waitFor('[data-testid="confidence-breakdown"]');
      await s.keys("a");
      await s.waitUntil("decided", `return /Approved "Agreed"/.test(document.querySelector('[data-testid="toast"]')?.textContent ?? "");`);
      await queueLength(s, 1);

      // Disagreeing with bob sends it to a senior, with what each said.
      await s.waitUntil("Split is open", `return document.querySelector('[data-testid="queue-detail"]')?.dataset.title === "Split";`);
      await s.waitFor('[data-testid="confidence-breakdown"]');
      await s.keys("a");
      await s.waitUntil("reviewed", `return /Gave your review of "Split": the reviewers disagreed, so it goes to a senior reviewer/.test(document.querySelector('[data-testid="toast"]')?.textContent ?? "");`);
      await queueLength(s, 0);
      await (await s.find('[data-testid="queue-tab-senior"]')).click();
      await queueLength(s, 1);
      assert.match(await (await s.waitFor('[data-testid="escalation-note"]')).text(), /Reviewers disagreed: 1 approved, 1 rejected \(bob rejected: off-brand; .* approved\)/);
      await screenshot(s, "89-disagreement-to-senior");

      const listed = JSON.parse(as(null, ["documents", "list", "--format", "json"])) as { title: string; status: string }[];
      assert.equal(listed.find((d) => d.title === "Agreed")?.status, "approved");
      assert.equal(listed.find((d) => d.title === "Split")?.status, "in_review");
      // Agreement on what the two said blind: (A, A) and (R, A) → κ = 0.
      const m = JSON.parse(as(null, ["metrics", "--format", "json"])) as { agreement: { items: number; kappa: number | null } };
      assert.equal(m.agreement.items, 2);
      assert.equal(m.agreement.kappa, 0);
    } catch (e) {
      await screenshot(s, "FAILED-blind-review").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });

  it("tells of a draft past its review deadline with the desktop's own notification", async () => {
    const dir = desktop.dataDir("overdue");
    const cli = (args: string[]) => {
      const out = desktop.cli(["--data-dir", dir, ...args]);
      assert.equal(out.status, 0, `draftloop ${args.join(" ")}: ${out.stderr}`);
      return out.stdout;
    };
    cli(["projects", "add", "Overdue", "--content-type", "email"]);
    cli(["prompts", "set", "--project", "Overdue", "--system", "You write emails.", "--template", "Write an email about {{topic}}."]);
    cli(["providers", "add", "Test server", "--kind", "openai-compatible", "--base-url", `${env.llm.base}/v1`, "--model", "test-model"]);
    // A deadline of about a second, so the queued draft is overdue by the time the app opens.
    cli(["routing", "set", "--project", "Overdue", "--audit-rate", "0", "--deadline-hours", "0.0003"]);
    const csv = join(desktop.home, "overdue.csv");
    writeFileSync(csv, `title,topic\nLate launch,"${MARKER}${Math.log(0.5)}]] boots"\n`);
    assert.match(cli(["batch", "--project", "Overdue", "--provider", "Test server", "--csv", csv, "--format", "json"]), /"queued": 1,/);
    await sleep(1500);

    // The desktop's notification service: a real one (dunst) on the app's display and
    // session bus, asked afterwards what it was told.
    const env_ = { ...desktop.env, DISPLAY: desktop.display };
    const dunstctl = (...args: string[]) => spawnSync("dunstctl", args, { env: env_, encoding: "utf8", timeout: 10000 });
    const dunst = spawn("dunst", [], { env: env_, stdio: "ignore" });
    // Asked of the bus itself, so nothing starts a notification service by activation.
    const owned = () =>
      /boolean true/.test(
        spawnSync("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"], { env: env_, encoding: "utf8", timeout: 10000 }).stdout ?? "",
      );
    const s0 = Date.now();
    while (!owned()) {
      if (Date.now() - s0 > 10000) throw new Error("dunst did not start");
      await sleep(100);
    }
    const s = await desktop.launch(dir);
    try {
      await s.waitUntil("the overdue notice", `return /"Late launch" has waited for review past its deadline/.test(document.querySelector('[data-testid="toast"]')?.textContent ?? "");`);
      let told = "";
      const until = Date.now() + 10000;
      while (!/Review overdue/.test(told)) {
        if (Date.now() > until) throw new Error(`no desktop notification; dunst's history: ${told}`);
        dunstctl("close-all");
        told = dunstctl("history").stdout;
        await sleep(200);
      }
      assert.match(told, /Late launch\\?" has waited for review past its deadline/);
      assert.match(told, /"data" : "Draftloop"/);
      await screenshot(s, "85-overdue-notice");
    } catch (e) {
      await screenshot(s, "FAILED-overdue").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
      dunst.kill("SIGTERM");
    }
  });
});
