import { EditorContent, Mark, mergeAttributes, useEditor, useEditorState, type Editor as TiptapEditor } from "@tiptap/react";
import { Placeholder } from "@tiptap/extensions";
import StarterKit from "@tiptap/starter-kit";
import { useEffect, type ReactNode } from "react";
import { fromMarkdown, toMarkdown, type PmNode } from "../lib/markdown";
import { ANNOTATION, annotationRules } from "../lib/anchors";
import type { DocumentText } from "../bindings";
import { Icon } from "./Icon";

interface EditorProps {
  initialJson: string;
  /** Used when there is no editor JSON yet (text from the CLI or an import). */
  initialMarkdown: string;
  /** Called on every change with a way to read the text: serializing a long document
   * on each keystroke would cost more than a frame, so the saver reads it when it saves. */
  onChange: (read: () => DocumentText) => void;
  onReady?: (editor: TiptapEditor | null) => void;
  /** A person copied this many characters out of the editor. */
  onCopy?: (chars: number) => void;
  /** Extra toolbar buttons, after the formatting ones. */
  tools?: ReactNode;
  /** False while the text may not change (an approved document, until a person says). */
  editable?: boolean;
}

function initialContent(json: string, markdown: string): PmNode | string {
  if (!json) return markdown.trim() ? fromMarkdown(markdown) : "";
  try {
    return JSON.parse(json) as PmNode;
  } catch {
    return markdown.trim() ? fromMarkdown(markdown) : "";
  }
}

/** A tag or comment on some words; see lib/anchors.ts. */
const Annotation = Mark.create({
  name: ANNOTATION,
  ...annotationRules,
  addAttributes() {
    return {
      id: { default: null, parseHTML: (el) => el.getAttribute("data-anchor"), renderHTML: (a) => ({ "data-anchor": a.id as string }) },
      kind: { default: "tag", parseHTML: (el) => el.getAttribute("data-kind"), renderHTML: (a) => ({ "data-kind": a.kind as string }) },
      label: { default: "", parseHTML: (el) => el.getAttribute("data-label"), renderHTML: (a) => ({ "data-label": a.label as string, title: a.label as string }) },
    };
  },
  parseHTML() {
    return [{ tag: "span[data-anchor]" }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["span", mergeAttributes(HTMLAttributes, { class: "anno" }), 0];
  },
});

export function serialize(doc: PmNode): DocumentText {
  return { body_json: JSON.stringify(doc), body_markdown: toMarkdown(doc) };
}

/** The rich editor. Its JSON is what reloads; Markdown is derived for everyone else. */
export function Editor({ initialJson, initialMarkdown, onChange, onReady, onCopy, tools, editable = true }: EditorProps) {
  const editor = useEditor({
    editable,
    extensions: [
      StarterKit.configure({ link: { openOnClick: false, autolink: true } }),
      Annotation,
      Placeholder.configure({ placeholder: "Start writing, or let the model draft it: ✦ Generate" }),
    ],
    content: initialContent(initialJson, initialMarkdown),
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: { "data-testid": "editor", "aria-label": "Document text", spellcheck: "true" },
      handleDOMEvents: {
        copy: (view) => {
          const { from, to } = view.state.selection;
          if (to > from) onCopy?.(view.state.doc.textBetween(from, to, "\n").length);
          return false;
        },
      },
    },
    onUpdate: ({ editor }) => {
      // The document node is immutable: reading it later gives exactly this version.
      const doc = editor.state.doc;
      onChange(() => serialize(doc.toJSON() as PmNode));
    },
  });
  // Not an edit: nothing to save.
  useEffect(() => editor.setEditable(editable, false), [editor, editable]);
  useEffect(() => {
    onReady?.(editor);
    return () => onReady?.(null);
  }, [editor, onReady]);
  return (
    <div className="editor-frame">
      <Toolbar editor={editor} tools={tools} />
      <EditorContent editor={editor} className="editor" />
    </div>
  );
}

function Toolbar({ editor, tools }: { editor: TiptapEditor; tools?: ReactNode }) {
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bullets: e.isActive("bulletList"),
      numbers: e.isActive("orderedList"),
      quote: e.isActive("blockquote"),
      link: e.isActive("link"),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const button = (label: ReactNode, title: string, on: boolean, run: () => void, disabled = false) => (
    <button type="button" className={`tool ${on ? "on" : ""}`} title={title} aria-pressed={on} disabled={disabled} onMouseDown={(e) => e.preventDefault()} onClick={run}>
      {label}
    </button>
  );
  const chain = () => editor.chain().focus();
  const link = () => {
    if (editor.isActive("link")) return chain().unsetLink().run();
    const href = window.prompt("Link address (https://…)");
    if (!href) return;
    // Only web and mail links: a javascript: address must never become clickable.
    if (!/^(https?:\/\/|mailto:)/i.test(href.trim())) return;
    chain().extendMarkRange("link").setLink({ href: href.trim() }).run();
  };
  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting">
      {button("B", "Bold (Ctrl+B)", active.bold, () => chain().toggleBold().run())}
      {button("I", "Italic (Ctrl+I)", active.italic, () => chain().toggleItalic().run())}
      {button(<Icon name="link" size={14} />, "Link", active.link, link)}
      <span className="sep" />
      {button("H2", "Heading", active.h2, () => chain().toggleHeading({ level: 2 }).run())}
      {button("H3", "Subheading", active.h3, () => chain().toggleHeading({ level: 3 }).run())}
      <span className="sep" />
      {button("• List", "Bulleted list", active.bullets, () => chain().toggleBulletList().run())}
      {button("1. List", "Numbered list", active.numbers, () => chain().toggleOrderedList().run())}
      {button("❝", "Quote", active.quote, () => chain().toggleBlockquote().run())}
      <span className="sep" />
      {button("↶", "Undo (Ctrl+Z)", false, () => chain().undo().run(), !active.canUndo)}
      {button("↷", "Redo (Ctrl+Shift+Z)", false, () => chain().redo().run(), !active.canRedo)}
      {tools && <span className="sep" />}
      {tools}
    </div>
  );
}
