/** `buddy runs` and `buddy show RUN_ID`: what the store knows, as NDJSON or (`--format table`) tables. */
import { flagError, rangeExpectation } from "../../config";
import { BuddyError, EXIT, isFinished, iso } from "../../core";
import { errorRecord, taskRecord, type AttemptRecord, type RunRecord } from "../../records";
import type { AttemptRow, RunRow, StoredTask } from "../../store";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printJson } from "../io";
import { ATTEMPT_COLUMNS, RUN_COLUMNS, summaryPairs, TASK_COLUMNS, WAVE_COLUMNS } from "../record-tables";
import { outputFormat, printBlocks, printRecords, renderKeyValues, renderTable, stdoutPaint } from "../table";

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

export async function runsCommand(args: GlobalArgs & { limit: string; format?: string }): Promise<number> {
  // Checked before the store opens: a bad flag is the user's to fix (exit 2), not a store error.
  const format = outputFormat(args.format);
  const limit = /^\s*\d+\s*$/.test(String(args.limit)) ? Number(args.limit) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1) throw flagError("--limit", rangeExpectation(true, 1, Infinity), String(args.limit));
  const store = await openReadOnlyDb(args);
  try {
    printRecords(format, (await store.listRuns(limit)).map(runRecord), RUN_COLUMNS, "no runs");
  } finally {
    await store.close();
  }
  return EXIT.OK;
}

// Records made one at a time as they are printed, so NDJSON of a big run holds only its rows.
function* finishedTaskRecords(runId: string, tasks: readonly StoredTask[]) {
  for (const t of tasks) if (isFinished(t)) yield taskRecord(runId, t);
}
function* attemptRecords(attempts: readonly AttemptRow[]) {
  for (const a of attempts) yield attemptRecord(a);
}

/**
 * The run record, its wave records, with `--tasks` the `task` record of every finished task
 * (exactly as `buddy run` printed it, in input order), with `--attempts` every attempt, then
 * the summary once the run has one. `--format table` shows the same: the run and its summary
 * as `key  value` lines, then a table of waves, of tasks, of attempts.
 */
export async function showCommand(args: GlobalArgs & { run_id: string; tasks?: boolean; attempts?: boolean; format?: string }): Promise<number> {
  const format = outputFormat(args.format);
  const store = await openReadOnlyDb(args);
  try {
    const row = (await store.getRun(await runIdOf(store, args.run_id)))!;
    const run = runRecord(row);
    const id = run.run_id;
    const waves = (await store.waveRecords(id)).map((w) => w.record);
    const summary = row.summary ?? undefined;
    if (format === "json") {
      for (const record of [run, ...waves]) printJson(record);
      if (args.tasks) for (const record of finishedTaskRecords(id, await store.tasks(id))) printJson(record);
      if (args.attempts) for (const record of attemptRecords(await store.attempts(id))) printJson(record);
      if (summary) printJson(summary);
    } else {
      const paint = stdoutPaint();
      const blocks = [renderKeyValues(summaryPairs(run, summary), paint), renderTable(WAVE_COLUMNS, waves, "no waves", paint)];
      if (args.tasks) blocks.push(renderTable(TASK_COLUMNS, finishedTaskRecords(id, await store.tasks(id)), "no finished tasks", paint));
      if (args.attempts) blocks.push(renderTable(ATTEMPT_COLUMNS, attemptRecords(await store.attempts(id)), "no attempts", paint));
      printBlocks(blocks);
    }
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
