/** Spawning the compiled binary the way a user or CI step does, each test in its own directory. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
/** BUDDY_BIN points the tests at another build of the binary (see build.ts BUDDY_OUTFILE). */
export const BUDDY = process.env.BUDDY_BIN || join(ROOT, "dist/buddy");
export const fixture = (name: string) => join(ROOT, "fixtures", name);

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  records: any[];
}

export const tempDir = () => mkdtempSync(join(tmpdir(), "buddy-test-"));

export async function buddy(args: string[], options: { cwd?: string; stdin?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  const proc = Bun.spawn([BUDDY, ...args], {
    cwd: options.cwd ?? tempDir(),
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, BUDDY_DB: "", BUDDY_BACKEND: "", ...options.env },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  // A line that is not JSON stays visible as such, so assertions on records fail on it.
  const parse = (line: string) => { try { return JSON.parse(line); } catch { return { type: "<not json>", line }; } };
  const records = stdout.split("\n").filter((l) => l.length > 0).map(parse);
  return { code, stdout, stderr, records };
}

export const ofType = (records: any[], type: string) => records.filter((r) => r.type === type);
