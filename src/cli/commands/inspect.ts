/** `buddy runs` and `buddy show RUN_ID`: what the store knows, as NDJSON. */
import { EXIT, isFinished } from "../../core";
import { attemptRecord, runRecord, taskRecord } from "../../records";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printJson } from "../io";

export function runsCommand(args: GlobalArgs & { limit: number }): number {
  const store = openReadOnlyDb(args);
  try {
    for (const run of store.listRuns(args.limit)) printJson(runRecord(run));
  } finally {
    store.close();
  }
  return EXIT.OK;
}

/**
 * The run record, its wave records, with `--tasks` the `task` record of every finished task
 * (exactly as `buddy run` printed it, in input order), with `--attempts` every attempt, then
 * the summary once the run has one.
 */
export function showCommand(args: GlobalArgs & { run_id: string; tasks?: boolean; attempts?: boolean }): number {
  const store = openReadOnlyDb(args);
  try {
    const run = store.getRun(runIdOf(store, args.run_id))!;
    printJson(runRecord(run));
    for (const wave of store.waveRecords(run.run_id)) printJson(wave.record);
    if (args.tasks) for (const t of store.tasks(run.run_id)) if (isFinished(t)) printJson(taskRecord(run.run_id, t));
    if (args.attempts) for (const a of store.attempts(run.run_id)) printJson(attemptRecord(a));
    if (run.summary) printJson(run.summary);
  } finally {
    store.close();
  }
  return EXIT.OK;
}
