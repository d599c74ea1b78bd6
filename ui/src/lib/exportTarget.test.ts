import { describe, expect, it } from "vitest";
import type { ExportSummary } from "../bindings";
import { exportTarget, writtenSummary } from "../components/DatasetDialogs";

describe("where each format's export goes", () => {
  it("is a file per format, or a folder per format when split", () => {
    expect(exportTarget("~/exports/", "dpo", false)).toBe("~/exports/dpo.jsonl");
    expect(exportTarget("~/exports", "parquet", false)).toBe("~/exports/parquet.parquet");
    expect(exportTarget("~/exports", "csv", true)).toBe("~/exports/csv");
  });
});

describe("what an export wrote", () => {
  const summary = (over: Partial<ExportSummary>): ExportSummary => ({
    format: "dpo",
    files: ["out/dpo/train.jsonl", "out/dpo/eval.jsonl"],
    generations: 40,
    train_rows: 0,
    eval_rows: 0,
    duplicates: 0,
    masked: { emails: 0, phones: 0, cards: 0, ibans: 0, secrets: 0 },
    cancelled: false,
    ...over,
  });
  it("counts rows, by side when split", () => {
    expect(writtenSummary(summary({ train_rows: 7, eval_rows: 2 }), true)).toBe("dpo: 9 rows (7 train, 2 eval)");
    expect(writtenSummary(summary({ train_rows: 1 }), false)).toBe("dpo: 1 row");
  });
  it("says what was left out and masked", () => {
    const s = summary({ train_rows: 3, duplicates: 1, masked: { emails: 2, phones: 1, cards: 0, ibans: 0, secrets: 0 } });
    expect(writtenSummary(s, false)).toBe("dpo: 3 rows, 1 duplicate left out, 3 values masked");
  });
});
