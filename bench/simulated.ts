/**
 * SPEC 10's simulated rows: simulated tasks per second, and a million simulated tasks in bounded
 * memory — the peak RSS of buddy's whole process tree, sampled from /proc every 100 ms, and the
 * store's bytes per task over all its files (the database, its -wal and its -shm). The million
 * run is stopped at its ceiling; a run cut short prints its figures so far, never as met.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { runBuddy, scratch, taskFile } from "./buddy";
import { atLeast, atMost, round, row, type Row } from "./goal";

export const SIMULATED_RATE = atLeast(50_000, "tasks/s");
export const MILLION_MEMORY = atMost(512, "MB peak RSS of the process tree");
export const MILLION_STORE = atMost(400, "store bytes per task");

const simulatedTask = (i: number) => ({ task_id: `s${i}`, wave: 1 + (i % 4), predicted_success_probability: 0.8 });

/** `count` simulated tasks; a simulated run exits 1 when some fail, as about 20 % do here. */
async function simulatedRun(count: number, name: string, options: { ceilingMs?: () => number; sampleRss?: boolean } = {}) {
  const db = join(scratch, `${name}.db`);
  const file = taskFile(`${name}.jsonl`, count, simulatedTask);
  // The ceiling is reckoned once the file is written, so that writing it counts against the budget.
  const ran = await runBuddy(["run", file, "--simulate", "--seed", "1", "--quiet", "--db", db], { sampleRss: options.sampleRss, ceilingMs: options.ceilingMs?.() });
  if (!ran.cutShort && ran.summary?.totals.tasks !== count) throw new Error(`${count} simulated tasks: exit ${ran.code}, ${ran.summary?.totals.tasks ?? 0} tasks in the summary`);
  return { ran, db };
}

export async function simulatedRow(tasks: number): Promise<Row> {
  const { ran } = await simulatedRun(tasks, "simulated");
  return row(tasks / (ran.ms / 1000), SIMULATED_RATE, { tasks, wall_s: round(ran.ms / 1000) });
}

/** Bytes of the store at `db`: the database and whichever of its -wal and -shm exist. */
const storeBytes = (db: string) => ["", "-wal", "-shm"].reduce((sum, ext) => sum + (existsSync(db + ext) ? statSync(db + ext).size : 0), 0);

/**
 * The two figures of the million-task row: peak memory and store bytes per task. The run gets
 * `capMs`, or what is left until `deadline` (a `performance.now()` time) if less, but 30 s at least (or `capMs` if less).
 */
export async function millionRows(tasks: number, capMs: number, deadline: number): Promise<{ memory: Row; store: Row }> {
  let ceilingMs = capMs;
  const ceiling = () => (ceilingMs = Math.max(Math.min(30_000, capMs), Math.min(capMs, deadline - performance.now())));
  const { ran, db } = await simulatedRun(tasks, "million", { ceilingMs: ceiling, sampleRss: true });
  const complete = !ran.cutShort;
  const details = {
    tasks,
    wall_s: round(ran.ms / 1000),
    ...(!complete && { note: `stopped at the row's ${round(ceilingMs / 1000)} s ceiling: the peak so far, and the store so far over all ${tasks} tasks (lower bounds)` }),
  };
  const bytes = storeBytes(db);
  return {
    memory: row((ran.peakRssKb ?? 0) / 1024, MILLION_MEMORY, details, complete),
    store: row(bytes / tasks, MILLION_STORE, { ...details, store_bytes: bytes }, complete),
  };
}
