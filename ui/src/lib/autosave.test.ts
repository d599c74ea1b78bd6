import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosave, type SaveState } from "./autosave";

describe("Autosave", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(save: (v: string) => Promise<void>) {
    const states: SaveState[] = [];
    const autosave = new Autosave<string>({ save, onState: (s) => states.push(s), delayMs: 400, maxWaitMs: 1000, retryMs: 2000 });
    return { autosave, states };
  }

  it("saves the latest text once typing pauses", async () => {
    const saved: string[] = [];
    const { autosave, states } = setup(async (v) => void saved.push(v));
    autosave.change("H");
    autosave.change("He");
    autosave.change("Hello");
    await vi.advanceTimersByTimeAsync(399);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual(["Hello"]);
    expect(states.at(-1)).toBe("saved");
  });

  it("saves at least every second while typing never pauses", async () => {
    const saved: string[] = [];
    const { autosave } = setup(async (v) => void saved.push(v));
    for (let i = 1; i <= 12; i++) {
      autosave.change("x".repeat(i));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(saved.length).toBeGreaterThanOrEqual(1);
    expect(saved[0]).toBe("x".repeat(10));
  });

  it("keeps the text after a failed save and retries it", async () => {
    let fail = true;
    const saved: string[] = [];
    const { autosave, states } = setup(async (v) => {
      if (fail) throw new Error("disk full");
      saved.push(v);
    });
    autosave.change("precious words");
    await vi.advanceTimersByTimeAsync(400);
    expect(states.at(-1)).toBe("error");
    expect(autosave.hasUnsaved()).toBe(true);
    fail = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(saved).toEqual(["precious words"]);
    expect(states.at(-1)).toBe("saved");
    expect(autosave.hasUnsaved()).toBe(false);
  });

  it("flush saves immediately and waits for it", async () => {
    const saved: string[] = [];
    const { autosave } = setup(async (v) => void saved.push(v));
    autosave.change("closing now");
    await autosave.flush();
    expect(saved).toEqual(["closing now"]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(saved).toEqual(["closing now"]);
  });
});
