/** `buddy runs` and `buddy show RUN_ID`: what the store knows, as NDJSON. */
import { EXIT } from "../../core";
import type { AttemptRow, RunRow } from "../../store";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printJson } from "../io";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function runRecord(run: RunRow) {
  return {
    type: "run",
    run_id: run.run_id,
    status: run.status,
    input: run.input,
    tasks: run.task_count,
    waves: run.wave_count,
    seed: run.seed,
    created_at: iso(run.created_at),
    started_at: iso(run.started_at),
    ended_at: iso(run.ended_at),
    success_rate: run.summary?.success_rate ?? null,
  };
}

/** An attempt as `show --attempts` prints it: times as ISO strings, like every other record. */
function attemptRecord(a: AttemptRow) {
  const { result_json, started_at, ended_at, duration_ms, ...rest } = a;
  return {
    type: "attempt",
    ...rest,
    started_at: iso(started_at),
    ended_at: iso(ended_at),
    duration_ms: duration_ms === null ? null : Math.round(duration_ms * 1000) / 1000,
    ...(result_json === null ? {} : { result: JSON.parse(result_json) }),
  };
}

export function runsCommand(args: GlobalArgs & { limit: number }): number {
  const store = openReadOnlyDb(args);
  try {
    for (const run of store.listRuns(args.limit)) printJson(runRecord(run));
  } finally {
    store.close();
  }
  return EXIT.OK;
}

export function showCommand(args: GlobalArgs & { run_id: string; tasks?: boolean; attempts?: boolean }): number {
  const store = openReadOnlyDb(args);
  try {
    const run = store.getRun(runIdOf(store, args.run_id))!;
    printJson(runRecord(run));
    for (const wave of store.waveRecords(run.run_id)) printJson(wave.record);
    if (args.tasks) {
      for (const t of store.tasks(run.run_id)) {
        printJson({
          type: "task_state",
          task_id: t.task.task_id,
          wave: t.task.wave,
          state: t.state,
          agent_id: t.agent_id,
          attempts: t.attempts,
          result: t.result_json === null ? undefined : JSON.parse(t.result_json),
          error: t.error ?? undefined,
          duration_ms: t.duration_ms,
        });
      }
    }
    if (args.attempts) for (const a of store.attempts(run.run_id)) printJson(attemptRecord(a));
    if (run.summary) printJson(run.summary);
  } finally {
    store.close();
  }
  return EXIT.OK;
}
