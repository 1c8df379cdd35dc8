/** `buddy resume RUN_ID`: continue an interrupted or crashed run where it stopped. */
import { noSuchRun } from "../../core";
import { resumeRun } from "../../harness";
import { openReadOnlyDb, type GlobalArgs } from "../context";
import { runSession } from "../session";
import { artifactsOf } from "./run";

export function resumeCommand(args: GlobalArgs & { run_id: string; replay?: boolean; out?: string; junit?: string }): Promise<number> {
  // A run id the store does not know creates nothing: no `.buddy/`, no empty database.
  const reader = openReadOnlyDb(args);
  try {
    if (!reader.getRun(args.run_id)) throw noSuchRun(args.run_id, reader.location);
  } finally {
    reader.close();
  }
  return runSession(args, (deps) => resumeRun(args.run_id, deps, args.replay === true, artifactsOf(args)));
}
