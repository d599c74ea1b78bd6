// A small W3C WebDriver client over fetch: enough to drive the app through
// tauri-driver (WebKitWebDriver) without a heavyweight test framework.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {}

export class Session {
  constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  static async start(base: string, application: string, args: string[]): Promise<Session> {
    const value = await request(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    });
    return new Session(base, (value as { sessionId: string }).sessionId);
  }

  private call(method: string, path: string, body?: unknown): Promise<unknown> {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async quit(): Promise<void> {
    await this.call("DELETE", "");
  }

  async find(css: string): Promise<Element> {
    const value = (await this.call("POST", "/element", { using: "css selector", value: css })) as Record<string, string>;
    if (!value[ELEMENT]) throw new WebDriverError(`find ${css}: unexpected answer ${JSON.stringify(value)}`);
    return new Element(this, value[ELEMENT] as string);
  }

  async findAll(css: string): Promise<Element[]> {
    const value = (await this.call("POST", "/elements", { using: "css selector", value: css })) as Record<string, string>[];
    return value.map((v) => new Element(this, v[ELEMENT] as string));
  }

  /** Waits until `css` matches, polling; fails with what it was waiting for. */
  async waitFor(css: string, timeoutMs = 15000): Promise<Element> {
    let last: unknown;
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      try {
        return await this.find(css);
      } catch (e) {
        last = e;
        await sleep(100);
      }
    }
    throw new WebDriverError(`timed out waiting for ${css}: ${String(last)}`);
  }

  /** Polls `script` (a function body) until it returns a truthy value. */
  async waitUntil(description: string, script: string, args: unknown[] = [], timeoutMs = 15000): Promise<unknown> {
    const until = Date.now() + timeoutMs;
    let value: unknown;
    while (Date.now() < until) {
      value = await this.execute(script, args);
      if (value) return value;
      await sleep(100);
    }
    throw new WebDriverError(`timed out waiting until ${description} (last value: ${JSON.stringify(value)})`);
  }

  execute(script: string, args: unknown[] = []): Promise<unknown> {
    return this.call("POST", "/execute/sync", { script, args });
  }

  /** Sends keystrokes to whatever has focus, `pauseMs` apart (a typist's pace). */
  async keys(text: string, pauseMs = 0): Promise<void> {
    const actions = [...text].flatMap((ch) => [
      { type: "keyDown", value: ch },
      { type: "keyUp", value: ch },
      ...(pauseMs > 0 ? [{ type: "pause", duration: pauseMs }] : []),
    ]);
    await this.call("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.call("DELETE", "/actions");
  }

  /** Presses a chord, e.g. chord([KEY.CONTROL, "n"]). */
  async chord(keys: string[]): Promise<void> {
    const actions = [...keys.map((value) => ({ type: "keyDown", value })), ...[...keys].reverse().map((value) => ({ type: "keyUp", value }))];
    await this.call("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.call("DELETE", "/actions");
  }

  /** Runs `script` with a callback as its last argument; resolves with what it passes. */
  executeAsync(script: string, args: unknown[] = []): Promise<unknown> {
    return this.call("POST", "/execute/async", { script, args });
  }

  /** Waits two animation frames, so what the DOM holds has been painted. */
  async painted(): Promise<void> {
    await this.call("POST", "/execute/async", {
      script: "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
      args: [],
    });
  }

  /** Resizes the app's window, as a person dragging its corner would, and waits until
   * the page has the new size and has painted it. */
  async setWindowSize(width: number, height: number): Promise<void> {
    await this.call("POST", "/window/rect", { width, height });
    await this.waitUntil(`the window is ${width}×${height}`, "return window.innerWidth === arguments[0] && window.innerHeight === arguments[1];", [width, height]);
    await this.painted();
  }

  async screenshot(): Promise<Buffer> {
    await this.painted();
    const value = (await this.call("GET", "/screenshot")) as string;
    return Buffer.from(value, "base64");
  }

  elementCall(path: string, method: string, body?: unknown): Promise<unknown> {
    return this.call(method, path, body);
  }
}

export class Element {
  constructor(
    private readonly session: Session,
    readonly id: string,
  ) {}

  /** The element as a script argument. */
  ref(): Record<string, string> {
    return { [ELEMENT]: this.id };
  }

  /** Scrolls the element to the middle of its scrolling panel first: the driver only
   * scrolls the page, not an overflowing side panel. */
  async click(): Promise<unknown> {
    await this.session.execute(`arguments[0].scrollIntoView({ block: "center" });`, [this.ref()]);
    return this.session.elementCall(`/element/${this.id}/click`, "POST", {});
  }

  type(text: string): Promise<unknown> {
    return this.session.elementCall(`/element/${this.id}/value`, "POST", { text });
  }

  clear(): Promise<unknown> {
    return this.session.elementCall(`/element/${this.id}/clear`, "POST", {});
  }

  async text(): Promise<string> {
    return (await this.session.elementCall(`/element/${this.id}/text`, "GET")) as string;
  }

  async attribute(name: string): Promise<string | null> {
    return (await this.session.elementCall(`/element/${this.id}/attribute/${name}`, "GET")) as string | null;
  }

  async property(name: string): Promise<unknown> {
    return this.session.elementCall(`/element/${this.id}/property/${name}`, "GET");
  }
}

export const KEY = { CONTROL: "\uE009", SHIFT: "\uE008", ENTER: "\uE007", ESCAPE: "\uE00C", BACKSPACE: "\uE003", F2: "\uE032", ARROW_DOWN: "\uE015", END: "\uE010" };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function request(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  if (process.env.E2E_TRACE) console.error(`webdriver ${method} ${path}`);
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { value?: unknown };
  if (!res.ok) {
    const v = json.value as { error?: string; message?: string } | undefined;
    throw new WebDriverError(`${method} ${path}: ${res.status} ${v?.error ?? ""} ${v?.message ?? ""}`.trim());
  }
  return json.value;
}
