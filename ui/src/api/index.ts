import type { DraftloopApi } from "./api";
import { memoryApi } from "./memory";
import { isTauri, tauriApi } from "./tauri";

export { ApiError, toApiError, type DraftloopApi, type PathChoice } from "./api";

/** The real backend inside the app; an in-memory one in a plain browser. */
export const api: DraftloopApi = isTauri() ? tauriApi : memoryApi();
