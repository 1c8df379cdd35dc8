/** A run stored in a MemoryDatabase, and HarnessDeps around fakes, for the harness's unit tests. */
import type { RunOptions } from "../../src/config";
import { silentLogger, type Task } from "../../src/core";
import type { HarnessDeps } from "../../src/harness";
import type { RunOutput } from "../../src/records";
import { newRun, runOptions, task as storedTask } from "../contract/store/data";
import { ScriptedAttempts, type ScriptedAttempt } from "./attempts";
import { VirtualClock } from "./clock";
import { MemoryDatabase } from "./memory-store";

/** A task with id `task_id` (the contract suite's builder; its code never runs here). */
export const task = (task_id: string, fields: Partial<Task> = {}): Task => storedTask(0, { task_id, ...fields });

/** Stores a run of `tasks` (input order = array order) with the given options. */
export async function storeRun(db: MemoryDatabase, run_id: string, tasks: Task[], options: Partial<RunOptions> = {}): Promise<void> {
  const seed = options.seed ?? 7;
  const ingest = await db.connect().beginRun(
    newRun({ run_id, created_at: db.now(), seed, options: runOptions({ threads: 1, agents: 2, base_delay_ms: 1000, jitter: 0, ...options, seed, run_id }) }),
  );
  for (const [seq, t] of tasks.entries()) await ingest.addTask({ ...t, seq });
  await ingest.commit();
}

/** One process's view: its own store handle, records and attempt runner, on shared time. */
export function harness(db: MemoryDatabase, clock: VirtualClock, script: Record<string, ScriptedAttempt[]>, onStart?: ConstructorParameters<typeof ScriptedAttempts>[2]) {
  const records: RunOutput[] = [];
  const runner = new ScriptedAttempts(clock, script, onStart);
  const abort = new AbortController();
  const deps: HarnessDeps = {
    clock,
    logger: silentLogger,
    store: db.connect(),
    emit: (r) => records.push(r),
    attempts: () => runner,
    signal: abort.signal,
    env: {},
  };
  return { deps, records, runner, abort };
}

export const newWorld = () => {
  const clock = new VirtualClock();
  return { clock, db: new MemoryDatabase(() => clock.now()) };
};
