import { useState, type FormEvent } from "react";
import { FormFooter, Modal } from "./Dialog";

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
        <label>
          File
          <input autoFocus data-testid="export-path" value={path} onChange={(e) => setPath(e.target.value)} />
        </label>
        <FormFooter error={error} onClose={onClose} submit="Export" testId="export-document" />
      </form>
    </Modal>
  );
}
