/** A one-line progress display on stderr, only when stderr is a terminal and not --quiet. */
import type { RunOutput } from "../records";

export function progressLine(quiet: boolean): { seen(record: RunOutput): void; done(): void } {
  if (quiet || !process.stderr.isTTY) return { seen: () => {}, done: () => {} };
  let tasks = 0;
  let failed = 0;
  let waves = 0;
  let last = 0;
  const draw = () => process.stderr.write(`\r\x1b[2Kbuddy: ${tasks} tasks done (${failed} not succeeded), ${waves} waves`);
  return {
    seen(record) {
      if (record.type === "task") {
        tasks++;
        if (record.status !== "succeeded") failed++;
      } else if (record.type === "wave") waves++;
      const now = Date.now();
      if (now - last > 100) { last = now; draw(); }
    },
    done() {
      if (tasks + waves > 0) { draw(); process.stderr.write("\n"); }
    },
  };
}
