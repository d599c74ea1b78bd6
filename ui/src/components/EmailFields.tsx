import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api";
import type { Document, EmailFields as Fields } from "../bindings";
import { Autosave } from "../lib/autosave";

/** Where inboxes commonly cut them off: a hint, never a limit. */
const SUBJECT_SHOWN = 60;
const PREHEADER_SHOWN = 100;

/** An email's subject line and preheader, above its text: saved by themselves like
 * the text, and offered to the prompt's template as {{subject}} and {{preheader}}.
 * `registerFlush` hands the pane a way to save now (before generating, say). */
export function EmailFields({
  document: doc,
  readOnly,
  onSaved,
  onError,
  registerFlush,
}: {
  document: Document;
  readOnly: boolean;
  onSaved: (doc: Document) => void;
  onError: (message: string) => void;
  registerFlush: (flush: (() => Promise<void>) | null) => void;
}) {
  const [fields, setFields] = useState<Fields>({ subject: doc.subject, preheader: doc.preheader });
  const latest = useRef({ onSaved, onError });
  latest.current = { onSaved, onError };
  const autosave = useMemo(
    () =>
      new Autosave<Fields>({
        save: async (f) => latest.current.onSaved(await api.setEmailFields(doc.id, f)),
        onState: (state, error) => {
          if (state === "error") latest.current.onError(`Could not save the subject and preheader: ${error instanceof Error ? error.message : String(error)}. Retrying.`);
        },
      }),
    [doc.id],
  );
  useEffect(() => {
    registerFlush(() => autosave.flush());
    return () => {
      registerFlush(null);
      autosave.flush().catch(() => undefined);
      autosave.dispose();
    };
  }, [autosave, registerFlush]);
  // Changed elsewhere (the CLI, a reviewer): shown unless the person is typing here.
  const typing = useRef(false);
  useEffect(() => {
    if (!typing.current) setFields({ subject: doc.subject, preheader: doc.preheader });
  }, [doc.subject, doc.preheader]);

  const change = (f: Fields) => {
    typing.current = true;
    setFields(f);
    autosave.change(f);
  };
  const field = (key: keyof Fields, label: string, shown: number, placeholder: string) => {
    const length = [...fields[key]].length;
    return (
      <label className="email-field">
        <span>{label}</span>
        <input
          data-testid={`email-${key}`}
          aria-label={label}
          title={label}
          value={fields[key]}
          placeholder={placeholder}
          maxLength={300}
          readOnly={readOnly}
          onChange={(e) => change({ ...fields, [key]: e.target.value })}
          onBlur={() => {
            typing.current = false;
            void autosave.flush().catch(() => undefined);
          }}
        />
        <span className={`count ${length > shown ? "over" : ""}`} title={`Inboxes often show about ${shown} characters`}>
          {length}/{shown}
        </span>
      </label>
    );
  };
  return (
    <div className="email-fields" data-testid="email-fields">
      {field("subject", "Subject", SUBJECT_SHOWN, "Subject line: what the inbox shows first")}
      {field("preheader", "Preheader", PREHEADER_SHOWN, "Preheader: the preview text after the subject")}
    </div>
  );
}
