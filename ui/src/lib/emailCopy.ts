// The document as an email tool takes it from the clipboard: simple HTML (paragraphs,
// headings, lists, quotes, bold, italic, links) and the same text plain, for fields that
// take no formatting. Built from the editor's JSON, so the editor's own annotations
// (tagged words, comments) never travel with it, and text is always escaped.

import type { PmMark, PmNode } from "./markdown";

const TAGS: Record<string, string> = { bold: "strong", italic: "em", strike: "s", code: "code" };

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Only web and mail links survive: a `javascript:` href in model output is dropped. */
function safeHref(mark: PmMark): string | null {
  const href = mark.attrs?.href;
  return typeof href === "string" && /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : null;
}

function inlineHtml(nodes: PmNode[] | undefined): string {
  return (nodes ?? [])
    .map((node) => {
      if (node.type === "hardBreak") return "<br>";
      if (node.type !== "text" || node.text === undefined) return inlineHtml(node.content);
      let out = escapeHtml(node.text);
      for (const mark of node.marks ?? []) {
        const tag = TAGS[mark.type];
        if (tag) out = `<${tag}>${out}</${tag}>`;
        const href = mark.type === "link" ? safeHref(mark) : null;
        if (href) out = `<a href="${escapeHtml(href)}">${out}</a>`;
      }
      return out;
    })
    .join("");
}

function blockHtml(node: PmNode): string {
  const inner = () => (node.content ?? []).map(blockHtml).join("");
  switch (node.type) {
    case "paragraph":
      return `<p>${inlineHtml(node.content)}</p>`;
    case "heading": {
      const level = Math.min(Math.max(Number(node.attrs?.level ?? 1), 1), 6);
      return `<h${level}>${inlineHtml(node.content)}</h${level}>`;
    }
    case "bulletList":
      return `<ul>${inner()}</ul>`;
    case "orderedList": {
      const start = Number(node.attrs?.start ?? 1);
      return start === 1 ? `<ol>${inner()}</ol>` : `<ol start="${start}">${inner()}</ol>`;
    }
    case "listItem":
      return `<li>${inner()}</li>`;
    case "blockquote":
      return `<blockquote>${inner()}</blockquote>`;
    case "codeBlock":
      return `<pre>${escapeHtml((node.content ?? []).map((t) => t.text ?? "").join(""))}</pre>`;
    case "horizontalRule":
      return "<hr>";
    default:
      return node.content ? inner() || inlineHtml(node.content) : "";
  }
}

export function toEmailHtml(doc: PmNode): string {
  return (doc.content ?? []).map(blockHtml).join("\n");
}

function inlineText(nodes: PmNode[] | undefined): string {
  return (nodes ?? []).map((n) => (n.type === "hardBreak" ? "\n" : n.type === "text" ? (n.text ?? "") : inlineText(n.content))).join("");
}

function blockText(node: PmNode): string {
  switch (node.type) {
    case "paragraph":
    case "heading":
      return inlineText(node.content);
    case "bulletList":
      return (node.content ?? []).map((item) => `• ${blocksText(item.content)}`).join("\n");
    case "orderedList": {
      const start = Number(node.attrs?.start ?? 1);
      return (node.content ?? []).map((item, i) => `${start + i}. ${blocksText(item.content)}`).join("\n");
    }
    case "codeBlock":
      return (node.content ?? []).map((t) => t.text ?? "").join("");
    case "horizontalRule":
      return "—";
    default:
      return blocksText(node.content) || inlineText(node.content);
  }
}

function blocksText(nodes: PmNode[] | undefined): string {
  return (nodes ?? []).map(blockText).join("\n\n");
}

export function toPlainText(doc: PmNode): string {
  return blocksText(doc.content).replace(/\n{3,}/g, "\n\n").trim();
}

/** Puts `html` and `text` on the clipboard as one copy (a person pasting gets the
 * formatted version where formatting is taken). Must run inside a click. */
export async function copyBoth(html: string, text: string): Promise<void> {
  await navigator.clipboard.write([
    new ClipboardItem({
      "text/html": new Blob([html], { type: "text/html" }),
      "text/plain": new Blob([text], { type: "text/plain" }),
    }),
  ]);
}
