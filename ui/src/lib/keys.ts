// Shortcut keys by position where the browser says (`KeyT`), by character where it
// does not (some synthesized events carry no `code`).
export function keyCode(e: KeyboardEvent): string {
  if (e.code) return e.code;
  if (/^[a-z]$/i.test(e.key)) return `Key${e.key.toUpperCase()}`;
  if (/^[0-9]$/.test(e.key)) return `Digit${e.key}`;
  return e.key;
}

/** Whether a modal dialog is open: it owns the keyboard, and no shortcut of the window
 * behind it may act (Ctrl+N would make a document behind the backdrop). */
export function modalOpen(): boolean {
  return document.querySelector(".backdrop") !== null;
}
