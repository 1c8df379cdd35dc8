/**
 * Peak resident memory of a process tree (SPEC 10's "peak memory of the whole process tree"):
 * every ~100 ms, read PPid and VmRSS of every process from /proc, and add up the RSS of the root
 * and all its descendants. Summed RSS counts pages the processes share (the binary's text) once
 * per process, so it is an upper bound, the figure a machine's memory must actually hold.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcEntry {
  ppid: number;
  rssKb: number;
}

/**
 * PPid and VmRSS of one /proc/PID/status text. A zombie or kernel thread has no VmRSS line: it
 * holds no user memory, so it counts 0.
 */
export function parseStatus(text: string): ProcEntry | undefined {
  const ppid = /^PPid:\s+(\d+)/m.exec(text);
  if (!ppid) return undefined;
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return { ppid: Number(ppid[1]), rssKb: rss ? Number(rss[1]) : 0 };
}

/** RSS of `root` and every process below it in `table`, in kB (0 when `root` is gone). */
export function treeRssKb(table: ReadonlyMap<number, ProcEntry>, root: number): number {
  const children = new Map<number, number[]>();
  for (const [pid, entry] of table) {
    const siblings = children.get(entry.ppid);
    if (siblings) siblings.push(pid);
    else children.set(entry.ppid, [pid]);
  }
  let total = 0;
  const stack = table.has(root) ? [root] : [];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += table.get(pid)!.rssKb;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Every process now in /proc; one that exits between the listing and the read is left out. */
export function readProcTable(proc = "/proc"): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`${proc}/${name}/status`, "utf8");
    } catch {
      continue;
    }
    const entry = parseStatus(text);
    if (entry) table.set(Number(name), entry);
  }
  return table;
}

/** Samples the tree under `root` every `everyMs` until `stop()`, which returns the peak in kB. */
export function sampleTreeRss(root: number, everyMs = 100): { stop(): number } {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, treeRssKb(readProcTable(), root));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
