import { describe, expect, it } from "vitest";
import { toEmailHtml, toPlainText } from "./emailCopy";
import type { PmNode } from "./markdown";

const doc: PmNode = {
  type: "doc",
  content: [
    { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Spring <sale>" }] },
    {
      type: "paragraph",
      content: [
        { type: "text", text: "Dear " },
        { type: "text", text: "reader", marks: [{ type: "bold" }, { type: "annotation", attrs: { id: "x" } }] },
        { type: "text", text: ", see " },
        { type: "text", text: "the shop", marks: [{ type: "link", attrs: { href: "https://example.com/?a=1&b=2" } }] },
        { type: "text", text: " or " },
        { type: "text", text: "this", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] },
        { type: "hardBreak" },
        { type: "text", text: "Thanks", marks: [{ type: "italic" }] },
      ],
    },
    {
      type: "bulletList",
      content: [
        { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "one" }] }] },
        { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "two" }] }] },
      ],
    },
  ],
};

describe("copy for an email tool", () => {
  it("writes simple, escaped HTML without the editor's annotations or unsafe links", () => {
    expect(toEmailHtml(doc)).toBe(
      [
        "<h2>Spring &lt;sale&gt;</h2>",
        '<p>Dear <strong>reader</strong>, see <a href="https://example.com/?a=1&amp;b=2">the shop</a> or this<br><em>Thanks</em></p>',
        "<ul><li><p>one</p></li><li><p>two</p></li></ul>",
      ].join("\n"),
    );
  });

  it("writes the same text plain, with list bullets and blank lines between blocks", () => {
    expect(toPlainText(doc)).toBe("Spring <sale>\n\nDear reader, see the shop or this\nThanks\n\n• one\n• two");
  });
});
