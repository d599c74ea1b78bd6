// Feedback in the real app: every kind given by mouse and by keyboard, all of it back
// after a restart; span notes that follow their words; the changes view; model output
// with markup shown as inert text.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { desktopWithLlm, draftingWorkspace, fill, generateTwo, screenshot } from "./harness";
import { KEY, type Session } from "./webdriver";

const ALT = "\uE00A";
const ARROW_UP = "\uE013";
const TAB = "\uE004";

const env = desktopWithLlm("");
const { desktop } = env;

function workspace(name: string, title: string): string {
  return draftingWorkspace(desktop, env.llm, name, title);
}

async function useVariant(s: Session, index: number, startsWith: string): Promise<void> {
  await (await s.findAll('[data-testid="use-variant"]'))[index]?.click();
  await s.waitUntil("the variant is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith(arguments[0]);`, [startsWith]);
  await (await s.find('[data-testid="open-generate"]')).click();
}

/** Selects the first occurrence of `words` in the editor, as a person dragging would. */
async function select(s: Session, words: string, caret = false): Promise<void> {
  // ProseMirror takes a DOM selection on selectionchange, and when the editor gains focus it
  // puts its own selection back a moment later. So the selection is made, then checked in
  // the editor's state, and made again until the editor holds it: only then do keys follow.
  await s.waitUntil(
    caret ? `the caret before "${words}"` : `"${words}" selected`,
    `const [words, caret] = arguments;
     const ed = document.querySelector('[data-testid="editor"]');
     const { state } = ed.editor;
     const { from, to } = state.selection;
     const held = caret
       ? from === to && state.doc.textBetween(from, Math.min(from + words.length, state.doc.content.size)) === words
       : state.doc.textBetween(from, to) === words;
     if (held && document.activeElement === ed) return true;
     if (document.activeElement !== ed) ed.focus();
     const walker = document.createTreeWalker(ed, NodeFilter.SHOW_TEXT);
     for (let n = walker.nextNode(); n; n = walker.nextNode()) {
       const at = n.textContent.indexOf(words);
       if (at < 0) continue;
       const r = document.createRange(); r.setStart(n, at); r.setEnd(n, caret ? at : at + words.length);
       const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
       return false;
     }
     throw new Error('not in the editor: ' + JSON.stringify(words) + ', it holds ' + JSON.stringify(ed.textContent));`,
    [words, caret],
  );
}

/** Waits until the shortcut has put the focus where a person would see it before typing. */
async function focused(s: Session, css: string): Promise<void> {
  await s.waitUntil(`focus on ${css}`, `return document.activeElement === document.querySelector(arguments[0]);`, [css]);
}

async function timelineKinds(s: Session): Promise<string[]> {
  return (await s.execute(`return [...document.querySelectorAll('[data-testid="timeline"] li')].map((l) => l.dataset.kind);`)) as string[];
}

/** What the panel and the editor show, read the same way before and after a restart. */
async function shown(s: Session) {
  return (await s.execute(`
    const q = (css) => document.querySelector(css);
    const pressed = (css) => [...document.querySelectorAll(css)].filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.textContent.trim());
    const ratings = {};
    for (const g of document.querySelectorAll('[data-testid="ratings"] [role="radiogroup"]')) {
      const on = g.querySelector('[aria-checked="true"]');
      if (on) ratings[g.getAttribute("aria-label")] = Number(on.textContent);
    }
    return {
      thumbUp: q('[data-testid="thumb-up"]')?.getAttribute("aria-pressed"),
      thumbDown: q('[data-testid="thumb-down"]')?.getAttribute("aria-pressed"),
      ratings,
      tags: pressed('[data-testid="document-tags"] button'),
      spans: [...document.querySelectorAll('[data-testid="span-notes"] li')].map((l) => l.textContent.trim()),
      marks: [...document.querySelectorAll('[data-testid="editor"] .anno')].map((a) => a.dataset.label + "=" + a.textContent),
      comments: [...document.querySelectorAll('.comments li > span:first-child')].map((c) => c.textContent),
      status: q('[data-testid="document-status"]')?.textContent,
      timeline: document.querySelectorAll('[data-testid="timeline"] li').length,
    };
  `)) as Record<string, unknown>;
}

async function reopen(dir: string, title: string, name: string, check: (s: Session) => Promise<void>): Promise<void> {
  const s = await desktop.launch(dir);
  try {
    await (await s.waitFor(`[data-testid="document-link"][data-title="${title}"]`)).click();
    await s.waitFor('[data-testid="timeline"] li');
    await check(s);
    await screenshot(s, name);
  } finally {
    await s.quit();
  }
}

describe("Feedback", () => {
  it("takes every kind of feedback by mouse and shows all of it after a restart", async () => {
    const dir = workspace("feedback-mouse", "Launch email");
    let before: Record<string, unknown> = {};
    const s = await desktop.launch(dir);
    try {
      await generateTwo(s, "Launch email", "the spring planner for busy parents");
      await fill(s, '[data-testid="preference-reason"]', "warmer opening");
      await (await s.find('[data-testid="prefer-first"]')).click();
      await s.waitUntil("the preference is recorded", `return document.querySelector('[data-testid="preference-recorded"]')?.textContent.includes("A is better");`);
      await screenshot(s, "40-preference");
      await useVariant(s, 0, "Variant 1: Here is a draft");

      await (await s.find('[data-testid="thumb-down"]')).click();
      await (await s.waitFor('[data-testid="thumb-reasons"] button')).click(); // the first tag: too-long
      await s.waitUntil("the reason is shown", `return document.querySelector('[data-testid="thumb-reasons"] .chip-button.on')?.textContent === "too-long";`);
      await (await s.find('[data-testid="rating-clarity"] [role="radio"]:nth-child(4)')).click();
      await s.waitUntil("clarity is 4", `return document.querySelector('[data-testid="rating-clarity"] [aria-checked="true"]')?.textContent === "4";`);
      // A change of mind: the latest rating is the one shown.
      await (await s.find('[data-testid="rating-tone"] [role="radio"]:nth-child(2)')).click();
      await (await s.find('[data-testid="rating-tone"] [role="radio"]:nth-child(5)')).click();
      await s.waitUntil("tone is 5", `return document.querySelector('[data-testid="rating-tone"] [aria-checked="true"]')?.textContent === "5";`);
      const toneChip = (await s.findAll('[data-testid="document-tags"] button'))[4];
      await toneChip?.click();
      await s.waitUntil("the tone tag is on", `return [...document.querySelectorAll('[data-testid="document-tags"] button[aria-pressed="true"]')].map((b) => b.textContent).join() === "tone";`);

      // A tag on one stretch of words.
      await select(s, "short, clear");
      await (await s.find('[data-testid="tag-selection"]')).click();
      await (await s.waitFor('[data-testid="span-tag-factual-error"]')).click();
      await s.waitUntil("the words are marked", `return document.querySelector('[data-testid="editor"] .anno[data-label="factual-error"]')?.textContent === "short, clear";`);
      // Editing before the span and inside it keeps the mark on the right words.
      await select(s, "Variant 1", true);
      await s.keys("Hello. ");
      await s.waitUntil("the mark stayed on its words", `return document.querySelector('[data-testid="editor"] .anno[data-label="factual-error"]')?.textContent === "short, clear";`);
      await screenshot(s, "41-tagged-span");

      await select(s, "your edits");
      await (await s.find('[data-testid="comment-selection"]')).click();
      await fill(s, '[data-testid="span-comment-text"]', "Whose edits?");
      await (await s.find('[data-testid="save-span-comment"]')).click();
      await s.waitUntil("two notes on the text", `return document.querySelectorAll('[data-testid="span-notes"] li').length === 2;`);
      // Saving the note hands the focus back to the text, as the person left it.
      await focused(s, '[data-testid="editor"]');

      await fill(s, '[data-testid="comment-text"]', "Good start, needs a call to action.");
      await (await s.find('[data-testid="send-comment"]')).click();
      await s.waitUntil("the comment is listed", `return document.querySelector('.comments li')?.textContent.includes("Good start");`);

      // Copying out of the editor is recorded on its own.
      await select(s, "Here is a draft");
      await s.chord([KEY.CONTROL, "c"]);
      await s.waitUntil("the copy is recorded", `return [...document.querySelectorAll('[data-testid="timeline"] li')].some((l) => l.textContent.includes("copied 15 characters"));`);

      // The changes view: what the person inserted into the model's draft.
      await (await s.find('[data-testid="toggle-changes"]')).click();
      await s.waitUntil("the changes view shows the insertion", `return [...document.querySelectorAll('[data-testid="changes-view"] ins')].some((e) => e.textContent.includes("Hello."));`);
      await screenshot(s, "42-changes-view");
      await (await s.find('[data-testid="close-changes"]')).click();

      const exported = join(desktop.home, "launch-email.md");
      await (await s.find('[data-testid="open-export-document"]')).click();
      await fill(s, '[data-testid="export-path"]', exported);
      await (await s.find('[data-testid="export-document"]')).click();
      await s.waitUntil("the export is recorded", `return [...document.querySelectorAll('[data-testid="timeline"] li')].some((l) => l.textContent.includes("exported as markdown"));`);
      assert.match(readFileSync(exported, "utf8"), /^# Launch email\n\nHello\. Variant 1: Here is a draft/);

      await fill(s, '[data-testid="decision-reason"]', "ready to send");
      await (await s.find('[data-testid="approve"]')).click();
      await s.waitUntil("the document is approved", `return document.querySelector('[data-testid="document-status"]')?.textContent === "Approved";`);
      await s.waitUntil("the kept ratio is recorded", `return [...document.querySelectorAll('[data-testid="timeline"] li')].some((l) => /\\d+% of the draft kept · accepted after/.test(l.textContent));`);
      await screenshot(s, "43-feedback-panel");
      const kinds = new Set(await timelineKinds(s));
      for (const kind of ["preference", "thumb", "rating", "tag", "comment", "edit", "implicit", "decision"]) assert.ok(kinds.has(kind), `the timeline has a ${kind} event`);
      before = await shown(s);
    } finally {
      await s.quit();
    }

    assert.deepEqual(before.ratings, { clarity: 4, tone: 5 });
    assert.deepEqual(before.marks, ["factual-error=short, clear", "Whose edits?=your edits"]);
    await reopen(dir, "Launch email", "44-feedback-after-restart", async (s) => {
      assert.deepEqual(await shown(s), before);
      assert.equal(before.thumbDown, "true");
      assert.equal(before.status, "Approved");
    });
  });

  it("takes every kind of feedback from the keyboard", async () => {
    const dir = workspace("feedback-keys", "Keyboard email");
    let before: Record<string, unknown> = {};
    const s = await desktop.launch(dir);
    try {
      await generateTwo(s, "Keyboard email", "a calmer spring for families");
      // The Alt+digit keys are listened for once the variants are comparable: an effect
      // that runs after the render that shows them done.
      await s.painted();
      await s.chord([ALT, "2"]);
      await s.waitUntil("B is preferred", `return document.querySelector('[data-testid="preference-recorded"]')?.textContent.includes("B is better");`);
      await useVariant(s, 1, "Variant 2: Here is a draft");
      await (await s.find('[data-testid="editor"]')).click();

      await s.chord([ALT, ARROW_UP]);
      await s.waitUntil("thumbs up", `return document.querySelector('[data-testid="thumb-up"]')?.getAttribute("aria-pressed") === "true";`);
      await s.chord([ALT, "r"]);
      await focused(s, '[data-testid="rating-accuracy"]');
      await s.keys("3");
      await s.waitUntil("accuracy is 3", `return document.querySelector('[data-testid="rating-accuracy"] [aria-checked="true"]')?.textContent === "3";`);
      await s.keys(`${TAB}5`);
      await s.waitUntil("clarity is 5", `return document.querySelector('[data-testid="rating-clarity"] [aria-checked="true"]')?.textContent === "5";`);
      await s.chord([ALT, "g"]);
      await focused(s, '[data-testid="document-tags"] button');
      await s.keys(" ");
      await s.waitUntil("too-long is on", `return document.querySelector('[data-testid="document-tags"] button[aria-pressed="true"]')?.textContent === "too-long";`);

      await select(s, "calmer spring");
      await s.chord([ALT, "t"]);
      await s.waitFor('[data-testid="span-tag-filter"]');
      await s.keys(`hallu${KEY.ENTER}`);
      await s.waitUntil("the span is tagged", `return document.querySelector('[data-testid="editor"] .anno[data-label="hallucination"]')?.textContent === "calmer spring";`);
      // A tag the project does not have yet is added right there.
      await select(s, "families");
      await s.chord([ALT, "t"]);
      await s.waitFor('[data-testid="span-tag-filter"]');
      await s.keys(`Needs price${KEY.ENTER}`);
      await s.waitUntil("the words carry the new tag", `return document.querySelector('[data-testid="editor"] .anno[data-label="needs-price"]')?.textContent === "families";`);
      await s.waitUntil("and the project has it", `return [...document.querySelectorAll('[data-testid="document-tags"] button')].some((b) => b.textContent === "needs-price");`);
      await select(s, "ready");
      await s.chord([ALT, "m"]);
      await s.waitFor('[data-testid="span-comment-text"]');
      await s.keys(`Ready for whom?${KEY.ENTER}`);
      await s.waitUntil("the span comment is listed", `return [...document.querySelectorAll('[data-testid="span-notes"] li')].some((l) => l.textContent.includes("Ready for whom?"));`);
      await focused(s, '[data-testid="editor"]');
      await s.chord([ALT, "c"]);
      await focused(s, '[data-testid="comment-text"]');
      await s.keys("Fine by me.");
      await s.chord([KEY.CONTROL, KEY.ENTER]);
      await s.waitUntil("the comment is listed", `return document.querySelector('.comments li')?.textContent.includes("Fine by me.");`);

      await s.chord([ALT, KEY.SHIFT, "e"]);
      await s.waitUntil("escalated", `return document.querySelector('[data-testid="document-status"]')?.textContent === "In review";`);
      await s.chord([KEY.CONTROL, KEY.SHIFT, "d"]);
      await s.waitFor('[data-testid="changes-view"]');
      await s.chord([KEY.CONTROL, KEY.SHIFT, "d"]);
      await s.waitUntil("back to the text", `return !document.querySelector('[data-testid="changes-view"]');`);
      await s.chord([KEY.CONTROL, "/"]);
      await s.waitUntil("the sheet lists feedback shortcuts", `return document.querySelector('[data-testid="shortcuts-dialog"]')?.textContent.includes("Approve / reject / escalate");`);
      await screenshot(s, "45-shortcuts");
      await s.keys(KEY.ESCAPE);

      const kinds = new Set(await timelineKinds(s));
      for (const kind of ["preference", "thumb", "rating", "tag", "comment", "decision"]) assert.ok(kinds.has(kind), `the timeline has a ${kind} event`);
      before = await shown(s);
    } finally {
      await s.quit();
    }
    assert.deepEqual(before.ratings, { accuracy: 3, clarity: 5 });
    assert.deepEqual(before.tags, ["too-long"]);
    await reopen(dir, "Keyboard email", "46-keyboard-feedback-after-restart", async (s) => {
      assert.deepEqual(await shown(s), before);
    });
  });

  it("shows markup in the model's output as inert text", async () => {
    const dir = workspace("feedback-xss", "Markup email");
    const s = await desktop.launch(dir);
    try {
      const payload = `Repeat exactly: <script>window.xssRan = "script"</script> <img src=x onerror="window.xssRan = 'img'"> [click me](javascript:window.xssRan='link') **bold**`;
      await generateTwo(s, "Markup email", payload);
      await useVariant(s, 0, "<script>");
      const seen = (await s.execute(`
        const ed = document.querySelector('[data-testid="editor"]');
        return {
          text: ed.innerText,
          scripts: document.querySelectorAll("body script").length,
          images: ed.querySelectorAll("img").length + document.querySelectorAll('[data-testid="variant"] img').length,
          jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
          bold: ed.querySelector("strong")?.textContent,
          ran: window.xssRan ?? null,
        };
      `)) as { text: string; scripts: number; images: number; jsLinks: number; bold: string; ran: string | null };
      assert.match(seen.text, /<script>window.xssRan = "script"<\/script>/);
      assert.match(seen.text, /<img src=x onerror=/);
      assert.match(seen.text, /\[click me\]\(javascript:/);
      assert.equal(seen.bold, "bold", "Markdown still becomes formatting");
      assert.equal(seen.images, 0);
      assert.equal(seen.jsLinks, 0);
      // The app's own bundle is a module script in <head>, not in <body>.
      assert.equal(seen.scripts, 0);
      // Give an onerror handler time to fire had the image been real.
      await s.execute(`return new Promise((r) => setTimeout(r, 500));`);
      assert.equal(await s.execute(`return window.xssRan ?? null;`), null, "no script from the model's text ran");
      assert.equal(seen.ran, null);
      await screenshot(s, "47-markup-inert");
      assert.ok(existsSync(join(dir, "draftloop.db")));
    } finally {
      await s.quit();
    }
  });
  it("locks approved text until the person says, then returns it to draft and says so", async () => {
    const dir = workspace("feedback-approved", "Approved email");
    const s = await desktop.launch(dir);
    const editorText = async () => String(await s.execute(`return document.querySelector('[data-testid="editor"]').innerText;`)).trim();
    try {
      await (await s.waitFor('[data-testid="document-link"][data-title="Approved email"]')).click();
      await (await s.waitFor('[data-testid="editor"]')).click();
      await s.keys("Our spring sale starts Monday.");
      await s.waitUntil("the text is saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved" && document.querySelector('[data-testid="editor"]').innerText.includes("Monday.");`);
      await (await s.find('[data-testid="approve"]')).click();
      await s.waitUntil("approved, and it says so where the person clicked", `return document.querySelector('[data-testid="decision-standing"]')?.textContent.startsWith("Approved by");`);
      assert.equal(await (await s.find('[data-testid="approve"]')).attribute("aria-pressed"), "true");

      // Before the first keystroke lands: the text is locked and the notice says why.
      await s.waitFor('[data-testid="approved-lock"]');
      await (await s.find('[data-testid="editor"]')).click();
      await s.keys(" Bring a friend.");
      await s.waitUntil("the keystrokes point at the notice", `return document.querySelector('[data-testid="approved-lock"]').classList.contains("nudged");`);
      assert.equal(await editorText(), "Our spring sale starts Monday.");
      assert.equal(await s.execute(`return document.querySelector('[data-testid="document-status"]').textContent;`), "Approved");
      await screenshot(s, "70-approved-locked");

      await (await s.find('[data-testid="edit-approved"]')).click();
      await s.waitUntil("the editor takes keys", `return document.activeElement === document.querySelector('[data-testid="editor"]') && document.querySelector('[data-testid="editor"]').isContentEditable;`);
      await s.keys(" Bring a friend.");
      await s.waitUntil("back to draft", `return document.querySelector('[data-testid="document-status"]')?.textContent === "Draft";`);
      await s.waitUntil(
        "the timeline says why, newest first",
        `const first = document.querySelector('[data-testid="timeline"] li'); return first?.dataset.kind === "decision" && first.textContent.startsWith("Back to draft: changed after approval");`,
      );
      assert.equal(await s.execute(`return document.querySelector('[data-testid="approved-lock"]');`), null);
      assert.equal(await s.execute(`return document.querySelector('[data-testid="decision-standing"]');`), null);
      assert.match(String(await editorText()), /Monday\. Bring a friend\.$/);
      await screenshot(s, "71-approved-then-edited");
    } finally {
      await s.quit();
    }
  });

  it("keeps words typed just before a variant out of its undo step", async () => {
    const dir = workspace("feedback-race", "Race email");
    const s = await desktop.launch(dir);
    try {
      await generateTwo(s, "Race email", "a sale for teachers");
      await (await s.findAll('[data-testid="use-variant"]'))[0]?.click();
      await s.waitUntil("A is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 1: Here is a draft");`);
      // Words typed and a variant used within the editor history's grouping delay
      // (500 ms): undoing the variant gives the words back, not the text before them.
      await s.execute(`const e = document.querySelector('[data-testid="editor"]').editor;
        e.commands.focus("end"); e.commands.insertContent(" Typed just now.");
        document.querySelectorAll('[data-testid="use-variant"]')[1].click();`);
      await s.waitUntil("B is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 2: Here is a draft");`);
      await (await s.waitFor('[data-testid="undo-replace"]')).click();
      await s.waitUntil("the words are back with A", `const t = document.querySelector('[data-testid="editor"]').innerText; return t.startsWith("Variant 1: Here is a draft") && t.includes("Typed just now.");`);
    } catch (e) {
      await screenshot(s, "FAILED-race").catch(() => undefined);
      throw e;
    } finally {
      await s.quit();
    }
  });

  it("puts a variant over edited text as one undoable step, says so, and History restores any revision", async () => {
    const dir = workspace("feedback-replace", "Replace email");
    const s = await desktop.launch(dir);
    const editorText = async () => String(await s.execute(`return document.querySelector('[data-testid="editor"]').innerText;`));
    const typeAtEnd = async (words: string) => {
      await s.execute(`document.querySelector('[data-testid="editor"]').editor.commands.focus("end");`);
      await focused(s, '[data-testid="editor"]');
      await s.keys(words);
      await s.waitUntil("the typing is saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved" && document.querySelector('[data-testid="editor"]').innerText.includes(arguments[0]);`, [words.trim()]);
    };
    const useB = async () => {
      await (await s.findAll('[data-testid="use-variant"]'))[1]?.click();
      await s.waitUntil("B is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 2: Here is a draft");`);
    };
    try {
      await generateTwo(s, "Replace email", "a sale for teachers");
      await (await s.findAll('[data-testid="use-variant"]'))[0]?.click();
      await s.waitUntil("A is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 1: Here is a draft");`);
      assert.equal(await s.execute(`return document.querySelector('[data-testid="replaced-note"]');`), null, "nothing of the person's was replaced");
      await typeAtEnd(" My own sentence.");

      await useB();
      await s.waitUntil("it says what replaced the text", `return document.querySelector('[data-testid="replaced-note"]')?.textContent.startsWith("Variant B replaced your text");`);
      assert.doesNotMatch(await editorText(), /My own sentence/);
      await screenshot(s, "72-variant-replaced-text");
      await (await s.find('[data-testid="undo-replace"]')).click();
      await s.waitUntil("the person's text is back", `const t = document.querySelector('[data-testid="editor"]').innerText; return t.startsWith("Variant 1: Here is a draft") && t.includes("My own sentence.");`);
      await s.waitUntil("and saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved";`);
      assert.equal(await s.execute(`return document.querySelector('[data-testid="replaced-note"]');`), null);

      // The editor's own undo does the same.
      await useB();
      await s.execute(`document.querySelector('[data-testid="editor"]').editor.commands.focus();`);
      await focused(s, '[data-testid="editor"]');
      await s.chord([KEY.CONTROL, "z"]);
      await s.waitUntil("Ctrl+Z gives the person's text back", `return document.querySelector('[data-testid="editor"]').innerText.includes("My own sentence.");`);
      await s.waitUntil("and saved", `return document.querySelector('[data-testid="save-state"]')?.dataset.state === "saved";`);

      // History puts any revision back as a new one; the ones after it stay.
      await (await s.find('[data-testid="open-history"]')).click();
      await s.waitFor('[data-testid="restore-revision"]');
      const labels = async () => (await s.execute(`return [...document.querySelectorAll('[data-testid="revision"] td:nth-child(3)')].map((c) => c.textContent);`)) as string[];
      const before = await labels();
      await (await s.find('[data-testid="revision"] [data-testid="restore-revision"]')).click();
      await s.waitUntil("revision #1 is in the editor", `const t = document.querySelector('[data-testid="editor"]').innerText; return t.startsWith("Variant 1: Here is a draft") && !t.includes("My own sentence.");`);
      await s.waitUntil("it says so", `return document.querySelector('[data-testid="replaced-note"]')?.textContent.startsWith("Revision #1 replaced your text");`);
      await s.waitUntil("History has the restored text as a new revision", `return document.querySelectorAll('[data-testid="revision"]').length > arguments[0];`, [before.length]);
      const after = await labels();
      assert.deepEqual(after.slice(0, before.length - 1), before.slice(0, -1), "the earlier revisions are all still there");
      await screenshot(s, "73-history-restored");
    } finally {
      await s.quit();
    }
    const r = await desktop.launch(dir);
    try {
      await (await r.waitFor('[data-testid="document-link"][data-title="Replace email"]')).click();
      await r.waitUntil("the restored text is what reopens", `const t = document.querySelector('[data-testid="editor"]')?.innerText ?? ""; return t.startsWith("Variant 1: Here is a draft") && !t.includes("My own sentence.");`);
    } finally {
      await r.quit();
    }
  });

  it("keeps every request's variants: reopened after a switch and a restart, compared, preferred and used", async () => {
    const dir = workspace("feedback-variants", "Variants email");
    assert.equal(desktop.cli(["--data-dir", dir, "documents", "add", "Other email", "--project", "Spring launch"]).status, 0);
    const variantTexts = async () => (await s.execute(`return [...document.querySelectorAll('[data-testid="variant"] .variant-text')].map((v) => v.textContent);`)) as string[];
    let s = await desktop.launch(dir);
    try {
      await generateTwo(s, "Variants email", "a sale for teachers");
      await fill(s, '[data-testid="brief-topic"]', "a sale for nurses");
      await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
      await s.waitUntil("the second request's variants are done", `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length === 2 && v.every((e) => e.dataset.status === "done" && e.textContent.includes("nurses"));`);

      // Another document, and back: the latest request's variants are there again.
      await (await s.find('[data-testid="document-link"][data-title="Other email"]')).click();
      await s.waitUntil("the other document is open", `return document.querySelector('[data-testid="document-title"]')?.value === "Other email";`);
      await (await s.find('[data-testid="document-link"][data-title="Variants email"]')).click();
      // The other document's pane has an Open generate too, until this one replaces it.
      await s.waitUntil("the document is open again", `return document.querySelector('[data-testid="document-title"]')?.value === "Variants email";`);
      await (await s.waitFor('[data-testid="open-generate"]')).click();
      await s.waitUntil("the latest variants are back", `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length === 2 && v.every((e) => e.dataset.status === "done" && e.textContent.includes("nurses"));`);
    } finally {
      await s.quit();
    }

    s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"][data-title="Variants email"]')).click();
      await (await s.waitFor('[data-testid="open-history"]')).click();
      await s.waitUntil("History lists both requests", `return document.querySelectorAll('[data-testid="request"]').length === 2;`);
      assert.match(String(await s.execute(`return document.querySelectorAll('[data-testid="request"]')[1].textContent;`)), /teachers/);
      await (await s.findAll('[data-testid="open-request"]'))[1]?.click();
      await s.waitUntil("the earlier request's variants are shown", `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length === 2 && v.every((e) => e.dataset.status === "done" && e.textContent.includes("teachers"));`);
      assert.deepEqual((await variantTexts()).map((t) => t.slice(0, 9)), ["Variant 1", "Variant 2"]);
      await screenshot(s, "74-earlier-variants-reopened");

      await (await s.find('[data-testid="prefer-second"]')).click();
      await s.waitUntil("B is preferred", `return document.querySelector('[data-testid="preference-recorded"]')?.textContent.includes("B is better");`);
      await (await s.findAll('[data-testid="use-variant"]'))[0]?.click();
      await s.waitUntil("A of the earlier request is in the editor", `const t = document.querySelector('[data-testid="editor"]')?.innerText ?? ""; return t.startsWith("Variant 1") && t.includes("teachers");`);
      const kinds = await timelineKinds(s);
      assert.ok(kinds.includes("preference"), `the timeline has the preference: ${kinds.join(", ")}`);
      assert.match(String(await s.execute(`return document.querySelector('[data-testid="timeline"] li[data-kind="preference"]').textContent;`)), /Preferred B over A/, "the timeline names the variants");

      // The picker goes back to the latest request.
      const latest = (await s.execute(`return document.querySelector('[data-testid="variant-set"] option').value;`)) as string;
      await s.execute(`const sel = document.querySelector('[data-testid="variant-set"]'); sel.value = arguments[0]; sel.dispatchEvent(new Event("change", { bubbles: true }));`, [latest]);
      await s.waitUntil("the latest variants again", `return [...document.querySelectorAll('[data-testid="variant"]')].every((e) => e.textContent.includes("nurses"));`);
    } finally {
      await s.quit();
    }
  });

  it("takes back a thumb, a rating and a comment: the panel, the timeline and a KTO export agree", async () => {
    const dir = workspace("feedback-retract", "Retract email");
    const exported = (format: string): Record<string, unknown>[] => {
      const out = join(desktop.home, `retract-${format}-${Date.now()}.jsonl`);
      const run = desktop.cli(["--data-dir", dir, "export", "--format", format, "--out", out]);
      assert.equal(run.status, 0, run.stderr);
      return readFileSync(out, "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    const panel = () =>
      s.execute(`
        const q = (css) => document.querySelector(css);
        return {
          up: q('[data-testid="thumb-up"]').getAttribute("aria-pressed"),
          clarity: q('[data-testid="rating-clarity"] [aria-checked="true"]')?.textContent ?? null,
          comments: document.querySelectorAll('.comments li').length,
          kinds: [...document.querySelectorAll('[data-testid="timeline"] li')].map((l) => l.dataset.kind),
        };`) as Promise<{ up: string; clarity: string | null; comments: number; kinds: string[] }>;
    let s = await desktop.launch(dir);
    try {
      await generateTwo(s, "Retract email", "a sale for teachers");
      await useVariant(s, 0, "Variant 1: Here is a draft");
      await (await s.find('[data-testid="thumb-up"]')).click();
      await s.waitUntil("thumbs up", `return document.querySelector('[data-testid="thumb-up"]').getAttribute("aria-pressed") === "true";`);
      await (await s.find('[data-testid="rating-clarity"] button:nth-child(4)')).click();
      await s.waitUntil("clarity is 4", `return document.querySelector('[data-testid="rating-clarity"] [aria-checked="true"]')?.textContent === "4";`);
      await fill(s, '[data-testid="comment-text"]', "Nice opening.");
      await (await s.find('[data-testid="send-comment"]')).click();
      await s.waitUntil("the comment is listed", `return document.querySelectorAll('.comments li').length === 1;`);
      const kto = exported("kto");
      assert.equal(kto.length, 1);
      assert.equal(kto[0]?.label, true);

      await (await s.find('[data-testid="thumb-up"]')).click();
      await s.waitUntil("the thumb is taken back", `return document.querySelector('[data-testid="thumb-up"]').getAttribute("aria-pressed") === "false";`);
      await (await s.find('[data-testid="rating-clarity"] button:nth-child(4)')).click();
      await s.waitUntil("the rating is cleared", `return !document.querySelector('[data-testid="rating-clarity"] [aria-checked="true"]');`);
      await (await s.find('[data-testid="delete-comment"]')).click();
      await s.waitUntil("the comment is gone", `return document.querySelectorAll('.comments li').length === 0;`);
      const shown = await panel();
      assert.deepEqual({ ...shown, kinds: undefined }, { up: "false", clarity: null, comments: 0, kinds: undefined });
      for (const kind of ["thumb", "rating", "comment", "retraction"]) assert.ok(!shown.kinds.includes(kind), `the timeline shows no ${kind}: ${shown.kinds.join(", ")}`);
      await screenshot(s, "75-feedback-taken-back");

      assert.equal(exported("kto").length, 0, "no thumb, so no KTO row");
      const [row] = exported("ratings");
      assert.equal(row?.thumb, null);
      assert.deepEqual(row?.ratings, {});
    } finally {
      await s.quit();
    }
    s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"][data-title="Retract email"]')).click();
      await s.waitFor('[data-testid="thumb-up"]');
      assert.equal(await s.execute(`return document.querySelectorAll('[data-testid="timeline"] li').length;`), 0, "nothing left to show");
      const after = await panel();
      assert.equal(after.up, "false");
      assert.equal(after.clarity, null);
      assert.equal(after.comments, 0);
    } finally {
      await s.quit();
    }
  });

  it("lets the rubric and the tags be edited per project, refusing a bad scale", async () => {
    const dir = workspace("feedback-schema", "Schema email");
    const s = await desktop.launch(dir);
    try {
      await (await s.waitFor('[data-testid="document-link"][data-title="Schema email"]')).click();
      await (await s.waitFor('[data-testid="edit-schema"]')).click();
      await (await s.waitFor('[data-testid="add-dimension"]')).click();
      await fill(s, '[data-testid="dimension-name-4"]', "persuasion");
      await fill(s, '[data-testid="dimension-max-4"]', "0");
      await (await s.find('[data-testid="save-schema"]')).click();
      await s.waitUntil("the bad scale is refused", `return document.querySelector('[data-testid="schema-dialog"] [role="alert"]')?.textContent.includes("persuasion");`);
      await fill(s, '[data-testid="dimension-max-4"]', "10");
      const tags = await s.find('[data-testid="schema-tags"]');
      await tags.click();
      await s.keys(", needs-source");
      await (await s.find('[data-testid="save-schema"]')).click();
      await s.waitUntil("the dialog closed", `return !document.querySelector('[data-testid="schema-dialog"]');`);
      await s.waitUntil("the new dimension has a 1–10 scale", `return document.querySelectorAll('[data-testid="rating-persuasion"] [role="radio"]').length === 10;`);
      await (await s.find('[data-testid="rating-persuasion"] [role="radio"]:nth-child(9)')).click();
      await s.waitUntil("persuasion is 9", `return document.querySelector('[data-testid="rating-persuasion"] [aria-checked="true"]')?.textContent === "9";`);
      await s.waitUntil("the new tag is offered", `return [...document.querySelectorAll('[data-testid="document-tags"] button')].some((b) => b.textContent === "needs-source");`);
      await screenshot(s, "48-edited-rubric");
    } finally {
      await s.quit();
    }
  });
});
