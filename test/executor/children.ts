import { readdirSync, readFileSync } from "node:fs";

/** Pids of this process's children that have not exited (a zombie has: nobody reaped it yet). */
export function liveChildren(): number[] {
  const live: number[] = [];
  for (const entry of readdirSync("/proc")) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === process.pid && state !== "Z" && state !== "X") live.push(Number(entry));
    } catch {}
  }
  return live;
}
