/**
 * The processes of a fleet test: the binary started in the background, its stdout lines read as
 * they come (to act when a worker has finished some attempts), killed, paused and resumed.
 */
import type { Subprocess } from "bun";
import { BUDDY, tempDir } from "../cli/helpers";

export interface Running {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** stdout lines parsed so far. */
  records: any[];
  stderr(): string;
  /** Resolves once `records` has `n` lines of `type` (or the process ended). */
  seen(type: string, n: number): Promise<void>;
  /** The exit code, once stdout and stderr are read to the end. */
  done(): Promise<{ code: number; records: any[]; stderr: string }>;
}

export function start(args: string[], env: Record<string, string> = {}, cwd = tempDir()): Running {
  const proc = Bun.spawn([BUDDY, ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "", BUDDY_BACKEND: "", ...env } });
  const records: any[] = [];
  const waiters: { type: string; n: number; resolve: () => void }[] = [];
  let ended = false;
  const check = () => {
    for (const w of [...waiters]) {
      if (ended || records.filter((r) => r.type === w.type).length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const reading = (async () => {
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.length > 0) records.push(parseLine(line));
      }
      check();
    }
    ended = true;
    check();
  })();
  let err = "";
  const errReading = (async () => {
    for await (const chunk of proc.stderr) err += new TextDecoder().decode(chunk);
  })();
  return {
    proc,
    records,
    stderr: () => err,
    seen: (type, n) => new Promise((resolve) => {
      waiters.push({ type, n, resolve });
      check();
    }),
    async done() {
      const code = await proc.exited;
      await Promise.all([reading, errReading]);
      return { code, records, stderr: err };
    },
  };
}

function parseLine(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return { type: "<not json>", line };
  }
}

/** Per task id, how many `task` records. */
export function countsOf(records: any[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) if (r.type === "task") counts.set(r.task_id, (counts.get(r.task_id) ?? 0) + 1);
  return counts;
}
