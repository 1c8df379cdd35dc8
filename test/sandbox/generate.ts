/**
 * Writes the hostile suite as one buddy task file (JSONL): every case in wave 1, then the
 * leftovers check in wave 2 (several copies, so that it lands on every executor that ran wave 1).
 * A case's expected outcome travels in fields buddy does not know, which it echoes as `meta`.
 *
 *     bun test/sandbox/generate.ts /tmp/hostile.jsonl
 *     buddy run /tmp/hostile.jsonl --retry none --seed 7 --threads 2 --agents 2
 */
import { writeFileSync } from "node:fs";
import { CASES, LEFTOVERS_CHECK, memoryOf, timeoutOf, type HostileCase } from "./cases";

/** Copies of the leftovers check in wave 2. */
export const LEFTOVER_CHECKS = 4;
export const leftoverTaskId = (i: number) => `leftovers-check-${i}`;

function taskLine(c: HostileCase): Record<string, unknown> {
  const line: Record<string, unknown> = {
    task_id: c.name,
    wave: 1,
    predicted_success_probability: c.expect === "OK" ? 0.9 : 0.5,
    code: c.code,
    timeout_ms: timeoutOf(c),
    memory_mb: memoryOf(c),
    // Unknown fields become the task's `meta`, echoed in its task record.
    expect: c.expect,
    interruptible: c.interruptible ?? true,
  };
  if (c.name === "ok-input-and-task") line.input = { n: 21 };
  if (c.violation_type !== undefined) line.violation_type = c.violation_type;
  return line;
}

export function suiteLines(): string[] {
  const lines = CASES.map(taskLine);
  for (let i = 0; i < LEFTOVER_CHECKS; i++) {
    lines.push({
      task_id: leftoverTaskId(i),
      wave: 2,
      predicted_success_probability: 0.9,
      code: LEFTOVERS_CHECK,
      timeout_ms: 5000,
      memory_mb: 64,
      expect: "OK",
    });
  }
  return lines.map((line) => JSON.stringify(line));
}

export function writeSuite(path: string): void {
  writeFileSync(path, `${suiteLines().join("\n")}\n`);
}

if (import.meta.main) {
  const path = process.argv[2];
  if (path === undefined) throw new Error("usage: bun test/sandbox/generate.ts OUT.jsonl");
  writeSuite(path);
}
