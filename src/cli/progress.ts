/** A one-line progress display on stderr, only when stderr is a terminal and not --quiet. */
export function progressLine(quiet: boolean): { seen(line: string): void; done(): void } {
  if (quiet || !process.stderr.isTTY) return { seen: () => {}, done: () => {} };
  let tasks = 0;
  let failed = 0;
  let waves = 0;
  let last = 0;
  const draw = () => process.stderr.write(`\r\x1b[2Kbuddy: ${tasks} tasks done (${failed} not succeeded), ${waves} waves`);
  return {
    seen(line) {
      // Records are counted by their leading type field: cheaper than parsing every line.
      if (line.startsWith('{"type":"task"')) {
        tasks++;
        if (!line.includes('"status":"succeeded"')) failed++;
      } else if (line.startsWith('{"type":"wave"')) waves++;
      const now = Date.now();
      if (now - last > 100) { last = now; draw(); }
    },
    done() {
      if (tasks + waves > 0) { draw(); process.stderr.write("\n"); }
    },
  };
}
