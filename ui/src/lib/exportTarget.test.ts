import { describe, expect, it } from "vitest";
import { exportTarget } from "../components/DatasetDialogs";

describe("where each format's export goes", () => {
  it("is a file per format, or a folder per format when split", () => {
    expect(exportTarget("~/exports/", "dpo", false)).toBe("~/exports/dpo.jsonl");
    expect(exportTarget("~/exports", "parquet", false)).toBe("~/exports/parquet.parquet");
    expect(exportTarget("~/exports", "csv", true)).toBe("~/exports/csv");
  });
});
