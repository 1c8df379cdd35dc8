/** `buddy runs` and `buddy show RUN_ID`: what the store knows, as NDJSON. */
import { flagError, rangeExpectation } from "../../config";
import { BuddyError, EXIT, isFinished, iso } from "../../core";
import { errorRecord, taskRecord, type AttemptRecord, type RunRecord } from "../../records";
import type { AttemptRow, RunRow } from "../../store";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printJson } from "../io";

function runRecord(run: RunRow): RunRecord {
  return {
    type: "run",
    run_id: run.run_id,
    status: run.status,
    input: run.input,
    tasks: run.task_count,
    waves: run.wave_count,
    seed: run.seed,
    created_at: iso(run.created_at),
    started_at: run.started_at === null ? null : iso(run.started_at),
    ended_at: run.ended_at === null ? null : iso(run.ended_at),
    success_rate: run.summary?.success_rate ?? null,
  };
}

function attemptRecord(a: AttemptRow): AttemptRecord {
  return {
    type: "attempt",
    run_id: a.run_id,
    task_id: a.task_id,
    attempt: a.attempt,
    agent_id: a.agent_id,
    status: a.status,
    started_at: iso(a.started_at),
    ended_at: a.ended_at === null ? null : iso(a.ended_at),
    duration_ms: a.duration_ms === null ? null : Math.round(a.duration_ms),
    ...(a.result_json === null ? {} : { result: JSON.parse(a.result_json) }),
    error: a.error === null ? null : errorRecord(a.error),
    retry_delay_ms: a.error?.retry_delay_ms ?? null,
    console: a.console,
    console_truncated: a.console_truncated,
  };
}

export async function runsCommand(args: GlobalArgs & { limit: string }): Promise<number> {
  // Checked before the store opens: a bad flag is the user's to fix (exit 2), not a store error.
  const limit = /^\s*\d+\s*$/.test(String(args.limit)) ? Number(args.limit) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1) throw flagError("--limit", rangeExpectation(true, 1, Infinity), String(args.limit));
  const store = await openReadOnlyDb(args);
  try {
    for (const run of await store.listRuns(limit)) printJson(runRecord(run));
  } finally {
    await store.close();
  }
  return EXIT.OK;
}

/**
 * The run record, its wave records, with `--tasks` the `task` record of every finished task
 * (exactly as `buddy run` printed it, in input order), with `--attempts` every attempt, then
 * the summary once the run has one.
 */
export async function showCommand(args: GlobalArgs & { run_id: string; tasks?: boolean; attempts?: boolean }): Promise<number> {
  const store = await openReadOnlyDb(args);
  try {
    const run = (await store.getRun(await runIdOf(store, args.run_id)))!;
    printJson(runRecord(run));
    for (const wave of await store.waveRecords(run.run_id)) printJson(wave.record);
    if (args.tasks) for (const t of await store.tasks(run.run_id)) if (isFinished(t)) printJson(taskRecord(run.run_id, t));
    if (args.attempts) for (const a of await store.attempts(run.run_id)) printJson(attemptRecord(a));
    if (run.summary) printJson(run.summary);
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
