import { useState, type FormEvent } from "react";
import { FormFooter, Modal } from "./Dialog";
import { PathField } from "./PathField";

interface Props {
  title: string;
  onExport: (path: string) => Promise<void>;
  onClose: () => void;
}

function fileName(title: string): string {
  return `${title.replace(/[^\p{L}\p{N} _-]+/gu, "").trim().replace(/\s+/g, "-") || "document"}.md`;
}

/** Writes the document as a Markdown file. */
export function ExportDocumentDialog({ title, onExport, onClose }: Props) {
  const [path, setPath] = useState(`~/${fileName(title)}`);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await onExport(path);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Modal title="Export as Markdown" onClose={onClose} testId="export-document-dialog">
      <form onSubmit={submit}>
        <PathField label="File" testId="export-path" autoFocus value={path} onChange={setPath} choice={{ kind: "save-file", title: "Export as Markdown", suggested: fileName(title), filter: { name: "Markdown", extensions: ["md"] } }} />
        <FormFooter error={error} onClose={onClose} submit="Export" testId="export-document" />
      </form>
    </Modal>
  );
}
