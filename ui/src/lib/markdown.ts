// ProseMirror (TipTap) JSON to Markdown: what the core stores beside the editor JSON,
// for the CLI, exports and diffs. Covers the nodes and marks of the editor's schema.

export interface PmMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface PmNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PmNode[];
  text?: string;
  marks?: PmMark[];
}

const MARK_DELIMITERS: Record<string, string> = { bold: "**", italic: "_", strike: "~~", code: "`" };

function escapeText(text: string): string {
  return text.replace(/([\\*_`~[\]])/g, "\\$1");
}

function inline(nodes: PmNode[] | undefined): string {
  if (!nodes) return "";
  return nodes
    .map((node) => {
      if (node.type === "hardBreak") return "  \n";
      if (node.type !== "text" || node.text === undefined) return inline(node.content);
      const marks = node.marks ?? [];
      const isCode = marks.some((m) => m.type === "code");
      let out = isCode ? node.text : escapeText(node.text);
      for (const mark of marks) {
        const d = MARK_DELIMITERS[mark.type];
        if (d) out = `${d}${out}${d}`;
      }
      const link = marks.find((m) => m.type === "link");
      if (link && typeof link.attrs?.href === "string") out = `[${out}](${link.attrs.href})`;
      return out;
    })
    .join("");
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 || line === "" ? line : prefix + line))
    .join("\n");
}

function block(node: PmNode): string {
  switch (node.type) {
    case "paragraph":
      return inline(node.content);
    case "heading": {
      const level = Math.min(Math.max(Number(node.attrs?.level ?? 1), 1), 6);
      return `${"#".repeat(level)} ${inline(node.content)}`;
    }
    case "bulletList":
      return (node.content ?? []).map((item) => `- ${indent(blocks(item.content), "  ")}`).join("\n");
    case "orderedList": {
      const start = Number(node.attrs?.start ?? 1);
      return (node.content ?? [])
        .map((item, i) => {
          const marker = `${start + i}. `;
          return marker + indent(blocks(item.content), " ".repeat(marker.length));
        })
        .join("\n");
    }
    case "blockquote":
      return blocks(node.content)
        .split("\n")
        .map((line) => (line ? `> ${line}` : ">"))
        .join("\n");
    case "codeBlock": {
      const language = typeof node.attrs?.language === "string" ? node.attrs.language : "";
      return "```" + language + "\n" + (node.content ?? []).map((t) => t.text ?? "").join("") + "\n```";
    }
    case "horizontalRule":
      return "---";
    default:
      return blocks(node.content) || inline(node.content);
  }
}

function blocks(nodes: PmNode[] | undefined): string {
  return (nodes ?? []).map(block).join("\n\n");
}

export function toMarkdown(doc: PmNode): string {
  return blocks(doc.content).replace(/\n{3,}/g, "\n\n").trim();
}
