// The only module that imports @tauri-apps/*.
import { invoke } from "@tauri-apps/api/core";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { toApiError, type DraftloopApi } from "./api";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export const tauriApi: DraftloopApi = {
  workspaceInfo: () => call("workspace_info"),
  listProjects: () => call("list_projects"),
  createProject: (project) => call("create_project", { project }),
  renameProject: (id, name) => call("rename_project", { id, name }),
  deleteProject: (id) => call("delete_project", { id }),
  listDocuments: (projectId) => call("list_documents", { projectId: projectId ?? null }),
  getDocument: (id) => call("get_document", { id }),
  createDocument: (projectId, title) => call("create_document", { projectId, title }),
  renameDocument: (id, title) => call("rename_document", { id, title }),
  saveDocumentText: (id, text) => call("save_document_text", { id, text }),
  deleteDocument: (id) => call("delete_document", { id }),
  onBeforeClose(flush) {
    // Without preventDefault the window closes once the handler settles.
    void getCurrentWindow().onCloseRequested(async () => {
      await flush().catch(() => undefined);
    });
  },
};
