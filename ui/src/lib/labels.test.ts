import { describe, expect, it } from "vitest";
import { article, tagName, variableLabel } from "./labels";

describe("labels", () => {
  it("reads a brief variable as words", () => {
    expect(variableLabel("audience")).toBe("Audience");
    expect(variableLabel("call_to_action")).toBe("Call to action");
    expect(variableLabel("launch-date")).toBe("Launch date");
  });

  it("says a or an", () => {
    expect(`${article("email")} email`).toBe("an email");
    expect(`${article("landing page")} landing page`).toBe("a landing page");
  });

  it("keeps a typed tag as the project does", () => {
    expect(tagName("  Missing Price ")).toBe("missing-price");
    expect(tagName("tone")).toBe("tone");
  });
});
