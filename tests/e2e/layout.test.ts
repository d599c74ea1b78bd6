// The layout holds at the smallest window (900×560) and at the default one (1280×800):
// in every main view, each control can be reached (scrolled to, where its panel
// scrolls), lies inside the window and inside its own region, is not covered by
// anything, and no button's label wraps. Screenshots of each view at both sizes.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { desktopWithLlm, draftingWorkspace, fill, generateTwo, screenshot } from "./harness";
import { KEY, type Session } from "./webdriver";

const env = desktopWithLlm("");
const { desktop } = env;

const SIZES = [
  [900, 560],
  [1280, 800],
] as const;

/** What is wrong with the layout as shown: one line per control. Runs in the page. */
const PROBLEMS = `
  const name = (el) => !el ? "nothing" : (el.dataset?.testid || el.getAttribute?.("aria-label") || (el.textContent || "").trim().slice(0, 30) || el.tagName.toLowerCase());
  const region = (el) => el.closest('[role="dialog"], .generate-panel, .document-header, .editor-frame, aside, nav, main') ?? document.body;
  const inside = (r, box) => r.left >= box.left - 1 && r.top >= box.top - 1 && r.right <= box.right + 1 && r.bottom <= box.bottom + 1;
  const dialog = document.querySelector('[role="dialog"]');
  const box4 = (r) => Math.round(r.left) + "," + Math.round(r.top) + " " + Math.round(r.width) + "×" + Math.round(r.height);
  const problems = [];
  const controls = [...document.querySelectorAll('button, input, textarea, select, [role="radio"], a[href]')]
    .filter((el) => el.getClientRects().length > 0 && !el.closest(".ProseMirror") && (!dialog || dialog.contains(el)));
  for (const el of controls) {
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const where = box4(r);
    if (!inside(r, { left: 0, top: 0, right: innerWidth, bottom: innerHeight })) {
      problems.push(name(el) + " is outside the window (" + where + ")");
      continue;
    }
    const box = region(el);
    if (!inside(r, box.getBoundingClientRect())) problems.push(name(el) + " spills out of " + name(box) + " (" + where + ")");
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(el === hit || el.contains(hit) || (el.labels && [...el.labels].some((l) => l.contains(hit))))) problems.push(name(el) + " is covered by " + name(hit) + " (" + where + " under " + (hit ? box4(hit.getBoundingClientRect()) : "") + ")");
    if (el.tagName === "BUTTON") {
      // A label wraps when one run of its text takes more than one line.
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const tops = [...range.getClientRects()].map((line) => line.top);
        if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > parseFloat(getComputedStyle(el).fontSize) * 0.6) {
          problems.push(name(el) + " wraps its label (" + where + ")");
          break;
        }
      }
    }
  }
  return problems;
`;

async function holds(s: Session, view: string, size: readonly [number, number]): Promise<void> {
  await s.painted();
  const problems = (await s.execute(PROBLEMS)) as string[];
  // Back to the top of each panel for the screenshot.
  await s.execute(`for (const el of document.querySelectorAll("*")) { if (el.scrollTop) el.scrollTop = 0; if (el.scrollLeft) el.scrollLeft = 0; }`);
  await screenshot(s, `60-layout-${size[0]}x${size[1]}-${view}`);
  assert.deepEqual(problems, [], `${view} at ${size[0]}×${size[1]}`);
}

describe("Layout", () => {
  it("keeps every control reachable and nothing overlapping at 900×560 and 1280×800", async () => {
    const dir = draftingWorkspace(desktop, env.llm, "layout", "Spring launch email for every customer we have");
    const s = await desktop.launch(dir);
    try {
      await generateTwo(s, "Spring launch email for every customer we have", "a spring sale for teachers");
      await (await s.findAll('[data-testid="use-variant"]'))[0]?.click();
      await s.waitUntil("A is in the editor", `return document.querySelector('[data-testid="editor"]')?.innerText.startsWith("Variant 1");`);
      // Between views the controls are pressed from the page, so a control the layout
      // covers is reported by the checks, with everything else wrong, not by the click.
      const press = (css: string) => s.execute(`document.querySelector(arguments[0]).click();`, [css]);
      const failures: string[] = [];
      const check = async (view: string, size: readonly [number, number]) => {
        try {
          await holds(s, view, size);
        } catch (e) {
          failures.push((e as Error).message);
        }
      };
      for (const size of SIZES) {
        await s.setWindowSize(size[0], size[1]);
        await s.execute(`if (!document.querySelector('[data-testid="generate-panel"]')) document.querySelector('[data-testid="open-generate"]').click();`);
        await s.waitFor('[data-testid="variant"]');
        await check("generate", size);
        await press('[data-testid="open-generate"]');
        await check("editor", size);

        await press('[data-testid="open-revise"]');
        await fill(s, '[data-testid="revise-notes"]', "Shorter, and name the date.");
        await s.waitFor('[data-testid="revise"]:not([disabled])');
        await press('[data-testid="revise"]');
        await s.waitFor('[data-testid="proposed-change"]');
        await check("revise", size);
        await press('[data-testid="open-revise"]');

        await press('[data-testid="open-history"]');
        await s.waitFor('[data-testid="revision"]');
        await check("history", size);
        await press('[data-testid="open-history"]');

        await press('[data-testid="open-insights"]');
        await s.waitFor('[data-testid="insights-dialog"]');
        await check("insights", size);
        await s.keys(KEY.ESCAPE);

        await press('[data-testid="open-export"]');
        await s.waitFor('[data-testid="export-dialog"]');
        await check("export", size);
        await s.keys(KEY.ESCAPE);

        await s.chord([KEY.CONTROL, "/"]);
        await s.waitFor('[data-testid="shortcuts-dialog"]');
        await check("shortcuts", size);
        await s.keys(KEY.ESCAPE);
        await s.waitUntil("no dialog is open", `return !document.querySelector('[role="dialog"]');`);

        await s.chord([KEY.CONTROL, "k"]);
        await (await s.waitFor('[data-testid="search-input"]')).type("spring");
        await s.waitFor('[data-testid="search-hit"]');
        await check("search", size);
        await s.keys(KEY.ESCAPE);
        await s.waitUntil("no dialog is open", `return !document.querySelector('[role="dialog"]');`);

        await press('[data-testid="open-dashboard"]');
        await s.waitFor('[data-testid="figure-drafts"]');
        await check("dashboard", size);
        await press('[data-testid="document-link"]');
        await s.waitFor('[data-testid="editor"]');
      }
      assert.deepEqual(failures, []);
    } finally {
      await s.quit();
    }
  });
});
