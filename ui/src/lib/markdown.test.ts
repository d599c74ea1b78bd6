import { describe, expect, it } from "vitest";
import { fromMarkdown, toMarkdown, type PmNode } from "./markdown";

const text = (t: string, marks: string[] = []): PmNode => ({ type: "text", text: t, marks: marks.map((type) => ({ type })) });
const p = (...content: PmNode[]): PmNode => ({ type: "paragraph", content });
const doc = (...content: PmNode[]): PmNode => ({ type: "doc", content });

describe("toMarkdown", () => {
  it("writes paragraphs separated by a blank line", () => {
    expect(toMarkdown(doc(p(text("One.")), p(text("Two."))))).toBe("One.\n\nTwo.");
  });

  it("writes headings, marks and links", () => {
    const md = toMarkdown(
      doc(
        { type: "heading", attrs: { level: 2 }, content: [text("Launch")] },
        p(
          text("Buy "),
          text("now", ["bold"]),
          text(" or "),
          text("later", ["italic"]),
          text(" at "),
          { type: "text", text: "our shop", marks: [{ type: "link", attrs: { href: "https://example.com" } }] },
        ),
      ),
    );
    expect(md).toBe("## Launch\n\nBuy **now** or _later_ at [our shop](https://example.com)");
  });

  it("writes bullet and ordered lists, nested content indented", () => {
    const item = (...content: PmNode[]): PmNode => ({ type: "listItem", content });
    const md = toMarkdown(
      doc(
        { type: "bulletList", content: [item(p(text("fast"))), item(p(text("local")), p(text("private")))] },
        { type: "orderedList", attrs: { start: 3 }, content: [item(p(text("third"))), item(p(text("fourth")))] },
      ),
    );
    expect(md).toBe("- fast\n- local\n\n  private\n\n3. third\n4. fourth");
  });

  it("escapes Markdown characters typed as text", () => {
    expect(toMarkdown(doc(p(text("2 * 3 = 6 and a_b [x]"))))).toBe("2 \\* 3 = 6 and a\\_b \\[x\\]");
  });

  it("writes an empty document as an empty string", () => {
    expect(toMarkdown(doc())).toBe("");
    expect(toMarkdown(doc(p()))).toBe("");
  });
});

describe("fromMarkdown", () => {
  it("reads headings, paragraphs, lists and marks", () => {
    const md = "# Spring\n\nBuy **now**, pay _later_.\n\n- one\n- two\n\n1. first\n2. second";
    const d = fromMarkdown(md);
    expect(d.content?.map((n) => n.type)).toEqual(["heading", "paragraph", "bulletList", "orderedList"]);
    expect(toMarkdown(d)).toBe(md.replace("# Spring", "# Spring"));
  });

  it("keeps HTML in a model's answer as plain text", () => {
    const md = 'Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))';
    const d = fromMarkdown(md);
    const texts = (d.content?.[0]?.content ?? []).map((n) => n.type);
    expect(new Set(texts)).toEqual(new Set(["text"]));
    expect(d.content?.[0]?.content?.map((n) => n.text).join("")).toContain("<script>alert(1)</script>");
  });

  it("gives an empty document one empty paragraph", () => {
    expect(fromMarkdown("  \n")).toEqual({ type: "doc", content: [{ type: "paragraph" }] });
  });

  // Found by fuzzing (markdown.fuzz.test.ts):
  it("reads a quote, and what follows it (it looped for ever)", () => {
    const d = fromMarkdown("> A customer said so.\n> Twice.\n\nThen this.");
    expect(d.content?.map((n) => n.type)).toEqual(["blockquote", "paragraph"]);
    expect(toMarkdown(d)).toBe("> A customer said so. Twice.\n\nThen this.");
  });

  it("reads escaped characters as the characters, so saving again adds no backslashes", () => {
    const d = fromMarkdown("2 \\* 3, a\\_b, \\[x\\] and **bold \\* star**");
    const texts = (d.content?.[0]?.content ?? []).map((n) => n.text).join("|");
    expect(texts).toBe("2 * 3, a_b, [x] and |bold * star");
    const once = toMarkdown(d);
    expect(toMarkdown(fromMarkdown(once))).toBe(once);
  });

  it("keeps text that looks like a heading, a list or a quote as text", () => {
    for (const t of ["> not a quote", "# not a heading", "- not a list", "1. not a list", "+ no", "-", "2."]) {
      const md = toMarkdown(doc(p(text(t))));
      const back = fromMarkdown(md);
      expect(back.content?.map((n) => n.type)).toEqual(["paragraph"]);
      expect(back.content?.[0]?.content?.[0]?.text).toBe(t);
      expect(toMarkdown(back)).toBe(md);
    }
  });

  it("writes a quoted lone dash the same way twice", () => {
    const once = toMarkdown(fromMarkdown(">- "));
    expect(toMarkdown(fromMarkdown(once))).toBe(once);
  });

  it("reads a marker alone on its line as an empty list item, as one writes", () => {
    for (const md of ["* ", "0) ", "-", "1."]) {
      const d = fromMarkdown(md);
      expect(d.content?.[0]?.type).toMatch(/List$/);
      const once = toMarkdown(d);
      expect(toMarkdown(fromMarkdown(once))).toBe(once);
    }
  });

  it("reads a lone # as an empty heading, as an empty heading writes", () => {
    const d = fromMarkdown("#");
    expect(d.content?.map((n) => n.type)).toEqual(["heading"]);
    expect(toMarkdown(d)).toBe("#");
  });
});
