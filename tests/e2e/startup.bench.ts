// Benchmark (not a test): how long the release app takes from launch to the first paint
// of its project list, and how much memory it holds idle (PSS summed over the app's
// processes: the app, WebKitWebProcess, WebKitNetworkProcess), against a minimal Tauri 2
// app (benches/startup/floor, one window, one static page) built and measured in the
// same run, launched the same way, turn about. Then the first paint on a workspace of
// about 1,000,000 feedback events. Run: ./scripts/bench-startup

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appProcesses, Desktop, ROOT } from "./harness";
import { sleep } from "./webdriver";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const APP = join(ROOT, "target/release/draftloop-desktop");
const FLOOR = join(ROOT, "target/release/startup-floor");
const SMALL = process.env.BENCH_SMALL ?? "";
const LARGE = process.env.BENCH_LARGE ?? "";

/** Proportional set size of `pids` together, in MB. */
function pss(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    const m = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    if (m?.[1]) kb += Number(m[1]);
  }
  return kb / 1024;
}

/** When `pid` started, in ms since the epoch (10 ms steps: /proc counts clock ticks). */
function startedAt(pid: number): number {
  const boot = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
  // Field 22 of /proc/PID/stat, counted after the command's closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return boot * 1000 + ticks * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Launch to first paint (ms), then idle PSS (MB) and how many processes it counted. */
async function measure(desktop: Desktop, binary: string, dataDir: string): Promise<{ start: number; pss: number; processes: number }> {
  const s = await desktop.launchBinary(binary, dataDir);
  try {
    await s.waitUntil("the first paint", `return performance.getEntriesByName("projects-listed").length > 0;`, [], 60000);
    const painted = (await s.execute(`return performance.timeOrigin + performance.getEntriesByName("projects-listed")[0].startTime;`)) as number;
    await sleep(5000); // idle
    const pids = appProcesses(dataDir);
    // From the app's own process start, so WebDriver's set-up is not counted.
    const main = pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] === binary);
    if (main === undefined) throw new Error(`no process of ${binary} among ${pids.join(", ")}`);
    return { start: painted - startedAt(main), pss: pss(pids), processes: pids.length };
  } finally {
    await s.quit();
  }
}

async function main(): Promise<void> {
  if (!SMALL || !LARGE) throw new Error("BENCH_SMALL and BENCH_LARGE are set by ./scripts/bench-startup");
  const desktop = new Desktop();
  await desktop.start();
  try {
    const floorDir = desktop.dataDir("floor");
    const ours: { start: number; pss: number; processes: number }[] = [];
    const floor: { start: number; pss: number; processes: number }[] = [];
    // One warm-up each (the binaries and WebKit into the page cache), not counted.
    await measure(desktop, FLOOR, floorDir);
    await measure(desktop, APP, SMALL);
    for (let i = 0; i < RUNS; i++) {
      floor.push(await measure(desktop, FLOOR, floorDir));
      ours.push(await measure(desktop, APP, SMALL));
    }
    const large: number[] = [];
    for (let i = 0; i < 3; i++) large.push((await measure(desktop, APP, LARGE)).start);
    const row = (name: string, xs: { start: number; pss: number; processes: number }[]) =>
      `${name}: start ${xs.map((x) => x.start.toFixed(0)).join(", ")} ms (median ${median(xs.map((x) => x.start)).toFixed(0)}); ` +
      `idle PSS ${xs.map((x) => x.pss.toFixed(1)).join(", ")} MB (median ${median(xs.map((x) => x.pss)).toFixed(1)}) over ${xs[0]?.processes} processes`;
    console.log(`launch to first paint, and idle PSS, ${RUNS} runs each, turn about (after one warm-up each):`);
    console.log(`  ${row("minimal Tauri 2 app", floor)}`);
    console.log(`  ${row("Draftloop, a small workspace", ours)}`);
    console.log(
      `  ratios of the medians: start ${(median(ours.map((x) => x.start)) / median(floor.map((x) => x.start))).toFixed(2)}x, ` +
        `PSS ${(median(ours.map((x) => x.pss)) / median(floor.map((x) => x.pss))).toFixed(2)}x`,
    );
    console.log(`  Draftloop on a workspace of about 1,000,000 feedback events: first paint ${large.map((x) => x.toFixed(0)).join(", ")} ms`);
  } finally {
    await desktop.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
