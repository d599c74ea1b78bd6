import { EditorContent, useEditor, useEditorState, type Editor as TiptapEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { toMarkdown, type PmNode } from "../lib/markdown";
import type { DocumentText } from "../bindings";

interface EditorProps {
  initialJson: string;
  onChange: (text: DocumentText) => void;
}

function parse(json: string): PmNode | string {
  if (!json) return "";
  try {
    return JSON.parse(json) as PmNode;
  } catch {
    return "";
  }
}

/** The rich editor. Its JSON is what reloads; Markdown is derived for everyone else. */
export function Editor({ initialJson, onChange }: EditorProps) {
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: { openOnClick: false, autolink: true } })],
    content: parse(initialJson),
    shouldRerenderOnTransaction: false,
    editorProps: { attributes: { "data-testid": "editor", "aria-label": "Document text", spellcheck: "true" } },
    onUpdate: ({ editor }) => {
      const json = editor.getJSON() as PmNode;
      onChange({ body_json: JSON.stringify(json), body_markdown: toMarkdown(json) });
    },
  });
  return (
    <div className="editor-frame">
      <Toolbar editor={editor} />
      <EditorContent editor={editor} className="editor" />
    </div>
  );
}

function Toolbar({ editor }: { editor: TiptapEditor }) {
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
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const button = (label: string, title: string, on: boolean, run: () => void, disabled = false) => (
    <button type="button" className={`tool ${on ? "on" : ""}`} title={title} aria-pressed={on} disabled={disabled} onMouseDown={(e) => e.preventDefault()} onClick={run}>
      {label}
    </button>
  );
  const chain = () => editor.chain().focus();
  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting">
      {button("B", "Bold (Ctrl+B)", active.bold, () => chain().toggleBold().run())}
      {button("I", "Italic (Ctrl+I)", active.italic, () => chain().toggleItalic().run())}
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
    </div>
  );
}
