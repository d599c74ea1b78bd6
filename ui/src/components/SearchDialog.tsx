import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { SearchHit } from "../bindings";
import { STATUS_LABELS } from "../lib/labels";
import { Modal } from "./Dialog";

/** Waits this long after the last keystroke before asking, so typing is not a query a key. */
const TYPING_PAUSE_MS = 120;

/** Search every document by title and text (Ctrl+K): results while typing, ↑/↓ to
 * choose, Enter to open. */
export function SearchDialog({ onOpen, onClose }: { onOpen: (documentId: string) => void; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [chosen, setChosen] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // Only the answer to the latest query is shown: an earlier one may arrive after it.
  const asked = useRef(0);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const n = ++asked.current;
    if (!query.trim()) {
      setHits(null);
      setError(null);
      return;
    }
    const t = setTimeout(() => {
      api
        .searchDocuments(query)
        .then((found) => {
          if (n !== asked.current) return;
          setHits(found);
          setChosen(0);
          setError(null);
        })
        .catch((e: unknown) => n === asked.current && setError(e instanceof Error ? e.message : String(e)));
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [query]);

  useEffect(() => {
    list.current?.querySelector(".chosen")?.scrollIntoView({ block: "nearest" });
  }, [chosen, hits]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!hits?.length) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setChosen((c) => Math.min(c + 1, hits.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setChosen((c) => Math.max(c - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      const hit = hits[chosen];
      if (hit) onOpen(hit.document_id);
    }
  };

  return (
    <Modal title="Search documents" onClose={onClose} testId="search-dialog" wide>
      <input
        className="search-input"
        type="search"
        autoFocus
        placeholder="Words in a title or a text"
        aria-label="Search documents"
        data-testid="search-input"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {hits && hits.length === 0 && (
        <p className="muted" data-testid="search-empty">
          No document holds “{query.trim()}”.
        </p>
      )}
      {hits && hits.length > 0 && (
        <ul className="search-results" ref={list} role="listbox" aria-label="Documents found">
          {hits.map((hit, i) => (
            <li key={hit.document_id} role="option" aria-selected={i === chosen} className={i === chosen ? "chosen" : ""}>
              <button type="button" data-testid="search-hit" data-title={hit.title} onClick={() => onOpen(hit.document_id)} onMouseEnter={() => setChosen(i)}>
                <span className="hit-title">
                  {hit.title}
                  <span className="muted"> · {hit.project}</span>
                  {hit.status !== "draft" && <span className={`status-chip status-${hit.status}`}>{STATUS_LABELS[hit.status]}</span>}
                </span>
                <span className="hit-passage muted" data-testid="search-passage">
                  {hit.snippet.map((piece, j) => (piece.hit ? <mark key={j}>{piece.text}</mark> : <span key={j}>{piece.text}</span>))}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">↑/↓ to choose, Enter to open, Esc to close.</p>
    </Modal>
  );
}
