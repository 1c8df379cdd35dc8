/**
 * Every attempt ends within its deadline + 250 ms (SPEC 5 "Where attempts run"), through the
 * compiled binary. Attempts stuck in native built-ins that never poll the interrupt handler, or
 * poll it too rarely, are ended by the executor kill, at several timeouts. The deadline runs from
 * the attempt's start in its executor: an attempt queued behind another in the same executor is
 * never killed early. A killed executor costs its stuck attempt TIMEOUT, never the run, and the
 * attempt queued behind it runs elsewhere without being charged.
 *
 * The bounds are the product's guarantee, not benchmarks.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, ofType, tempDir } from "../cli/helpers";

const BOUND_MS = 250;

/** Attempts only the executor kill can end: the interrupt handler sees them late or never. */
const STUCK: Record<string, string> = {
  "includes-huge-arraylike": "return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 'x')",
  "indexof-huge-arraylike": "return Array.prototype.indexOf.call({ length: 2 ** 32 - 1 }, 'x')",
  "every-huge-arraylike": "return Array.prototype.every.call({ length: 2 ** 32 - 1 }, () => true)",
  "reverse-huge-arraylike": "return Array.prototype.reverse.call({ length: 2 ** 32 - 1 })",
  "sort-huge-sparse-array": "const a = []; a.length = 2 ** 32 - 1; return a.sort()",
  "join-past-memory-cap": "return new Array(1e9).join('xy').length",
  // Each call is one costly native step; the handler is polled between them, too rarely.
  "copywithin-16mib-loop": "const b = new Uint8Array(16 * 1024 * 1024); for (;;) b.copyWithin(1, 0)",
  // Every level retries from its catch block near the stack limit: the work doubles per level.
  "recursion-retried-from-catch": "function f() { try { f() } catch { f() } } f()",
};
const TIMEOUTS_MS = [50, 250, 800];

interface TaskLine {
  task_id: string;
  code: string;
  timeout_ms: number;
  memory_mb?: number;
}

/** Runs `lines` as one wave of `buddy run`; returns the task records by id, and the run's exit code. */
async function run(lines: TaskLine[], args: string[]) {
  const dir = tempDir();
  const input = join(dir, "tasks.jsonl");
  const full = lines.map((l) => ({ wave: 1, predicted_success_probability: 0.5, memory_mb: 64, ...l }));
  writeFileSync(input, full.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const db = join(dir, "buddy.db");
  const ran = await buddy(["run", input, "--retry", "none", "--quiet", "--db", db, "--run-id", "deadline", ...args], { cwd: dir });
  const tasks = new Map<string, any>(ofType(ran.records, "task").map((t) => [t.task_id, t]));
  return { ran, tasks, db };
}

/** Busy for `ms` of wall time inside the sandbox, then returns `value`. */
const busy = (ms: number, value: string) => `const t = Date.now(); while (Date.now() - t < ${ms}) {} return '${value}'`;

describe("the executor kill ends every stuck attempt on time", () => {
  test("each stuck native ends as TIMEOUT within its timeout + 250 ms, and not before its timeout, at 50, 250 and 800 ms", async () => {
    const lines = TIMEOUTS_MS.flatMap((timeout_ms) =>
      Object.entries(STUCK).map(([name, code]) => ({ task_id: `${name}@${timeout_ms}`, code, timeout_ms })),
    );
    const { ran, tasks } = await run(lines, ["--threads", "2", "--agents", "2"]);
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(1);
    const wrong: string[] = [];
    for (const { task_id, timeout_ms } of lines) {
      const t = tasks.get(task_id);
      const over = t?.duration_ms - timeout_ms;
      if (t?.error?.code !== "TIMEOUT" || !(over >= 0 && over <= BOUND_MS)) {
        wrong.push(`${task_id}: ${t?.error?.code ?? t?.status} after ${t?.duration_ms} ms (${t?.error?.message})`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  test("an attempt queued behind a long one in the same executor gets its whole deadline from its own start", async () => {
    // One executor, both attempts sent to it at once: the second waits ~600 ms for the first.
    // Counted from when it was sent, it would be killed before it finished its 250 ms of work.
    const { ran, tasks } = await run(
      [
        { task_id: "first", code: busy(600, "first"), timeout_ms: 2000 },
        { task_id: "second", code: busy(250, "second"), timeout_ms: 450 },
      ],
      ["--threads", "1", "--agents", "1", "--concurrency", "2"],
    );
    expect(ran.code).toBe(0);
    expect(tasks.get("first")).toMatchObject({ status: "succeeded", result: "first", attempts: 1 });
    expect(tasks.get("second")).toMatchObject({ status: "succeeded", result: "second", attempts: 1 });
  }, 30_000);

  test("a killed executor costs its stuck attempt TIMEOUT, never the run; the attempt queued behind it runs uncharged", async () => {
    const { ran, tasks, db } = await run(
      [
        { task_id: "stuck", code: STUCK["includes-huge-arraylike"]!, timeout_ms: 300 },
        { task_id: "behind", code: "return 'ran'", timeout_ms: 300 },
      ],
      ["--threads", "1", "--agents", "1", "--concurrency", "2"],
    );
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(1);
    expect(ofType(ran.records, "summary")).toEqual([expect.objectContaining({ status: "failed" })]);
    expect(tasks.get("stuck")).toMatchObject({ status: "failed", attempts: 1, error: { code: "TIMEOUT" } });
    expect(tasks.get("behind")).toMatchObject({ status: "succeeded", result: "ran", attempts: 1 });
    const shown = await buddy(["show", "deadline", "--attempts", "--db", db]);
    const attempts = ofType(shown.records, "attempt").map((a) => [a.task_id, a.attempt, a.error?.code ?? "ok"]);
    expect(attempts.sort()).toEqual([["behind", 1, "ok"], ["stuck", 1, "TIMEOUT"]]);
  }, 30_000);
});
