// Learning from edits in the real app: people make the same edit in three drafts,
// Insights suggests it, accepting makes a prompt version, and the next generation
// sends the new instruction to the model. And learning from what people said: tags and
// low ratings many drafts got become suggestions too.

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { desktopWithLlm, fill, screenshot } from "./harness";
import { KEY, type Session } from "./webdriver";

const env = desktopWithLlm("");
const { desktop } = env;

const saved = `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved";`;

async function generateAndEdit(s: Session, title: string): Promise<void> {
  await (await s.waitFor(`[data-testid="document-link"][data-title="${title}"]`)).click();
  await s.waitUntil(`${title} is open`, `return document.querySelector('[data-testid="document-title"]')?.value === ${JSON.stringify(title)};`);
  await (await s.find('[data-testid="open-generate"]')).click();
  await (await s.waitFor('[data-testid="generate-n"] option[value="1"]')).click();
  await fill(s, '[data-testid="brief-topic"]', `the ${title.toLowerCase()}`);
  await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
  await (await s.waitFor('[data-testid="variant"][data-status="done"] [data-testid="use-variant"]')).click();
  await s.waitUntil("the draft is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.includes("It is short, clear");`);
  // The person's habit: "brief", not "short".
  const draft = (await s.execute(`return document.querySelector('[data-testid="editor"]').innerText;`)) as string;
  const editor = await s.find('[data-testid="editor"]');
  await editor.click();
  await s.chord([KEY.CONTROL, "a"]);
  await editor.type(draft.trim().replace("short", "brief"));
  await s.waitUntil("the edit is saved", saved);
}

describe("Learning from edits", () => {
  it("suggests a repeated edit, turns it into a prompt version, and sends it to the model", async () => {
    const dir = desktop.dataDir("insights");
    assert.equal(desktop.cli(["--data-dir", dir, "projects", "add", "Spring launch", "--content-type", "email"]).status, 0);
    for (const t of ["Planner", "Report", "Webinar"]) {
      assert.equal(desktop.cli(["--data-dir", dir, "documents", "add", t, "--project", "Spring launch"]).status, 0);
    }
    const added = desktop.cli(["--data-dir", dir, "providers", "add", "Local", "--kind", "openai-compatible", "--base-url", `${env.llm.base}/v1`, "--model", "test-model"]);
    assert.equal(added.status, 0, added.stderr);
    // Another email project, with a prompt of its own: a suggestion accepted for the
    // content type reaches it too.
    assert.equal(desktop.cli(["--data-dir", dir, "projects", "add", "Autumn launch", "--content-type", "email"]).status, 0);
    assert.equal(desktop.cli(["--data-dir", dir, "prompts", "set", "--project", "Autumn launch", "--system", "You write autumn emails.", "--template", "Write about {{topic}}."]).status, 0);

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"][data-title="Planner"]')).click();
      await (await s.waitFor('[data-testid="open-prompt"]')).click();
      await fill(s, '[data-testid="prompt-system"]', "You write short launch emails.");
      await fill(s, '[data-testid="prompt-template"]', "Write an email about {{topic}}.");
      await (await s.find('[data-testid="save-prompt"]')).click();
      await s.waitFor('[data-testid="prompt-versions"] li');
      await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();

      for (const title of ["Planner", "Report", "Webinar"]) await generateAndEdit(s, title);

      await (await s.find('[data-testid="open-insights"]')).click();
      const suggestion = await s.waitFor('[data-testid="suggestion"]');
      assert.match(await suggestion.text(), /Replace 'short' with 'brief'\./);
      assert.match(await (await s.find('[data-testid="suggestion-support"]')).text(), /^in 3 of 3 edited drafts/);
      await s.waitFor('[data-testid="learning-curve"] circle');
      await screenshot(s, "20-insights");

      await (await s.find('[data-testid="accept-suggestion"]')).click();
      await s.waitFor('[data-testid="accept-editor"] [data-testid="diff"] ins');
      const wide = await s.waitFor('[data-testid="content-type-wide"]');
      assert.match(await (await s.find('[data-testid="accept-editor"] .inline-check')).text(), /Also add it to the other email projects' prompts: Autumn launch/);
      await wide.click();
      await screenshot(s, "21-accept-suggestion");
      await (await s.find('[data-testid="save-suggestion"]')).click();
      await s.waitUntil("the curve has two versions", `return document.querySelectorAll('[data-testid="learning-curve"] tbody tr').length === 2;`);
      await s.waitUntil("the suggestion is gone", `return !document.querySelector('[data-testid="suggestion"]');`);
      await screenshot(s, "22-learning-curve");
      await s.chord([KEY.ESCAPE]);
      const autumn = desktop.cli(["--data-dir", dir, "prompts", "list", "--project", "Autumn launch", "--format", "json"]);
      assert.equal(autumn.status, 0, autumn.stderr);
      const versions = JSON.parse(autumn.stdout) as { system_prompt: string; origin: string }[];
      assert.deepEqual(
        versions.map((v) => [v.origin, v.system_prompt]),
        [
          ["suggestion", "You write autumn emails.\nReplace 'short' with 'brief'."],
          ["hand", "You write autumn emails."],
        ],
      );

      // The next generation carries the accepted instruction.
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitFor('[data-testid="variant"][data-status="done"]');
      const last = env.llm.requests().at(-1);
      assert.equal(last?.body.messages?.[0]?.content, "You write short launch emails.\nReplace 'short' with 'brief'.");
    } catch (e) {
      await screenshot(s, "FAILED-insights").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
  });

  it("suggests from tags and low ratings many drafts got, with the drafts behind them", async () => {
    const dir = desktop.dataDir("insights-said");
    const draft = "Our autumn range leverages synergies across every channel to deliver best-in-class value for stakeholders this season and beyond.";
    const records = [
      { tags: ["too-long"], final: "Our autumn range is here." },
      { tags: ["too-long"], final: "Our autumn range is in stores now." },
      { tags: ["too-long"], ratings: { clarity: 2 }, comment: "Pure jargon, nobody talks like this." },
      { ratings: { clarity: 1 }, comment: "Jargon again: say what it is." },
      { ratings: { clarity: 2 }, comment: "Too much jargon." },
      { ratings: { clarity: 4 } },
    ].map((r, i) => JSON.stringify({ project: "Autumn", prompt: `Write about the autumn range, take ${i + 1}.`, draft, ...r }));
    const file = join(dir, "..", "said.jsonl");
    writeFileSync(file, records.join("\n") + "\n");
    const imported = desktop.cli(["--data-dir", dir, "import", file]);
    assert.equal(imported.status, 0, imported.stderr);

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"]')).click();
      await (await s.waitFor('[data-testid="open-insights"]')).click();
      await s.waitUntil("two suggestions", `return document.querySelectorAll('[data-testid="suggestion"]').length === 2;`);
      const [tagged, rated] = await s.findAll('[data-testid="suggestion"]');
      assert.match(await tagged!.text(), /Keep it to about 10 words \(people tagged 3 of 6 drafts 'too-long'; they kept about 33% of them\)\./);
      assert.match(await tagged!.text(), /on 3 of 6 drafts people gave feedback on/);
      assert.match(await rated!.text(), /Take care with clarity: reviewers rated it 2 or lower on 3 of 4 drafts\. Their comments mention 'jargon'\./);
      assert.match(await rated!.text(), /on 3 of 4 drafts people rated/);
      await screenshot(s, "23-insights-from-feedback");
    } catch (e) {
      await screenshot(s, "FAILED-insights-said").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
  });

  it("phrases a rule with the model from edits that say the same in other words, and sends it once accepted", async () => {
    const dir = desktop.dataDir("insights-phrase");
    // Each person adds a time to answer by, each time in other words: no rule kind
    // explains that, and the sentences share no word. One adds something unrelated.
    const deadlines = ["Reply by Friday.", "The deadline is noon tomorrow.", "Orders close Monday at midnight.", "Seats are held until Thursday."];
    const added = [...deadlines, "Our office dog is called Biscuit."];
    const topics = ["planner", "report", "jacket", "webinar", "scale"];
    const records = added.map((sentence, i) => {
      const draft = `Meet the new ${topics[i]}. It was built for busy teams and ships this spring.`;
      return JSON.stringify({ project: "Autumn", prompt: `Write about the ${topics[i]}.`, draft, final: `${draft} ${sentence}` });
    });
    const file = join(dir, "..", "phrase.jsonl");
    writeFileSync(file, records.join("\n") + "\n");
    const imported = desktop.cli(["--data-dir", dir, "import", file]);
    assert.equal(imported.status, 0, imported.stderr);
    const provider = desktop.cli(["--data-dir", dir, "providers", "add", "Local", "--kind", "openai-compatible", "--base-url", `${env.llm.base}/v1`, "--model", "test-model"]);
    assert.equal(provider.status, 0, provider.stderr);

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"]')).click();
      await (await s.waitFor('[data-testid="open-prompt"]')).click();
      await fill(s, '[data-testid="prompt-system"]', "You write launch emails.");
      await fill(s, '[data-testid="prompt-template"]', "Write an email about {{topic}}.");
      await (await s.find('[data-testid="save-prompt"]')).click();
      await s.waitFor('[data-testid="prompt-versions"] li');
      await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();

      await (await s.find('[data-testid="open-insights"]')).click();
      await (await s.waitFor('[data-testid="phrase-embedder"] option[value="Local"]')).click();
      await fill(s, '[data-testid="phrase-embedding-model"]', "test-embedding");
      await (await s.find('[data-testid="phrase-run"]:not([disabled])')).click();
      const outcome = await s.waitFor('[data-testid="phrase-outcome"]');
      assert.match(await outcome.text(), /^The model phrased 1 rule from 5 sentences people added or cut that no suggestion explains\./);
      const rule = await s.waitFor('[data-testid="suggestion"].phrased');
      const text = await rule.text();
      assert.match(text, /Write a sentence like "(Reply by Friday\.|The deadline is noon tomorrow\.|Orders close Monday at midnight\.|Seats are held until Thursday\.)"/);
      assert.match(text, /written by the model/);
      assert.match(text, /from sentences people added in 4 of 5 edited drafts, grouped by meaning · phrased by Local \(test-model\)/);
      for (const d of deadlines) assert.ok(text.includes(d), `the rule shows "${d}" as an example`);
      assert.ok(!text.includes("Biscuit"));
      await screenshot(s, "24-phrased-by-the-model");

      // What was sent: the sentences' embeddings, then the one group to phrase.
      const requests = env.llm.requests() as { path: string; body: { input?: string[]; messages?: { role: string; content: string }[] } }[];
      const embedded = requests.filter((r) => r.path.endsWith("/embeddings"));
      assert.equal(embedded.length, 1);
      assert.equal(embedded[0]!.body.input?.length, 5);
      const asked = requests.filter((r) => r.path.endsWith("/chat/completions")).at(-1)?.body.messages?.at(-1)?.content ?? "";
      assert.match(asked, /^In 4 of 5 drafts they edited, people added a sentence like one of these:/);
      for (const d of deadlines) assert.ok(asked.includes(d), `the request carries "${d}"`);
      assert.ok(!asked.includes("Biscuit"));
      const phrased = (await rule.text()).match(/Write a sentence like "[^"]+"/)![0];

      await (await s.find('[data-testid="suggestion"].phrased [data-testid="accept-suggestion"]')).click();
      await s.waitFor('[data-testid="accept-editor"] [data-testid="diff"] ins');
      await (await s.find('[data-testid="save-suggestion"]')).click();
      await s.waitUntil("the phrased rule is gone", `return !document.querySelector('[data-testid="suggestion"].phrased');`);
      await s.waitUntil("the curve has two versions", `return document.querySelectorAll('[data-testid="learning-curve"] tbody tr').length === 2;`);
      await screenshot(s, "25-phrased-rule-accepted");
      await s.chord([KEY.ESCAPE]);

      // The next generation carries the rule the model wrote.
      await (await s.waitFor('[data-testid="open-generate"]')).click();
      await (await s.waitFor('[data-testid="generate-n"] option[value="1"]')).click();
      await fill(s, '[data-testid="brief-topic"]', "the autumn range");
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitFor('[data-testid="variant"][data-status="done"]');
      const last = env.llm.requests().at(-1);
      assert.equal(last?.body.messages?.[0]?.content, `You write launch emails.\n${phrased}`);
    } catch (e) {
      await screenshot(s, "FAILED-insights-phrase").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
  });

  it("scopes a suggestion to one author's drafts: it goes into their block of the prompt", async () => {
    const dir = desktop.dataDir("insights-author");
    const records = ["planner", "report", "webinar"].map((topic) =>
      JSON.stringify({ project: "Winter", prompt: `Write about the ${topic}.`, draft: `Teams utilize the ${topic} every day. It keeps the week on track.`, final: `Teams use the ${topic} every day. It keeps the week on track.` }),
    );
    const file = join(dir, "..", "author.jsonl");
    writeFileSync(file, records.join("\n") + "\n");
    const imported = desktop.cli(["--data-dir", dir, "import", file]);
    assert.equal(imported.status, 0, imported.stderr);
    const provider = desktop.cli(["--data-dir", dir, "providers", "add", "Local", "--kind", "openai-compatible", "--base-url", `${env.llm.base}/v1`, "--model", "test-model"]);
    assert.equal(provider.status, 0, provider.stderr);

    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"]')).click();
      await (await s.waitFor('[data-testid="open-prompt"]')).click();
      await fill(s, '[data-testid="prompt-system"]', "You write winter emails.");
      await fill(s, '[data-testid="prompt-template"]', "Write an email about {{topic}}.");
      await (await s.find('[data-testid="save-prompt"]')).click();
      await s.waitFor('[data-testid="prompt-versions"] li');
      await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();

      await (await s.find('[data-testid="open-insights"]')).click();
      // The one author: whoever imported the edits (no reviewer was named).
      const option = await s.waitFor('[data-testid="insights-author"] option:nth-child(2)');
      assert.match(await option.text(), /: 3 edited drafts \(for .+'s drafts only\)$/);
      await option.click();
      const suggestion = await s.waitFor('[data-testid="suggestion"]');
      assert.match(await suggestion.text(), /Replace 'utilize' with 'use'\./);
      await (await s.find('[data-testid="accept-suggestion"]')).click();
      const editor = await s.waitFor('[data-testid="accept-editor"]');
      assert.match(await editor.text(), /Instruction for .+'s drafts only/);
      assert.match(await editor.text(), /The block of the prompt for .+'s drafts, sent after the system prompt when drafting their documents, changes like this/);
      await screenshot(s, "26-accept-for-one-author");
      await (await s.find('[data-testid="save-suggestion"]')).click();
      await s.waitUntil("the suggestion is gone", `return !document.querySelector('[data-testid="suggestion"]');`);
      await s.chord([KEY.ESCAPE]);

      await (await s.waitFor('[data-testid="open-prompt"]')).click();
      const block = await s.waitFor('[data-testid="author-block"]');
      assert.equal(await block.property("value"), "Replace 'utilize' with 'use'.");
      assert.equal(await (await s.find('[data-testid="prompt-system"]')).property("value"), "You write winter emails.");
      await screenshot(s, "27-authors-block-in-the-prompt");
      await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();

      // Drafting a document of theirs sends the block after the system prompt.
      await (await s.waitFor('[data-testid="open-generate"]')).click();
      await (await s.waitFor('[data-testid="generate-n"] option[value="1"]')).click();
      await fill(s, '[data-testid="brief-topic"]', "the winter range");
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitFor('[data-testid="variant"][data-status="done"]');
      const last = env.llm.requests().at(-1);
      assert.equal(last?.body.messages?.[0]?.content, "You write winter emails.\n\nReplace 'utilize' with 'use'.");
    } catch (e) {
      await screenshot(s, "FAILED-insights-author").catch(() => undefined);
      throw e;
    } finally {
      await s.quit().catch(() => undefined);
    }
  });
});
