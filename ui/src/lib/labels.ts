import type { DocumentStatus } from "../bindings";
import type { SaveState } from "./autosave";

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  draft: "Draft",
  in_review: "In review",
  approved: "Approved",
  rejected: "Rejected",
  published: "Published",
};

export const SAVE_LABELS: Record<SaveState, string> = {
  saved: "Saved",
  pending: "Unsaved changes",
  saving: "Saving…",
  error: "Not saved — retrying",
};
