// How a view takes in what the core says changed: the list of documents is patched from
// the summaries read again, not reloaded whole, and not guessed from the command sent.
import { useEffect, useRef } from "react";
import { api } from "../api";
import type { Changed, DocumentSummary } from "../bindings";

/** The list with the `asked` documents replaced by their `fresh` summaries: one left out
 * of `fresh` is gone (deleted), one not in the list yet is new and goes first (the list
 * is newest first). */
export function patchSummaries(list: DocumentSummary[], asked: string[], fresh: DocumentSummary[]): DocumentSummary[] {
  const byId = new Map(fresh.map((s) => [s.id, s]));
  const known = new Set(list.map((d) => d.id));
  const gone = new Set(asked.filter((id) => !byId.has(id)));
  const added = fresh.filter((s) => !known.has(s.id));
  return [...added, ...list.filter((d) => !gone.has(d.id)).map((d) => byId.get(d.id) ?? d)];
}

/** Whether `changed` touches what was said about `documentId` (its feedback, drafts or
 * revisions). */
export function activityOn(changed: Changed, documentId: string): boolean {
  return changed.everything || changed.activity.includes(documentId);
}

/** Calls the latest `handle` with every change while the component is mounted. */
export function useChanged(handle: (changed: Changed) => void): void {
  const latest = useRef(handle);
  latest.current = handle;
  useEffect(() => api.onChanged((c) => latest.current(c)), []);
}

/** Runs `work` one after another, so answers read in order land in order. */
export function serially(): (work: () => Promise<void>) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (work) => {
    queue = queue.then(work, work);
    return queue;
  };
}

/** Gathers what arrives while `run` is busy and hands it all to the next run: a burst
 * of changes (a batch writes hundreds of drafts) becomes a few reads, not one each,
 * and nothing asked is left out. */
export function gathered<T>(run: (items: T[]) => Promise<void>): (items: T[]) => Promise<void> {
  let waiting: T[] = [];
  let busy: Promise<void> | null = null;
  const drain = async (): Promise<void> => {
    while (waiting.length > 0) {
      const items = waiting;
      waiting = [];
      await run(items).catch(() => undefined);
    }
    busy = null;
  };
  return (items) => {
    waiting.push(...items);
    busy ??= drain();
    return busy;
  };
}
