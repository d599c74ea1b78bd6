import type { DraftloopApi } from "./api";
import { tauriApi } from "./tauri";

export { ApiError, toApiError, type DraftloopApi, type PathChoice } from "./api";

/** The backend is the Rust core, reached over IPC; there is no second copy of its rules. */
export const api: DraftloopApi = tauriApi;
