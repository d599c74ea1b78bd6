// The webview locked down: model output carrying script, HTML, javascript: links, SVG
// and CSS runs nothing and loads nothing from elsewhere; the page cannot reach the
// network; a command the capability file does not grant is refused.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { desktopWithLlm, draftingWorkspace, generateTwo, screenshot } from "./harness";
import { sleep } from "./webdriver";

const env = desktopWithLlm("");
const { desktop } = env;

describe("The webview", () => {
  it("runs nothing and loads nothing that model output carries, reaches no network and refuses ungranted commands", async () => {
    const title = "Payloads";
    const dir = draftingWorkspace(desktop, env.llm, "webview", title);
    const base = env.llm.base;
    const payload = [
      `<img src="${base}/probe-img" onerror="window.__pwned='img'">`,
      `<script>window.__pwned='script'</script>`,
      `<a href="javascript:window.__pwned='link'">click</a>`,
      `[a link](javascript:window.__pwned='markdown')`,
      `<svg onload="window.__pwned='svg'"><image href="${base}/probe-svg"/></svg>`,
      `<style>@import url(${base}/probe-css); body { background: url(${base}/probe-bg) }</style>`,
      `<iframe src="${base}/probe-frame"></iframe>`,
    ].join(" ");
    const s = await desktop.launch(dir);
    try {
      // The test server answers "Repeat exactly: …" with exactly what follows.
      await generateTwo(s, title, `Repeat exactly: ${payload}`);
      await (await s.findAll('[data-testid="use-variant"]'))[0]?.click();
      await s.waitUntil("the draft is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.includes("<script>");`);
      await sleep(1000);
      await screenshot(s, "90-payloads-shown-as-text");

      // Shown as text, never as elements; nothing ran.
      assert.equal(await s.execute(`return window.__pwned ?? null;`), null);
      const elements = (await s.execute(`return document.querySelectorAll(
        '[data-testid="editor"] :is(img, script, a, svg, style, iframe), [data-testid="variant"] :is(img, script, a, svg, style, iframe)').length;`)) as number;
      assert.equal(elements, 0);
      assert.match(String(await s.execute(`return document.querySelector('[data-testid="editor"]').innerText;`)), /<iframe src=/);

      // The page reaches no network: a fetch and an image the CSP must stop.
      const fetched = await s.execute(`return fetch(arguments[0] + "/probe-fetch").then(() => "loaded", () => "blocked");`, [base]);
      assert.equal(fetched, "blocked");
      const image = await s.execute(
        `return new Promise((done) => { const i = new Image(); i.onload = () => done("loaded"); i.onerror = () => done("blocked"); i.src = arguments[0] + "/probe-image"; });`,
        [base],
      );
      assert.equal(image, "blocked");

      // A command the capability file does not grant is refused.
      const asked = String(
        await s.execute(`return window.__TAURI_INTERNALS__.invoke("plugin:dialog|message", { message: "hello" }).then(() => "allowed", (e) => "refused: " + e);`),
      );
      assert.match(asked, /^refused: .*not allowed/i);

      // The server saw none of it; it does see a request made from outside the page.
      await fetch(`${base}/probe-control`).catch(() => undefined);
      await sleep(300);
      const probes = env.llm.requests().map((r) => r.path).filter((p) => p.startsWith("/probe"));
      assert.deepEqual(probes, ["/probe-control"]);
    } catch (e) {
      await screenshot(s, "FAILED-webview").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });
});
