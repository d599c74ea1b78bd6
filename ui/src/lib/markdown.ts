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

/** Text that would read as a heading, a list or a quote at the start of a paragraph
 * keeps its first mark literal: `\# `, `\- `, `1\. `, `\>`. */
function escapeBlockStart(text: string): string {
  // At the end too: the space after a lone "-" may be trimmed away on the way back.
  return text.replace(/^(\s*)(?:([#>])|([-+*])(?=\s|$)|(\d+)([.)])(?=\s|$))/, (_m, space: string, hash?: string, bullet?: string, digits?: string, dot?: string) =>
    digits !== undefined ? `${space}${digits}\\${dot}` : `${space}\\${hash ?? bullet}`,
  );
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
      return escapeBlockStart(inline(node.content));
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

// Markdown to ProseMirror JSON: how model output enters the editor. Everything becomes
// text nodes in the editor's schema, so HTML in a model's answer is shown, never run.

// A backslash before ASCII punctuation makes it literal, as `escapeText` writes it.
const ESCAPED = /\\([!-/:-@[-`{-~])/g;

function unescape(text: string): string {
  return text.replace(ESCAPED, "$1");
}

function inlineNodes(text: string): PmNode[] {
  const nodes: PmNode[] = [];
  // An escaped character first, so `\*` never opens emphasis; marked runs may hold
  // escaped characters of their own.
  const pattern = /(\\[!-/:-@[-`{-~]|\*\*((?:\\.|[^*\\])+)\*\*|__((?:\\.|[^_\\])+)__|\*((?:\\.|[^*\s\\])(?:\\.|[^*\\])*)\*|_((?:\\.|[^_\s\\])(?:\\.|[^_\\])*)_|`([^`]+)`)/g;
  let plain = "";
  let last = 0;
  const flush = () => {
    if (plain) nodes.push({ type: "text", text: plain });
    plain = "";
  };
  for (const m of text.matchAll(pattern)) {
    const at = m.index ?? 0;
    plain += text.slice(last, at);
    last = at + m[0].length;
    const [whole, , bold1, bold2, it1, it2, code] = m;
    if (whole.startsWith("\\")) {
      plain += whole.slice(1);
      continue;
    }
    flush();
    const mark = bold1 !== undefined || bold2 !== undefined ? "bold" : code !== undefined ? "code" : "italic";
    const content = code ?? unescape(bold1 ?? bold2 ?? it1 ?? it2 ?? "");
    if (content) nodes.push({ type: "text", text: content, marks: [{ type: mark }] });
  }
  plain += text.slice(last);
  flush();
  return nodes;
}

function paragraph(text: string): PmNode {
  const content = inlineNodes(text);
  return content.length ? { type: "paragraph", content } : { type: "paragraph" };
}

export function fromMarkdown(markdown: string): PmNode {
  const blocks: PmNode[] = [];
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (!line.trim()) {
      i++;
      continue;
    }
    // A lone "#" is an empty heading, as CommonMark has it (and as an empty one writes).
    const heading = /^(#{1,6})(?:\s+(.*))?$/.exec(line);
    if (heading) {
      blocks.push({ type: "heading", attrs: { level: Math.min(heading[1]?.length ?? 1, 3) }, content: inlineNodes(heading[2] ?? "") });
      i++;
      continue;
    }
    // A marker alone on its line is an empty item, as CommonMark has it (and as one writes).
    const listKind = /^\s*[-*+](?:\s+|$)/.test(line) ? "bulletList" : /^\s*\d+[.)](?:\s+|$)/.test(line) ? "orderedList" : null;
    if (listKind) {
      const marker = listKind === "bulletList" ? /^\s*[-*+](?:\s+|$)/ : /^\s*\d+[.)](?:\s+|$)/;
      const items: PmNode[] = [];
      while (i < lines.length && marker.test(lines[i] ?? "")) {
        items.push({ type: "listItem", content: [paragraph((lines[i] ?? "").replace(marker, ""))] });
        i++;
      }
      blocks.push({ type: listKind, content: items });
      continue;
    }
    if (line.startsWith(">")) {
      const quoted: string[] = [];
      // (Without the i++ this looped for ever on any quote: found by fuzzing.)
      while (i < lines.length && (lines[i] ?? "").startsWith(">")) quoted.push((lines[i++] ?? "").replace(/^>\s?/, ""));
      blocks.push({ type: "blockquote", content: [paragraph(quoted.join(" "))] });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && (lines[i] ?? "").trim() && !/^(#{1,6}(\s|$)|\s*[-*+](\s|$)|\s*\d+[.)](\s|$)|>)/.test(lines[i] ?? "")) {
      para.push((lines[i] ?? "").trim());
      i++;
    }
    if (para.length === 0) {
      para.push(line.trim());
      i++;
    }
    blocks.push(paragraph(para.join(" ")));
  }
  return { type: "doc", content: blocks.length ? blocks : [{ type: "paragraph" }] };
}
