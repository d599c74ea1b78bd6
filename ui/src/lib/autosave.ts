// Debounced autosave: a pause in typing saves after `delayMs`, and continuous typing
// still saves at least every `maxWaitMs`, so the disk is never more than ~1 s behind.
// A failed save keeps the text and retries; nothing typed is dropped.

export type SaveState = "saved" | "pending" | "saving" | "error";

export interface AutosaveOptions<T> {
  save: (value: T) => Promise<void>;
  onState: (state: SaveState, error?: unknown) => void;
  delayMs?: number;
  maxWaitMs?: number;
  retryMs?: number;
}

export class Autosave<T> {
  private pending: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstChangeAt: number | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly delayMs: number;
  private readonly maxWaitMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: AutosaveOptions<T>) {
    this.delayMs = options.delayMs ?? 400;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.retryMs = options.retryMs ?? 2000;
  }

  /** Records a new value; the latest one wins. */
  change(value: T): void {
    this.pending = { value };
    const now = Date.now();
    this.firstChangeAt ??= now;
    const wait = Math.max(0, Math.min(this.delayMs, this.firstChangeAt + this.maxWaitMs - now));
    this.schedule(wait);
    this.options.onState("pending");
  }

  /** Saves whatever is pending now; resolves when it is durable (or rejects). */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (!this.pending) return;
    const { value } = this.pending;
    this.pending = null;
    this.firstChangeAt = null;
    this.options.onState("saving");
    const attempt = this.options.save(value);
    this.inFlight = attempt;
    try {
      await attempt;
      if (!this.pending) this.options.onState("saved");
    } catch (error) {
      // Keep the text unless something newer arrived meanwhile, and try again later.
      this.pending ??= { value };
      this.options.onState("error", error);
      this.schedule(this.retryMs);
      throw error;
    } finally {
      this.inFlight = null;
    }
  }

  hasUnsaved(): boolean {
    return this.pending !== null || this.inFlight !== null;
  }

  dispose(): void {
    this.clearTimer();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => undefined);
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
