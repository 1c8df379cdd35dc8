/**
 * Running dist/buddy (or $BUDDY_BIN) for the bench: task files in a scratch directory, runs
 * with stdout to a file (so a million-task run's records need no memory in the bench), a time
 * ceiling after which the run is stopped, and the closing summary record read back.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sampleTreeRss } from "./rss";

export const ROOT = resolve(import.meta.dir, "..");
const BUDDY = process.env.BUDDY_BIN ?? join(ROOT, "dist/buddy");
export const scratch = mkdtempSync(join(tmpdir(), "buddy-bench-"));

/** A JSONL task file of `count` lines in the scratch directory. */
export function taskFile(name: string, count: number, line: (i: number) => object): string {
  const path = join(scratch, name);
  writeFileSync(path, Array.from({ length: count }, (_, i) => JSON.stringify(line(i))).join("\n") + "\n");
  return path;
}

interface Summary {
  status: string;
  totals: { tasks: number; succeeded: number; failed: number };
}

export interface Ran {
  ms: number;
  code: number | null;
  /** The run's closing summary record, when it printed one. */
  summary: Summary | undefined;
  /** True when the ceiling stopped the run before it ended. */
  cutShort: boolean;
  /** Where stdout went. */
  out: string;
  /** Peak RSS of buddy and its executors in kB, when asked for. */
  peakRssKb?: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Stop the run (SIGTERM, then SIGKILL 5 s later) after this long. @default no ceiling */
  ceilingMs?: number;
  /** Sample the process tree's RSS every 100 ms. @default false */
  sampleRss?: boolean;
}

let runs = 0;

export async function runBuddy(args: string[], options: RunOptions = {}): Promise<Ran> {
  const out = join(scratch, `out-${++runs}.jsonl`);
  const start = performance.now();
  const proc = Bun.spawn([BUDDY, ...args], {
    cwd: scratch,
    stdout: Bun.file(out),
    stderr: "inherit",
    env: { ...process.env, ...options.env },
  });
  const sampler = options.sampleRss ? sampleTreeRss(proc.pid) : undefined;
  let cutShort = false;
  let kill: Timer | undefined;
  const ceiling = options.ceilingMs === undefined ? undefined : setTimeout(() => {
    cutShort = true;
    proc.kill("SIGTERM");
    kill = setTimeout(() => proc.kill("SIGKILL"), 5000);
  }, options.ceilingMs);
  const code = await proc.exited;
  const ms = performance.now() - start;
  const peakRssKb = sampler?.stop();
  clearTimeout(ceiling);
  clearTimeout(kill);
  return { ms, code, summary: lastRecord(out) as Summary | undefined, cutShort, out, peakRssKb };
}

/** The last JSON line of a file, read from its end (its last MiB) without loading the rest. */
function lastRecord(path: string): unknown {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 1 << 20);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const line = buffer.toString("utf8").trimEnd().split("\n").at(-1);
    try {
      return line ? JSON.parse(line) : undefined;
    } catch {
      return undefined; // a run cut short mid-line
    }
  } finally {
    closeSync(fd);
  }
}

/** Throws unless the run ended by itself with every one of `count` tasks succeeded. */
export function allSucceeded(ran: Ran, count: number, what: string): void {
  const totals = ran.summary?.totals;
  if (ran.cutShort || ran.code !== 0 || totals?.tasks !== count || totals.succeeded !== count)
    throw new Error(`${what}: exit ${ran.code}${ran.cutShort ? " (cut short)" : ""}, ${totals?.succeeded ?? 0} of ${count} tasks succeeded`);
}
