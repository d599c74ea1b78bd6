import type { DocumentStatus } from "../bindings";
import type { SaveState } from "./autosave";

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  draft: "Draft",
  in_review: "In review",
  approved: "Approved",
  rejected: "Rejected",
  published: "Published",
};

/** A brief variable as a person reads it: `call_to_action` → "Call to action". */
export function variableLabel(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "a" or "an", by how the word is written. */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

/** A tag as the project keeps it: lower case, words joined by hyphens. */
export function tagName(typed: string): string {
  return typed.trim().toLowerCase().replace(/\s+/g, "-");
}

export const SAVE_LABELS: Record<SaveState, string> = {
  saved: "Saved",
  pending: "Unsaved changes",
  saving: "Saving…",
  error: "Not saved — retrying",
};
