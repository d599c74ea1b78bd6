import { describe, expect, it } from "vitest";
import type { DocumentSummary } from "../bindings";
import { activityOn, gathered, patchSummaries, serially } from "./changed";

const doc = (id: string, title = id, words = 0): DocumentSummary => ({
  id,
  project_id: "p",
  title,
  status: "draft",
  words,
  updated_at: "2026-12-01T00:00:00.000Z",
});

describe("patchSummaries", () => {
  it("replaces what changed, drops what is gone, puts what is new first", () => {
    const list = [doc("b"), doc("a")];
    const out = patchSummaries(list, ["a", "b", "c"], [doc("a", "A", 3), doc("c")]);
    expect(out.map((d) => [d.id, d.title, d.words])).toEqual([
      ["c", "c", 0],
      ["a", "A", 3],
    ]);
  });

  it("leaves documents it was not asked about alone", () => {
    const list = [doc("b"), doc("a")];
    expect(patchSummaries(list, ["a"], [])).toEqual([doc("b")]);
    expect(patchSummaries(list, [], [])).toEqual(list);
  });
});

describe("activityOn", () => {
  const none = { projects: [], documents: [], activity: [], providers: false, everything: false };
  it("is about the document named, or about everything", () => {
    expect(activityOn({ ...none, activity: ["a"] }, "a")).toBe(true);
    expect(activityOn({ ...none, activity: ["b"], documents: ["a"] }, "a")).toBe(false);
    expect(activityOn({ ...none, everything: true }, "a")).toBe(true);
  });
});

describe("serially", () => {
  it("finishes work in the order it was given, a failure included", async () => {
    const run = serially();
    const done: number[] = [];
    const slow = run(() => new Promise((r) => setTimeout(() => r(done.push(1)), 20)).then(() => undefined));
    const failing = run(async () => {
      throw new Error("no");
    });
    const fast = run(async () => void done.push(3));
    await slow;
    await expect(failing).rejects.toThrow("no");
    await fast;
    expect(done).toEqual([1, 3]);
  });
});

describe("gathered", () => {
  it("hands what arrives during a run to one next run, and leaves nothing out", async () => {
    const runs: string[][] = [];
    let release: () => void = () => undefined;
    const push = gathered<string>(async (items) => {
      runs.push(items);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = push(["a"]);
    void push(["b"]);
    void push(["c", "d"]);
    release();
    await first;
    expect(runs).toEqual([["a"], ["b", "c", "d"]]);
    await push(["e"]);
    expect(runs).toEqual([["a"], ["b", "c", "d"], ["e"]]);
  });
});
