import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { closeHistory } from "@tiptap/pm/history";
import type { Editor as TiptapEditor } from "@tiptap/react";
import { api, toApiError } from "../api";
import type { Document, DocumentChanges, DocumentFeedback, DocumentText, Feedback, Project, RubricDimension, SpanNote } from "../bindings";
import { ANNOTATION, anchorRanges, newAnchorId, type AnnotationKind } from "../lib/anchors";
import { Autosave, type SaveState } from "../lib/autosave";
import { activityOn, serially, useChanged } from "../lib/changed";
import { keyCode, modalOpen } from "../lib/keys";
import { copyBoth, toEmailHtml, toPlainText } from "../lib/emailCopy";
import { fromMarkdown, type PmNode } from "../lib/markdown";
import { SAVE_LABELS } from "../lib/labels";
import { wordCount } from "../lib/words";
import { ChangesView } from "./ChangesView";
import { Editor } from "./Editor";
import { EmailFields } from "./EmailFields";
import { ExportDocumentDialog } from "./ExportDocumentDialog";
import { FeedbackPanel } from "./FeedbackPanel";
import { FeedbackSchemaDialog } from "./FeedbackSchemaDialog";
import { Icon } from "./Icon";
import { GeneratePanel } from "./GeneratePanel";
import { HistoryPanel } from "./HistoryPanel";
import { RevisePanel } from "./RevisePanel";
import { SpanTool, type SpanSelection } from "./SpanTool";

interface DocumentPaneProps {
  document: Document;
  project: Project | null;
  save: (id: string, text: DocumentText) => Promise<Document>;
  rename: (id: string, title: string) => Promise<void>;
  onDelete: () => void;
  onSaved: (doc: Document) => void;
  onError: (message: string) => void;
  onNotice: (message: string) => void;
  /** Gives the app a way to flush this pane's pending text (on close, on switch). */
  registerFlush: (flush: (() => Promise<void>) | null) => void;
  titleRef: React.RefObject<HTMLInputElement | null>;
  /** A new document: its title is selected, ready to be typed over. */
  selectTitle: boolean;
  onTitleSelected: () => void;
  /** The document changed in the backend (the model's text, a decision): show it. */
  onApplied: (doc: Document) => void;
  onOpenPrompt: () => void;
  onOpenProviders: () => void;
  onOpenInsights: () => void;
}

type Panel = "generate" | "revise" | "history";

export function DocumentPane(props: DocumentPaneProps) {
  const { document: doc, project, save, onSaved, onError, registerFlush } = props;
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [title, setTitle] = useState(doc.title);
  const [panel, setPanel] = useState<Panel | null>(null);
  // The request History asked the Generate panel to show.
  const [openGroup, setOpenGroup] = useState<string | null>(null);
  const toggle = (p: Panel) => {
    if (p === "generate") setOpenGroup(null);
    setPanel((current) => (current === p ? null : p));
  };
  // Bumped when the model's text replaces the editor's, so the editor reloads.
  const [editorVersion, setEditorVersion] = useState(0);
  const [editor, setEditor] = useState<TiptapEditor | null>(null);
  const [feedback, setFeedback] = useState<DocumentFeedback | null>(null);
  const [spanTool, setSpanTool] = useState<SpanSelection | null>(null);
  const [changes, setChanges] = useState<DocumentChanges | null | "off">("off");
  const [dialog, setDialog] = useState<"schema" | "export" | null>(null);
  // Approved text is locked until the person says they mean to change it: a change
  // returns the document to draft (the core records it), and that should never be a
  // surprise. A keystroke on the locked text points at the notice.
  const [unlocked, setUnlocked] = useState<string | null>(null);
  const locked = doc.status === "approved" && unlocked !== doc.id;
  const [nudged, setNudged] = useState(false);
  useEffect(() => {
    if (doc.status !== "approved") setUnlocked(null);
    setNudged(false);
  }, [doc.status, doc.id]);
  // Focused once the editor takes keys (its effect runs before this one).
  const [focusOnUnlock, setFocusOnUnlock] = useState(false);
  useEffect(() => {
    if (!focusOnUnlock || locked) return;
    setFocusOnUnlock(false);
    editor?.commands.focus();
  }, [focusOnUnlock, locked, editor]);
  const unlock = () => {
    setUnlocked(doc.id);
    setFocusOnUnlock(true);
  };
  const latest = useRef({ onSaved, onError });
  latest.current = { onSaved, onError };

  const autosave = useMemo(
    () =>
      new Autosave<() => DocumentText>({
        save: async (read) => latest.current.onSaved(await save(doc.id, read())),
        onState: (state, error) => {
          setSaveState(state);
          if (state === "error") latest.current.onError(`Could not save "${doc.title}": ${error instanceof Error ? error.message : String(error)}. Retrying.`);
        },
      }),
    // One autosave per document: switching documents flushes the old one.
    [doc.id, save],
  );

  // An email's subject and preheader save by themselves too: everything that flushes
  // the text (leaving, generating, Ctrl+S) flushes them first.
  const emailFlush = useRef<(() => Promise<void>) | null>(null);
  const registerEmailFlush = useCallback((flush: (() => Promise<void>) | null) => {
    emailFlush.current = flush;
  }, []);
  const flushAll = useCallback(async () => {
    await emailFlush.current?.();
    await autosave.flush();
  }, [autosave]);

  useEffect(() => {
    const flush = flushAll;
    registerFlush(flush);
    return () => {
      registerFlush(null);
      autosave.flush().catch(() => undefined);
      autosave.dispose();
    };
  }, [autosave, flushAll, registerFlush]);

  useEffect(() => setTitle(doc.title), [doc.title]);
  const { selectTitle, onTitleSelected, titleRef } = props;
  useEffect(() => {
    if (!selectTitle) return;
    titleRef.current?.select();
    onTitleSelected();
  }, [selectTitle, onTitleSelected, titleRef]);

  // Reads one after another, so the last change's answer is the one shown.
  const [inOrder] = useState(serially);
  const refreshFeedback = useCallback(
    () =>
      inOrder(async () => {
        setFeedback(await api.documentFeedback(doc.id));
      }),
    [doc.id, inOrder],
  );

  useEffect(() => {
    refreshFeedback().catch((e: unknown) => onError(toApiError(e).message));
  }, [refreshFeedback, onError]);
  // Whatever adds to what was said about this document (this pane, an export, a
  // generation, an import), the core says so, and the panel reads it again.
  useChanged((changed) => {
    if (activityOn(changed, doc.id)) refreshFeedback().catch((e: unknown) => onError(toApiError(e).message));
  });

  /** Saves the text first, so the event is bound to the revision the person sees. */
  const record = useCallback(
    async (fb: Feedback, generationId: string | null = null) => {
      try {
        await autosave.flush();
        await api.recordFeedback(doc.id, generationId, fb);
      } catch (e) {
        onError(toApiError(e).message);
        throw e;
      }
    },
    [autosave, doc.id, onError],
  );
  const give = useCallback((fb: Feedback) => record(fb).catch(() => undefined), [record]);

  // What last replaced the person's text (a variant, a revision), while undo can still
  // take it out: the notice offers it until they type.
  const [replaced, setReplaced] = useState<string | null>(null);
  useEffect(() => setReplaced(null), [doc.id]);

  // Other text replaced the editor's (the core has it already): put it in as one step
  // of the editor's history, so Ctrl+Z gives the person's text back, and say so.
  const applied = (updated: Document, what: string) => {
    props.onApplied(updated);
    setChanges("off");
    if (!editor) return setEditorVersion((v) => v + 1);
    const before = editor.state.doc.textContent;
    let content: PmNode | null = null;
    try {
      content = updated.body_json ? (JSON.parse(updated.body_json) as PmNode) : null;
    } catch {
      content = null;
    }
    // A step of its own in the editor's history: typing just before it (within the
    // history's grouping delay) must not be undone along with it.
    editor
      .chain()
      .command(({ tr }) => {
        closeHistory(tr);
        return true;
      })
      .setContent(content ?? fromMarkdown(updated.body_markdown), { emitUpdate: false })
      .run();
    if (before.trim() && before !== editor.state.doc.textContent) setReplaced(what);
  };
  const undoReplace = () => {
    setReplaced(null);
    editor?.chain().focus().undo().run();
  };
  const restore = async (revisionId: string, what: string) => {
    await autosave.flush();
    applied(await api.restoreRevision(doc.id, revisionId), what);
  };

  const openSpanTool = useCallback(
    (kind: AnnotationKind) => {
      if (!editor) return;
      const { from, to } = editor.state.selection;
      if (to <= from) {
        onError("Select some words in the text first, then tag or comment on them.");
        return;
      }
      setSpanTool({ kind, from, to, quote: editor.state.doc.textBetween(from, to, " ") });
    },
    [editor, onError],
  );

  const applySpan = async (selection: SpanSelection, value: string) => {
    setSpanTool(null);
    if (!editor) return;
    const anchor = newAnchorId();
    const { kind, from, to, quote } = selection;
    const label = kind === "tag" ? value : value.slice(0, 120);
    // The mark is not an edit of the words, so undo leaves it alone. The focus goes back to
    // the text at once: TipTap's focus() waits a frame, and could take the focus from
    // wherever the person has gone in the meantime.
    editor.chain().setMeta("addToHistory", false).setTextSelection({ from, to }).setMark(ANNOTATION, { id: anchor, kind, label }).run();
    editor.view.focus();
    const span = { anchor, from, to, quote };
    await give(kind === "tag" ? { kind: "tag", tag: value, span, removed: false } : { kind: "comment", text: value, span });
  };

  const addTagAndApply = async (selection: SpanSelection, tag: string) => {
    if (!project) return;
    try {
      await api.setFeedbackSchema(project.id, project.rubric, [...project.tags, tag]);
    } catch (e) {
      return onError(toApiError(e).message);
    }
    await applySpan(selection, tag);
  };

  const removeSpanTag = async (note: SpanNote) => {
    if (!editor || !note.tag) return;
    const range = anchorRanges(editor.state.doc).get(note.anchor);
    const tr = editor.state.tr.setMeta("addToHistory", false);
    editor.state.doc.descendants((node, pos) => {
      for (const mark of node.marks) {
        if (mark.type.name === ANNOTATION && mark.attrs.id === note.anchor) tr.removeMark(pos, pos + node.nodeSize, mark);
      }
    });
    editor.view.dispatch(tr);
    await give({ kind: "tag", tag: note.tag, span: { anchor: note.anchor, from: range?.from ?? 0, to: range?.to ?? 1, quote: note.quote }, removed: true });
  };

  const showSpan = (anchor: string) => {
    const range = editor && anchorRanges(editor.state.doc).get(anchor);
    if (!editor || !range) return onError("Those words are no longer in the text.");
    editor.chain().setTextSelection({ from: range.from, to: range.to }).scrollIntoView().run();
    editor.view.focus();
  };

  const toggleChanges = useCallback(async () => {
    if (changes !== "off") return setChanges("off");
    setChanges(null);
    try {
      await autosave.flush();
      setChanges(await api.documentChanges(doc.id));
    } catch (e) {
      setChanges("off");
      onError(toApiError(e).message);
    }
  }, [autosave, changes, doc.id, onError]);

  // Feedback shortcuts work wherever the focus is, the editor included; they run
  // before the editor sees the key (Alt+↑/↓ would otherwise join paragraphs).
  const onShortcut = useRef<(e: globalThis.KeyboardEvent) => void>(() => undefined);
  onShortcut.current = (e) => {
    if (modalOpen()) return;
    const mod = e.ctrlKey || e.metaKey;
    const focus = (selector: string) => document.querySelector<HTMLElement>(selector)?.focus();
    const actions: Record<string, () => void> = {
      ArrowUp: () => void give({ kind: "thumb", up: true, reason: null, text: null }),
      ArrowDown: () => void give({ kind: "thumb", up: false, reason: null, text: null }),
      KeyR: () => focus('[data-testid="ratings"] [role="radiogroup"]'),
      KeyG: () => focus('[data-testid="document-tags"] button'),
      KeyT: () => openSpanTool("tag"),
      KeyM: () => openSpanTool("comment"),
      KeyC: () => focus('[data-testid="comment-text"]'),
      "Shift+KeyA": () => void give({ kind: "decision", verdict: "approve", reason: null }),
      "Shift+KeyR": () => void give({ kind: "decision", verdict: "reject", reason: null }),
      "Shift+KeyE": () => void give({ kind: "decision", verdict: "escalate", reason: null }),
    };
    const code = keyCode(e);
    if (mod && e.shiftKey && code === "KeyD") {
      e.preventDefault();
      void toggleChanges();
      return;
    }
    if (!e.altKey || mod) return;
    const action = actions[`${e.shiftKey ? "Shift+" : ""}${code}`];
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    action();
  };
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => onShortcut.current(e);
    window.addEventListener("keydown", listener, true);
    return () => window.removeEventListener("keydown", listener, true);
  }, []);

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

  const saveSchema = async (rubric: RubricDimension[], tags: string[]) => {
    if (!project) return;
    await api.setFeedbackSchema(project.id, rubric, tags);
    setDialog(null);
  };
  const exportDocument = async (path: string) => {
    await autosave.flush();
    await api.exportDocument(doc.id, path);
    setDialog(null);
    props.onNotice(`Exported to ${path}`);
  };

  // The whole text for an email tool: formatted HTML, with plain text beside it.
  const copyForEmail = async () => {
    if (!editor) return;
    const json = editor.getJSON() as PmNode;
    const text = toPlainText(json);
    try {
      await copyBoth(toEmailHtml(json), text);
    } catch (e) {
      onError(`The text could not be put on the clipboard (${e instanceof Error ? e.message : String(e)}): select it and press Ctrl+C instead.`);
      return;
    }
    give({ kind: "implicit", kept_ratio: null, time_to_accept_ms: null, copied_chars: text.length, exported_format: null });
    props.onNotice("Copied, formatted: paste it into your email tool (plain-text fields get the text alone).");
  };

  const spanTools = (
    <>
      <button type="button" className="tool" title="Tag the selected words (Alt+T)" data-testid="tag-selection" onMouseDown={(e) => e.preventDefault()} onClick={() => openSpanTool("tag")}>
        <Icon name="tag" size={14} /> Tag
      </button>
      <button type="button" className="tool" title="Comment on the selected words (Alt+M)" data-testid="comment-selection" onMouseDown={(e) => e.preventDefault()} onClick={() => openSpanTool("comment")}>
        <Icon name="comment" size={14} /> Comment
      </button>
      <span className="sep" />
      <button
        type="button"
        className={`tool ${changes !== "off" ? "on" : ""}`}
        aria-pressed={changes !== "off"}
        title="Show what people changed in the model's draft (Ctrl+Shift+D)"
        data-testid="toggle-changes"
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => void toggleChanges()}
      >
        Changes
      </button>
    </>
  );

  return (
    <>
      <main className="document-pane" data-testid="document-pane">
        <header className="document-header">
          <div className="crumbs muted">{project?.name}</div>
          <div className="title-row">
            <input
              ref={props.titleRef}
              className="title"
              data-testid="document-title"
              aria-label="Document title"
              title={title}
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
            <button onClick={() => void copyForEmail()} data-testid="copy-for-email" title="Copy the whole text, formatted for an email tool (HTML, with plain text for fields that take no formatting)">
              {project?.content_type === "email" ? "Copy for email" : "Copy formatted"}
            </button>
            <button onClick={() => setDialog("export")} data-testid="open-export-document" title="Save the document as a Markdown file">
              Save as Markdown…
            </button>
            <button className="icon danger-text" title="Delete document" aria-label="Delete document" data-testid="delete-document" onClick={props.onDelete}>
              <Icon name="trash" size={16} />
            </button>
          </div>
          {project?.content_type === "email" && (
            <EmailFields document={doc} readOnly={locked} onSaved={props.onSaved} onError={onError} registerFlush={registerEmailFlush} />
          )}
        </header>
        {panel === "generate" && (
          <GeneratePanel
            document={doc}
            flush={flushAll}
            onApplied={applied}
            onPreference={(fb, chosen) => record(fb, chosen)}
            onOpenPrompt={props.onOpenPrompt}
            onOpenProviders={props.onOpenProviders}
            onClose={() => setPanel(null)}
            initialGroup={openGroup}
            inEditor={feedback?.generation?.id ?? null}
          />
        )}
        {panel === "revise" && <RevisePanel document={doc} flush={flushAll} onApplied={applied} onClose={() => setPanel(null)} onOpenProviders={props.onOpenProviders} />}
        {panel === "history" && (
          <HistoryPanel
            document={doc}
            onRestore={restore}
            people={feedback?.people ?? []}
            onOpenRequest={(group) => {
              setOpenGroup(group);
              setPanel("generate");
            }}
            onClose={() => setPanel(null)}
          />
        )}
        {spanTool && project && (
          <SpanTool selection={spanTool} tags={project.tags} onApply={(s, v) => void applySpan(s, v)} onAddTag={(s, tag) => void addTagAndApply(s, tag)} onClose={() => setSpanTool(null)} />
        )}
        {replaced && (
          <div className="replaced-note" role="status" data-testid="replaced-note">
            <span>{replaced} replaced your text; History keeps what you had.</span>
            <button type="button" data-testid="undo-replace" title="Put your text back (Ctrl+Z)" onClick={undoReplace}>
              Undo
            </button>
            <button type="button" className="icon close" aria-label="Dismiss" onClick={() => setReplaced(null)}>
              ×
            </button>
          </div>
        )}
        {locked && (
          <div className={`locked-note ${nudged ? "nudged" : ""}`} role="status" data-testid="approved-lock">
            <span>
              <strong>Approved.</strong> Changing the text returns it to draft for a new decision.
            </span>
            <button type="button" data-testid="edit-approved" onClick={unlock}>
              Edit anyway
            </button>
          </div>
        )}
        <div
          className={changes === "off" ? "editor-stack" : "editor-stack showing-changes"}
          // Locked text takes no focus of its own; a click in it focuses this, so keys
          // reach the notice.
          tabIndex={locked ? -1 : undefined}
          onKeyDownCapture={(e) => {
            if (locked && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key.length === 1 || ["Backspace", "Delete", "Enter"].includes(e.key))) setNudged(true);
          }}
        >
          <Editor
            editable={!locked}
            key={`${doc.id}:${editorVersion}`}
            initialJson={doc.body_json}
            initialMarkdown={doc.body_markdown}
            onChange={(read) => {
              autosave.change(read);
              setReplaced(null);
            }}
            onReady={setEditor}
            onCopy={(chars) => void give({ kind: "implicit", kept_ratio: null, time_to_accept_ms: null, copied_chars: chars, exported_format: null })}
            tools={spanTools}
          />
          {changes !== "off" && (
            <div className="changes-overlay">
              <div className="toolbar">
                <span className="muted small">Changes view: read-only.</span>
                <button type="button" className="tool on" data-testid="close-changes" onClick={() => setChanges("off")}>
                  Back to the text
                </button>
              </div>
              <ChangesView changes={changes} />
            </div>
          )}
        </div>
      </main>
      <FeedbackPanel
        project={project}
        document={doc}
        words={wordCount(doc.body_markdown)}
        feedback={feedback}
        record={(fb) => record(fb)}
        onShowSpan={showSpan}
        onRemoveSpanTag={(n) => void removeSpanTag(n)}
        onEditSchema={() => setDialog("schema")}
      />
      {dialog === "schema" && project && <FeedbackSchemaDialog project={project} onSave={saveSchema} onClose={() => setDialog(null)} />}
      {dialog === "export" && <ExportDocumentDialog title={doc.title} onExport={exportDocument} onClose={() => setDialog(null)} />}
    </>
  );
}
