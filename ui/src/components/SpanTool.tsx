import { useState, type KeyboardEvent } from "react";
import type { AnnotationKind } from "../lib/anchors";
import { tagName } from "../lib/labels";

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
  /** Adds a tag to the project, then tags the words with it. */
  onAddTag: (selection: SpanSelection, tag: string) => void;
  onClose: () => void;
}


/** Tags or comments the selected words: type to filter tags, Enter to apply. */
export function SpanTool({ selection, tags, onApply, onAddTag, onClose }: Props) {
  const [value, setValue] = useState("");
  const matches = tags.filter((t) => t.includes(tagName(value)));
  // A new tag is offered right here, where the words are being tagged.
  const fresh = tagName(value) && !tags.includes(tagName(value)) ? tagName(value) : null;
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === "Enter" && (selection.kind === "tag" || !e.shiftKey)) {
      e.preventDefault();
      if (selection.kind === "tag" && matches.length === 0 && fresh) return onAddTag(selection, fresh);
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
          <input autoFocus data-testid="span-tag-filter" placeholder="Type to filter or to add a tag, Enter to tag" value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={onKey} />
          <div className="tags">
            {matches.map((t) => (
              <button key={t} className="chip-button" data-testid={`span-tag-${t}`} onClick={() => onApply(selection, t)}>
                {t}
              </button>
            ))}
            {fresh && (
              <button className="chip-button add" data-testid="span-tag-add" title="Add this tag to the project and tag the words with it" onClick={() => onAddTag(selection, fresh)}>
                + {fresh}
              </button>
            )}
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
