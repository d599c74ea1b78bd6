import { describe, expect, it } from "vitest";
import { actorName, describeFeedback, duration } from "./feedback";

describe("feedback in the timeline", () => {
  it("reads each kind", () => {
    expect(describeFeedback({ kind: "thumb", up: false, reason: "too-long", text: null }).text).toBe("Thumbs down · too-long");
    expect(describeFeedback({ kind: "rating", dimension: "tone", value: 4 }).text).toBe("Rated tone 4");
    expect(describeFeedback({ kind: "tag", tag: "factual-error", removed: false, span: { anchor: "a", from: 1, to: 7, quote: "Monday" } }).text).toBe("Tagged factual-error on “Monday”");
    expect(describeFeedback({ kind: "decision", verdict: "reject", reason: "off-brand" }).text).toBe("Rejected · “off-brand”");
    expect(describeFeedback({ kind: "decision", verdict: "reopen", reason: "changed after approval" }).text).toBe("Back to draft: changed after approval");
    const preference = { kind: "preference", chosen: "g2", rejected: "g1", tie: false, reason: "warmer" } as const;
    expect(describeFeedback(preference, ["B", "A"]).text).toBe("Preferred B over A · “warmer”");
    expect(describeFeedback({ ...preference, tie: true, reason: null }, ["B", "A"]).text).toBe("Tie between A and B");
    expect(describeFeedback(preference).text).toBe("Preferred one variant over another · “warmer”");
    expect(describeFeedback({ kind: "implicit", kept_ratio: 0.8, time_to_accept_ms: 90_000, copied_chars: null, exported_format: null }).text).toBe(
      "80% of the draft kept · accepted after 2 min",
    );
  });

  it("shortens long quotes and durations", () => {
    const long = "word ".repeat(40);
    expect(describeFeedback({ kind: "comment", text: "ok", span: { anchor: "a", from: 1, to: 200, quote: long } }).text.length).toBeLessThan(70);
    expect(duration(4_000)).toBe("4 s");
    expect(duration(3 * 3600_000)).toBe("3 h");
    expect(actorName("local:alice")).toBe("alice");
  });
});
