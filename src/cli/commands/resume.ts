/** `buddy resume RUN_ID`: continue an interrupted or crashed run where it stopped. */
import { resumeRun } from "../../harness";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { runSession } from "../session";
import { artifactsOf } from "./run";

export async function resumeCommand(args: GlobalArgs & { run_id: string; replay?: boolean; out?: string; junit?: string }): Promise<number> {
  // A run id the store does not know creates nothing: no `.buddy/`, no empty database.
  const reader = await openReadOnlyDb(args);
  let runId: string;
  try {
    runId = await runIdOf(reader, args.run_id);
  } finally {
    await reader.close();
  }
  return runSession(args, (deps) => resumeRun(runId, deps, args.replay === true, artifactsOf(args)));
}
