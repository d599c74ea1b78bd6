// Starts the real app under Xvfb through tauri-driver, isolated in temp dirs, and
// keeps screenshots under target/e2e-screenshots for people to look at.

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before } from "node:test";
import { KEY, Session, sleep } from "./webdriver";

export const ROOT = resolve(import.meta.dirname, "../..");
export const APP = process.env.DRAFTLOOP_APP ?? join(ROOT, "target/debug/draftloop-desktop");
export const CLI = join(ROOT, "target/debug/draftloop");
export const SCREENSHOTS = join(ROOT, "target/e2e-screenshots");
export const LLM_SERVER = join(ROOT, "target/debug/llm-test-server");

/** The test LLM server as its own process, logging requests as JSON lines. */
export class LlmServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
    readonly logPath: string,
  ) {}

  /** `latencyMs`: each completion answers after this long, as a real model would. */
  static async start(apiKey: string, logDir: string, latencyMs = 0): Promise<LlmServer> {
    const logPath = join(logDir, "llm-requests.jsonl");
    const child = spawn(LLM_SERVER, latencyMs ? ["--latency-ms", String(latencyMs)] : [], {
      env: { ...process.env, ...(apiKey ? { LLM_TEST_SERVER_KEY: apiKey } : {}), LLM_TEST_SERVER_LOG: logPath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const base = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error("llm-test-server did not start")), 10000);
      child.stdout?.on("data", (chunk: Buffer) => {
        const m = /listening on (http:\/\/\S+)/.exec(chunk.toString());
        if (m?.[1]) {
          clearTimeout(timer);
          res(m[1]);
        }
      });
    });
    return new LlmServer(child, base, logPath);
  }

  requests(): { method: string; path: string; body: { n?: number; messages?: { role: string; content: string }[] } }[] {
    if (!existsSync(this.logPath)) return [];
    return readFileSync(this.logPath, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { method: string; path: string; body: { n?: number; messages?: { role: string; content: string }[] } });
  }

  stop(): void {
    this.child.kill("SIGTERM");
  }
}

/** `n` distinct free ports: each listener stays open until all are found, so the OS
 * cannot hand the same port out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((res, rej) => {
          const server = createServer();
          server.once("error", rej);
          server.listen(0, "127.0.0.1", () => res(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("no port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((res) => server.close(() => res()))));
  return ports;
}

async function waitHttp(url: string, what: string, timeoutMs = 20000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${what} did not come up at ${url}`);
}

/** One isolated desktop: a display, a driver, and fresh HOME/XDG dirs. */
export class Desktop {
  readonly home: string;
  private xvfb: ChildProcess | null = null;
  private driver: ChildProcess | null = null;
  private base = "";
  /** The X display the app runs on, e.g. ":93". */
  display = "";

  constructor() {
    this.home = mkdtempSync(join(tmpdir(), "draftloop-e2e-"));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }

  /** A data dir inside this desktop's temp home. */
  dataDir(name: string): string {
    const dir = join(this.home, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.home,
      XDG_DATA_HOME: join(this.home, ".local/share"),
      XDG_CONFIG_HOME: join(this.home, ".config"),
      XDG_CACHE_HOME: join(this.home, ".cache"),
      DRAFTLOOP_DATA_DIR: join(this.home, "default-workspace"),
      // WebKitGTK under Xvfb without a GPU. (WEBKIT_DISABLE_COMPOSITING_MODE would hang screenshots of a static page.)
      LIBGL_ALWAYS_SOFTWARE: "1",
    };
  }

  async start(): Promise<void> {
    if (!existsSync(APP)) throw new Error(`build the app first: ${APP} is missing`);
    let display = 90 + Math.floor(Math.random() * 400);
    while (existsSync(`/tmp/.X11-unix/X${display}`)) display += 1;
    this.display = `:${display}`;
    this.xvfb = spawn("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], { stdio: "ignore" });
    const until = Date.now() + 10000;
    while (!existsSync(`/tmp/.X11-unix/X${display}`)) {
      if (Date.now() > until) throw new Error("Xvfb did not start");
      await sleep(50);
    }
    const [port, nativePort] = (await freePorts(2)) as [number, number];
    this.driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
      env: { ...this.env, DISPLAY: `:${display}` },
      stdio: ["ignore", "ignore", "inherit"],
    });
    this.base = `http://127.0.0.1:${port}`;
    await waitHttp(`${this.base}/status`, "tauri-driver");
  }

  /** Launches the app on `dataDir`; the returned session is the app's window. */
  launch(dataDir: string): Promise<Session> {
    return this.launchBinary(APP, dataDir);
  }

  /** As `launch`, with another build of the app (a packaged one). */
  launchBinary(binary: string, dataDir: string): Promise<Session> {
    return Session.start(this.base, binary, ["--data-dir", dataDir]);
  }

  /** Types `path` into the system's file chooser titled `title` and confirms it, as a
   * person would: the chooser is a GTK window outside the webview, so it is driven
   * with X events (xdotool). */
  async chooseInSystemDialog(title: string, path: string): Promise<void> {
    const env = { ...this.env, DISPLAY: this.display };
    const xdotool = (...args: string[]): string => {
      const run = spawnSync("xdotool", args, { env, encoding: "utf8", timeout: 20000 });
      if (run.status !== 0) throw new Error(`xdotool ${args.join(" ")}: ${run.error?.message ?? run.stderr}`);
      return run.stdout;
    };
    const name = `^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
    const window = xdotool("search", "--sync", "--onlyvisible", "--name", name).trim().split("\n")[0];
    if (!window) throw new Error(`no chooser titled ${title}`);
    xdotool("windowfocus", "--sync", window);
    // Ctrl+L opens the chooser's location entry.
    xdotool("key", "--window", window, "ctrl+l");
    await sleep(300);
    xdotool("type", "--delay", "5", path);
    await sleep(300);
    xdotool("key", "Return");
  }

  cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    return this.cliAs(null, args);
  }

  /** The command line as another person at this machine (`local:<user>`), or as the
   * app's own when `user` is null. */
  cliAs(user: string | null, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const env = user ? { ...this.env, USER: user, USERNAME: user } : this.env;
    const out = spawnSync(CLI, args, { env, encoding: "utf8" });
    return { status: out.status, stdout: out.stdout, stderr: out.stderr };
  }

  async stop(): Promise<void> {
    await Promise.all([this.driver, this.xvfb].map((child) => ended(child)));
    // WebKit's and GTK's helper processes may still be writing under the home for a
    // moment. A temp dir left behind is not a test failure: say so and go on.
    try {
      rmSync(this.home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (e) {
      console.warn(`could not remove ${this.home}: ${(e as Error).message}`);
    }
  }
}

/** The app's processes on `dataDir`: the desktop binary and everything it started
 * (WebKit's web and network processes). */
export function appProcesses(dataDir: string): number[] {
  const children = (pattern: string[]): number[] => {
    try {
      return execFileSync("pgrep", pattern, { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
    } catch {
      return []; // none
    }
  };
  const all = new Set(children(["-f", "--", `--data-dir ${dataDir}$`]));
  let grew = true;
  while (grew) {
    grew = false;
    for (const pid of [...all]) {
      for (const child of children(["-P", String(pid)])) {
        if (!all.has(child)) {
          all.add(child);
          grew = true;
        }
      }
    }
  }
  return [...all];
}

/** Stops `child` and waits until it has exited (at most 5 s). */
async function ended(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
}

export async function screenshot(session: Session, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  writeFileSync(path, await session.screenshot());
  return path;
}

/** Replaces a field's text as a person would: select all, then type. (WebDriver's
 * clear() bypasses React, which then restores the old value.) */
export async function fill(s: Session, css: string, text: string): Promise<void> {
  const el = await s.waitFor(css);
  await el.click();
  try {
    await s.waitUntil(`focus on ${css}`, `return document.activeElement === arguments[0];`, [el.ref()]);
  } catch (e) {
    const focus = await s.execute(`const a = document.activeElement; return a ? a.outerHTML.slice(0, 120) : null;`);
    throw new Error(`${String(e)}; the focus is on ${focus}`);
  }
  await s.chord([KEY.CONTROL, "a"]);
  await s.keys(KEY.BACKSPACE);
  await el.type(text);
  const value = await el.property("value");
  if (value !== text) {
    const focus = await s.execute(`const a = document.activeElement; return a ? a.outerHTML.slice(0, 120) : null;`);
    throw new Error(`${css} holds ${JSON.stringify(value)}, not ${JSON.stringify(text)}; the focus is on ${focus}`);
  }
}

/** A workspace with a project, a document and a provider on the test LLM server. */
export function draftingWorkspace(desktop: Desktop, llm: LlmServer, name: string, title: string): string {
  const dir = desktop.dataDir(name);
  const run = (args: string[]) => {
    const out = desktop.cli(["--data-dir", dir, ...args]);
    if (out.status !== 0) throw new Error(`draftloop ${args.join(" ")}: ${out.stderr}`);
  };
  run(["projects", "add", "Spring launch", "--content-type", "email"]);
  run(["documents", "add", title, "--project", "Spring launch"]);
  run(["providers", "add", "Test server", "--kind", "openai-compatible", "--base-url", `${llm.base}/v1`, "--model", "test-model"]);
  return dir;
}

/** Opens the document, writes the prompt and generates two variants of `topic`. */
export async function generateTwo(s: Session, title: string, topic: string): Promise<void> {
  await (await s.waitFor(`[data-testid="document-link"][data-title="${title}"]`)).click();
  await (await s.waitFor('[data-testid="open-prompt"]')).click();
  await fill(s, '[data-testid="prompt-system"]', "You write launch emails.");
  await fill(s, '[data-testid="prompt-template"]', "{{topic}}");
  await (await s.find('[data-testid="save-prompt"]')).click();
  await s.waitFor('[data-testid="prompt-versions"] li');
  await (await s.find('[data-testid="prompt-dialog"] .dialog-actions button')).click();
  await (await s.find('[data-testid="open-generate"]')).click();
  await fill(s, '[data-testid="brief-topic"]', topic);
  await (await s.waitFor('[data-testid="generate"]:not([disabled])')).click();
  await s.waitUntil(
    "both variants are done",
    `const v = [...document.querySelectorAll('[data-testid="variant"]')]; return v.length === 2 && v.every((e) => e.dataset.status === "done");`,
  );
}

/** The app's desktop and the test LLM server (expecting `key`, "" for none) for one
 * test file: started before its tests, stopped after them. */
export function desktopWithLlm(key: string): { desktop: Desktop; llm: LlmServer } {
  const env = { desktop: new Desktop(), llm: null as unknown as LlmServer };
  before(async () => {
    await env.desktop.start();
    env.llm = await LlmServer.start(key, env.desktop.home);
  });
  after(async () => {
    env.llm.stop();
    await env.desktop.stop();
  });
  return env;
}
