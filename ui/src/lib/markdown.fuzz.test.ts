// Fuzzing the Markdown / editor-JSON conversion (fuzz/README.md): any text a person
// pastes or a model writes is read without an error, and what it becomes is stable:
// written out and read again, it writes out the same. A short run here; a long one
// with FUZZ_RUNS=200000.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromMarkdown, toMarkdown } from "./markdown";

const runs = Number(process.env.FUZZ_RUNS ?? "2000");

// Text made of the characters Markdown gives meaning to, so the runs reach the rules.
const markdownish = fc.stringMatching(/^[-*_#>`[\]()!0-9. a-z\n\\~|]{0,200}$/);
const anything = fc.string({ unit: "grapheme", maxLength: 200 });

describe("the Markdown conversion, fuzzed", () => {
  for (const [name, text] of [
    ["Markdown-like text", markdownish],
    ["any text", anything],
  ] as const) {
    it(`reads ${name} without an error and writes it out stably`, () => {
      fc.assert(
        fc.property(text, (s) => {
          const once = toMarkdown(fromMarkdown(s));
          expect(toMarkdown(fromMarkdown(once))).toBe(once);
        }),
        { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? "20261202") },
      );
      // A long run needs longer than a test's default 5 s (about 10 µs a run, more on a
      // loaded machine).
    }, Math.max(5000, runs / 10));
  }
});
