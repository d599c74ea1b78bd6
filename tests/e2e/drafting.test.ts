// Drafting with a model in the real app: a provider pointing at the test LLM server,
// a prompt, two variants streamed side by side, one picked into the editor.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { desktopWithLlm, fill, screenshot } from "./harness";

const env = desktopWithLlm("sk-e2e-key");
const { desktop } = env;

describe("Drafting with a model", () => {
  it("adds a provider, writes a prompt, generates two variants and uses one", async () => {
    const dir = desktop.dataDir("drafting");
    assert.equal(desktop.cli(["--data-dir", dir, "projects", "add", "Spring launch", "--content-type", "email"]).status, 0);
    assert.equal(desktop.cli(["--data-dir", dir, "documents", "add", "Launch email", "--project", "Spring launch"]).status, 0);

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-providers"]')).click();
      await fill(s, '[data-testid="provider-name"]', "Test server");
      await fill(s, '[data-testid="provider-base-url"]', `${env.llm.base}/v1`);
      await fill(s, '[data-testid="provider-model"]', "test-model");
      await fill(s, '[data-testid="provider-key"]', "sk-e2e-key");
      await (await s.find('[data-testid="add-provider"]')).click();
      await (await s.waitFor('[data-testid="provider"][data-name="Test server"] [data-testid="test-provider"]')).click();
      await s.waitUntil("the connection test passed", `return document.querySelector('[data-testid="provider-check"]')?.textContent.startsWith("✓ Works");`);
      await screenshot(s, "10-provider-works");
      await (await s.find('[data-testid="providers-dialog"] .dialog-actions button')).click();

      await (await s.waitFor('[data-testid="document-link"][data-title="Launch email"]')).click();
      await (await s.waitFor('[data-testid="open-prompt"]')).click();
      await fill(s, '[data-testid="prompt-system"]', "You write warm, short launch emails.");
      await fill(s, '[data-testid="prompt-template"]', "Write an email about {{topic}} for {{audience}}.");
      await (await s.find('[data-testid="save-prompt"]')).click();
      await s.waitFor('[data-testid="prompt-versions"] li');
      await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();

      await (await s.find('[data-testid="open-generate"]')).click();
      await fill(s, '[data-testid="brief-topic"]', "the spring planner");
      await fill(s, '[data-testid="brief-audience"]', "busy parents");
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitUntil(
        "both variants are done",
        `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length === 2 && v.every((e) => e.dataset.status === "done");`,
      );
      await screenshot(s, "11-two-variants");
      const texts = (await s.execute(`return [...document.querySelectorAll('[data-testid="variant"] .variant-text')].map((e) => e.textContent);`)) as string[];
      const prompt = "Write an email about the spring planner for busy parents.";
      const topic = prompt.split(" ").slice(0, 8).join(" ");
      assert.deepEqual(texts, [1, 2].map((i) => `Variant ${i}: Here is a draft about ${topic}. It is short, clear and ready for your edits.`));

      // The server received exactly the prompt version filled with the brief: one
      // request asking for two choices.
      const sent = env.llm.requests().filter((r) => r.path === "/v1/chat/completions" && r.body.messages?.length === 2);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.body.n, 2);
      assert.deepEqual(sent[0]?.body.messages, [
        { role: "system", content: "You write warm, short launch emails." },
        { role: "user", content: prompt },
      ]);

      await (await s.findAll('[data-testid="use-variant"]'))[1]?.click();
      await s.waitUntil(
        "variant B is in the editor",
        `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 2: Here is a draft");`,
      );
      await screenshot(s, "12-variant-in-editor");

      // A person edits the model's text, then asks for a revision with notes.
      const editor = await s.find('[data-testid="editor"]');
      await editor.click();
      await s.execute(`const ed = document.querySelector('[data-testid="editor"]'); const r = document.createRange(); r.selectNodeContents(ed); r.collapse(false); const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);`);
      await editor.type(" Order before Friday.");
      await s.waitUntil("the edit is saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved";`);
      await (await s.find('[data-testid="open-revise"]')).click();
      await fill(s, '[data-testid="revise-notes"]', "Make it shorter and warmer.");
      await (await s.waitFor('[data-testid="revise"]:not([disabled])')).click();
      await s.waitFor('[data-testid="proposal"] ins');
      await screenshot(s, "13-revision-proposed");
      const revisePrompt = env.llm.requests().at(-1)?.body.messages?.[1]?.content ?? "";
      assert.match(revisePrompt, /Order before Friday\./, "the revision request carries the person's edit");
      assert.match(revisePrompt, /Make it shorter and warmer\./);
      await (await s.find('[data-testid="accept-all-changes"]')).click();
      await (await s.find('[data-testid="accept-revision"]')).click();
      await s.waitUntil(
        "the accepted revision is in the editor",
        `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 1: Here is a draft about Here is the current draft");`,
      );

      // History: the model's pick, the person's edit, the model's revision; compare the first two.
      await (await s.find('[data-testid="open-history"]')).click();
      await s.waitUntil("four entries", `return document.querySelectorAll('[data-testid="revision"]').length === 4;`);
      const radios = await s.findAll('[data-testid="revision"] input[name="from"]');
      const toRadios = await s.findAll('[data-testid="revision"] input[name="to"]');
      await radios[0]?.click();
      await toRadios[1]?.click();
      await s.waitUntil(
        "the diff shows the person's addition",
        `return [...document.querySelectorAll('[data-testid="history-panel"] ins')].some((e) => e.textContent.includes("Order before Friday"));`,
      );
      await screenshot(s, "14-history-diff");
    } catch (e) {
      await screenshot(s, "FAILED-drafting").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
    // The key went to the OS keychain only: no file in the data dir holds it.
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      // A -wal or -shm file can go away as the app finishes closing the database.
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dir, entry.name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw e;
      }
      assert.ok(!bytes.includes("sk-e2e-key"), `${entry.name} holds the API key`);
    }
  });

  it("offers to open Providers when the key is refused", async () => {
    const dir = desktop.dataDir("wrong-key");
    assert.equal(desktop.cli(["--data-dir", dir, "projects", "add", "Autumn", "--content-type", "email"]).status, 0);
    assert.equal(desktop.cli(["--data-dir", dir, "documents", "add", "Sale email", "--project", "Autumn"]).status, 0);
    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-providers"]')).click();
      await fill(s, '[data-testid="provider-name"]', "Wrong key");
      await fill(s, '[data-testid="provider-base-url"]', `${env.llm.base}/v1`);
      await fill(s, '[data-testid="provider-model"]', "test-model");
      await fill(s, '[data-testid="provider-key"]', "sk-not-this-one");
      await (await s.find('[data-testid="add-provider"]')).click();
      await s.waitFor('[data-testid="provider"][data-name="Wrong key"]');
      await (await s.find('[data-testid="providers-dialog"] .dialog-actions button')).click();
      await s.waitUntil("the providers dialog closed", `return !document.querySelector('[data-testid="providers-dialog"]');`);

      await (await s.waitFor('[data-testid="document-link"][data-title="Sale email"]')).click();
      await (await s.waitFor('[data-testid="open-prompt"]')).click();
      await fill(s, '[data-testid="prompt-system"]', "You write short emails.");
      await fill(s, '[data-testid="prompt-template"]', "Write about {{topic}}.");
      await (await s.find('[data-testid="save-prompt"]')).click();
      await s.waitFor('[data-testid="prompt-versions"] li');
      await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();

      await (await s.find('[data-testid="open-generate"]')).click();
      await fill(s, '[data-testid="brief-topic"]', "the autumn sale");
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      const error = await s.waitFor('[data-testid="generate-error"][data-kind="auth"]');
      assert.match(await error.text(), /key/i);
      await screenshot(s, "15-wrong-key");
      await (await s.find('[data-testid="error-open-providers"]')).click();
      await s.waitFor('[data-testid="providers-dialog"]');

      // The right key, added while the Generate panel stays open: the panel offers the
      // new provider at once (the core said providers changed), and it works.
      await fill(s, '[data-testid="provider-name"]', "Right key");
      await fill(s, '[data-testid="provider-base-url"]', `${env.llm.base}/v1`);
      await fill(s, '[data-testid="provider-model"]', "test-model");
      await fill(s, '[data-testid="provider-key"]', "sk-e2e-key");
      await (await s.find('[data-testid="add-provider"]')).click();
      await s.waitFor('[data-testid="provider"][data-name="Right key"]');
      await (await s.find('[data-testid="providers-dialog"] .dialog-actions button')).click();
      await s.waitUntil(
        "the Generate panel offers the new provider",
        `return [...document.querySelectorAll('[data-testid="generate-provider"] option')].some((o) => o.value === "Right key");`,
      );
      await s.execute(`
        const select = document.querySelector('[data-testid="generate-provider"]');
        const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set;
        set.call(select, "Right key");
        select.dispatchEvent(new Event("change", { bubbles: true }));`);
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitUntil(
        "the variants are done",
        `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length > 0 && v.every((e) => e.dataset.status === "done");`,
      );
      assert.equal(await s.execute(`return document.querySelector('[data-testid="generate-error"]');`), null);

      // The wrong key, mended in place: Change…, a new key, saved; that provider now works.
      await (await s.find('[data-testid="open-providers"]')).click();
      await (await s.waitFor('[data-testid="provider"][data-name="Wrong key"] [data-testid="edit-provider"]')).click();
      await s.waitFor('[data-testid="provider-form"][data-mode="change"]');
      assert.equal(await s.execute(`return document.querySelector('[data-testid="provider-name"]').readOnly;`), true);
      await fill(s, '[data-testid="provider-key"]', "sk-e2e-key");
      await screenshot(s, "16-change-provider");
      await (await s.find('[data-testid="save-provider"]')).click();
      await s.waitFor('[data-testid="provider-form"][data-mode="add"]');
      await (await s.find('[data-testid="providers-dialog"] [data-testid="provider"][data-name="Wrong key"] [data-testid="test-provider"]')).click();
      assert.match(await (await s.waitFor('[data-testid="provider"][data-name="Wrong key"] [data-testid="provider-check"].ok')).text(), /Works/);
      await (await s.find('[data-testid="providers-dialog"] .dialog-actions button')).click();
      await s.waitUntil("the providers dialog closed", `return !document.querySelector('[data-testid="providers-dialog"]');`);
    } catch (e) {
      await screenshot(s, "FAILED-wrong-key").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
  });
});
