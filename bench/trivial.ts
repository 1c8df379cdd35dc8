/**
 * SPEC 10's first row: trivial code tasks end to end (validated, persisted, printed) through
 * buddy against a bare QuickJS create-eval-dispose loop (bench/bare.ts) in the same number of
 * processes. Also each side's cost per task per process, in µs.
 */
import { join } from "node:path";
import { allSucceeded, ROOT, runBuddy, scratch, taskFile } from "./buddy";
import { atLeast, round, row, type Row } from "./goal";

export const TRIVIAL = atLeast(0.5, "x bare loop");

/** The trivial task every CPU-path row runs. */
export const trivialTask = (i: number) => ({ task_id: `t${i}`, predicted_success_probability: 0.9, code: "return 1" });

/** `count` trivial tasks through buddy on `threads` executors; the run's wall time in ms. */
export async function buddyTrivial(count: number, threads: number, name: string): Promise<number> {
  const file = taskFile(`${name}.jsonl`, count, trivialTask);
  const ran = await runBuddy(["run", file, "--threads", String(threads), "--seed", "1", "--quiet", "--db", join(scratch, `${name}.db`)]);
  allSucceeded(ran, count, `${count} trivial tasks`);
  return ran.ms;
}

/** Cycles per second of `threads` bare-loop processes side by side: the sum of their rates. */
async function bareRate(cycles: number, threads: number): Promise<number> {
  const per = Math.ceil(cycles / threads);
  const procs = Array.from({ length: threads }, () =>
    Bun.spawn([process.execPath, join(ROOT, "bench/bare.ts"), String(per)], { stdout: "pipe", stderr: "inherit" }));
  const results = await Promise.all(procs.map(async (p) => JSON.parse(await new Response(p.stdout).text()) as { cycles: number; ms: number }));
  return results.reduce((sum, r) => sum + r.cycles / (r.ms / 1000), 0);
}

export async function trivialRow(tasks: number, threads: number): Promise<Row> {
  const buddyRate = tasks / ((await buddyTrivial(tasks, threads, "trivial")) / 1000);
  const bare = await bareRate(tasks, threads);
  const usPerTask = (rate: number) => round((1e6 / rate) * threads);
  return row(buddyRate / bare, TRIVIAL, {
    tasks,
    threads,
    trivial_tasks_per_second: round(buddyRate),
    bare_quickjs_cycles_per_second: round(bare),
    trivial_us_per_task_per_process: usPerTask(buddyRate),
    bare_us_per_cycle_per_process: usPerTask(bare),
  });
}
