import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Document, DocumentText } from "../bindings";
import { Autosave, type SaveState } from "../lib/autosave";
import { SAVE_LABELS } from "../lib/labels";
import { Editor } from "./Editor";
import { GeneratePanel } from "./GeneratePanel";
import { HistoryPanel } from "./HistoryPanel";
import { RevisePanel } from "./RevisePanel";

interface DocumentPaneProps {
  document: Document;
  projectName: string;
  save: (id: string, text: DocumentText) => Promise<Document>;
  rename: (id: string, title: string) => Promise<void>;
  onDelete: () => void;
  onSaved: (doc: Document) => void;
  onError: (message: string) => void;
  /** Gives the app a way to flush this pane's pending text (on close, on switch). */
  registerFlush: (flush: (() => Promise<void>) | null) => void;
  titleRef: React.RefObject<HTMLInputElement | null>;
  onApplied: (doc: Document) => void;
  onOpenPrompt: () => void;
  onOpenProviders: () => void;
  onOpenInsights: () => void;
}

export function DocumentPane(props: DocumentPaneProps) {
  const { document: doc, save, onSaved, onError, registerFlush } = props;
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [title, setTitle] = useState(doc.title);
  const [panel, setPanel] = useState<"generate" | "revise" | "history" | null>(null);
  const toggle = (p: "generate" | "revise" | "history") => setPanel((current) => (current === p ? null : p));
  // Bumped when the model's text replaces the editor's, so the editor reloads.
  const [editorVersion, setEditorVersion] = useState(0);
  const latest = useRef({ onSaved, onError });
  latest.current = { onSaved, onError };

  const autosave = useMemo(
    () =>
      new Autosave<DocumentText>({
        save: async (text) => latest.current.onSaved(await save(doc.id, text)),
        onState: (state, error) => {
          setSaveState(state);
          if (state === "error") latest.current.onError(`Could not save "${doc.title}": ${error instanceof Error ? error.message : String(error)}. Retrying.`);
        },
      }),
    // One autosave per document: switching documents flushes the old one.
    [doc.id, save],
  );

  useEffect(() => {
    const flush = () => autosave.flush();
    registerFlush(flush);
    return () => {
      registerFlush(null);
      autosave.flush().catch(() => undefined);
      autosave.dispose();
    };
  }, [autosave, registerFlush]);

  useEffect(() => setTitle(doc.title), [doc.title]);

  // The model's text replaced the editor's: show it and reload the editor.
  const applied = (updated: Document) => {
    props.onApplied(updated);
    setEditorVersion((v) => v + 1);
  };

  const commitTitle = async () => {
    if (title.trim() === doc.title) return setTitle(doc.title);
    try {
      await props.rename(doc.id, title);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
      setTitle(doc.title);
    }
  };
  const onTitleKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") e.currentTarget.blur();
    if (e.key === "Escape") {
      setTitle(doc.title);
      requestAnimationFrame(() => e.currentTarget.blur());
    }
  };

  return (
    <main className="document-pane" data-testid="document-pane">
      <header className="document-header">
        <div className="crumbs muted">{props.projectName}</div>
        <div className="title-row">
          <input
            ref={props.titleRef}
            className="title"
            data-testid="document-title"
            aria-label="Document title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            onBlur={commitTitle}
            onKeyDown={onTitleKey}
          />
          <span className={`save-state save-${saveState}`} data-testid="save-state" data-state={saveState} role="status">
            {SAVE_LABELS[saveState]}
          </span>
        </div>
        <div className="doc-actions">
          <button onClick={props.onOpenPrompt} data-testid="open-prompt" title="The project's prompt">
            Prompt
          </button>
          <button className={panel === "generate" ? "on" : ""} onClick={() => toggle("generate")} data-testid="open-generate" title="Generate variants with a model">
            ✦ Generate
          </button>
          <button className={panel === "revise" ? "on" : ""} onClick={() => toggle("revise")} data-testid="open-revise" title="Ask the model to revise with your notes">
            Revise with notes
          </button>
          <button className={panel === "history" ? "on" : ""} onClick={() => toggle("history")} data-testid="open-history" title="Every revision, compared word by word">
            History
          </button>
          <button onClick={props.onOpenInsights} data-testid="open-insights" title="What people keep changing, as prompt suggestions">
            Insights
          </button>
          <button className="icon danger-text" title="Delete document" aria-label="Delete document" data-testid="delete-document" onClick={props.onDelete}>
            Delete
          </button>
        </div>
      </header>
      {panel === "generate" && (
        <GeneratePanel
          document={doc}
          flush={() => autosave.flush()}
          onApplied={applied}
          onOpenPrompt={props.onOpenPrompt}
          onOpenProviders={props.onOpenProviders}
          onClose={() => setPanel(null)}
        />
      )}
      {panel === "revise" && (
        <RevisePanel
          document={doc}
          flush={() => autosave.flush()}
          onApplied={applied}
          onClose={() => setPanel(null)}
        />
      )}
      {panel === "history" && <HistoryPanel document={doc} onClose={() => setPanel(null)} />}
      <Editor key={`${doc.id}:${editorVersion}`} initialJson={doc.body_json} onChange={(text) => autosave.change(text)} />
    </main>
  );
}
