import { useState, type KeyboardEvent } from "react";
import type { AnnotationKind } from "../lib/anchors";

export interface SpanSelection {
  kind: AnnotationKind;
  from: number;
  to: number;
  quote: string;
}

interface Props {
  selection: SpanSelection;
  tags: string[];
  onApply: (selection: SpanSelection, value: string) => void;
  onClose: () => void;
}

/** Tags or comments the selected words: type to filter tags, Enter to apply. */
export function SpanTool({ selection, tags, onApply, onClose }: Props) {
  const [value, setValue] = useState("");
  const matches = tags.filter((t) => t.includes(value.trim().toLowerCase()));
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === "Enter" && (selection.kind === "tag" || !e.shiftKey)) {
      e.preventDefault();
      const chosen = selection.kind === "tag" ? matches[0] : value.trim();
      if (chosen) onApply(selection, chosen);
    }
  };
  const quote = selection.quote.length > 80 ? `${selection.quote.slice(0, 79)}…` : selection.quote;
  return (
    <div className="span-tool" data-testid="span-tool" role="dialog" aria-label={selection.kind === "tag" ? "Tag the selected words" : "Comment on the selected words"}>
      <div className="small muted">
        {selection.kind === "tag" ? "Tag" : "Comment on"} “{quote}”
      </div>
      {selection.kind === "tag" ? (
        <>
          <input autoFocus data-testid="span-tag-filter" placeholder="Type to filter, Enter to tag" value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={onKey} />
          <div className="tags">
            {matches.map((t) => (
              <button key={t} className="chip-button" data-testid={`span-tag-${t}`} onClick={() => onApply(selection, t)}>
                {t}
              </button>
            ))}
            {matches.length === 0 && <span className="muted small">No tag matches; add tags in the rubric settings.</span>}
          </div>
        </>
      ) : (
        <textarea autoFocus data-testid="span-comment-text" rows={2} placeholder="Your comment (Enter to save, Shift+Enter for a new line)" value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={onKey} />
      )}
      <div className="row-end">
        <button onClick={onClose}>Cancel</button>
        {selection.kind === "comment" && (
          <button className="primary" data-testid="save-span-comment" disabled={!value.trim()} onClick={() => onApply(selection, value.trim())}>
            Comment
          </button>
        )}
      </div>
    </div>
  );
}
