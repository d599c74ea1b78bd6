// An API key goes to the OS keychain and nowhere else: after a whole session (a
// provider added in the app, drafts, feedback, exports, a crash, a restart) no file
// under the app's home (the workspace, exports, WebKit's caches and storage) and no
// environment of the app's processes holds it.

import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { appProcesses, desktopWithLlm, fill, screenshot } from "./harness";
import { sleep } from "./webdriver";

const KEY = "sk-secret-e2e-7f3a9c";
const env = desktopWithLlm(KEY);
const { desktop } = env;

/** Every file under `dir` that holds `needle`, skipping what vanishes while read. */
function holding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...holding(path, needle));
    } else if (entry.isFile()) {
      try {
        if (statSync(path).size > 0 && readFileSync(path).includes(needle)) found.push(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
  }
  return found;
}

describe("Secrets", () => {
  it("keeps the API key in the OS keychain only, through a session, a crash and a restart", async () => {
    const dir = desktop.dataDir("secrets");
    const cli = (args: string[]) => {
      const out = desktop.cli(["--data-dir", dir, ...args]);
      assert.equal(out.status, 0, `draftloop ${args.join(" ")}: ${out.stderr}`);
    };
    cli(["projects", "add", "Spring", "--content-type", "email"]);
    cli(["documents", "add", "Launch", "--project", "Spring"]);
    cli(["prompts", "set", "--project", "Spring", "--system", "You write emails.", "--template", "Write about {{topic}}."]);
    const exports = join(desktop.home, "exports");

    let s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-providers"]')).click();
      await fill(s, '[data-testid="provider-name"]', "Cloud");
      await fill(s, '[data-testid="provider-base-url"]', `${env.llm.base}/v1`);
      await fill(s, '[data-testid="provider-model"]', "test-model");
      await fill(s, '[data-testid="provider-key"]', KEY);
      await (await s.find('[data-testid="add-provider"]')).click();
      await (await s.waitFor('[data-testid="provider"][data-name="Cloud"] [data-testid="test-provider"]')).click();
      await s.waitFor('[data-testid="provider-check"].ok');
      await (await s.find('[data-testid="providers-dialog"] .dialog-actions button')).click();

      await (await s.waitFor('[data-testid="document-link"][data-title="Launch"]')).click();
      await (await s.waitFor('[data-testid="open-generate"]')).click();
      await fill(s, '[data-testid="brief-topic"]', "the spring sale");
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitUntil("the variants are done", `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length > 0 && v.every((e) => e.dataset.status === "done");`);
      await (await s.find('[data-testid="use-variant"]')).click();
      await (await s.waitFor('[data-testid="thumb-up"]')).click();
      await (await s.find('[data-testid="open-export"]')).click();
      await fill(s, '[data-testid="export-folder"]', exports);
      await (await s.find('[data-testid="run-export"]')).click();
      await s.waitFor('[data-testid="export-written"] li', 30000);
      // Every request carried the key to the server, as it must.
      assert.ok(env.llm.requests().length > 0);

      // No process of the app has it in its environment.
      const pids = appProcesses(dir);
      assert.ok(pids.length >= 2, `the app and WebKit's processes: ${pids.join(", ")}`);
      for (const pid of pids) {
        let environ: Buffer;
        try {
          environ = readFileSync(`/proc/${pid}/environ`);
        } catch {
          continue; // gone meanwhile
        }
        assert.ok(!environ.includes(KEY), `process ${pid}'s environment holds the key`);
      }
      // A crash: the app killed outright.
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    } catch (e) {
      await screenshot(s, "FAILED-secrets").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
    await sleep(500);

    // After a restart the key still comes from the keychain: the provider works.
    s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="open-providers"]')).click();
      await (await s.waitFor('[data-testid="provider"][data-name="Cloud"] [data-testid="test-provider"]')).click();
      assert.match(await (await s.waitFor('[data-testid="provider-check"].ok')).text(), /Works/);
    } finally {
      await s.quit().catch(() => undefined);
    }

    // Nothing under the app's home holds it: the workspace, the exports, WebKit's caches
    // and storage, the test server's request log. The scan does see a file that holds
    // it: a canary put there now.
    const canary = join(desktop.home, "canary", "key.txt");
    mkdirSync(join(desktop.home, "canary"));
    writeFileSync(canary, `the key is ${KEY}\n`);
    assert.deepEqual(holding(desktop.home, KEY), [canary]);
  });
});
