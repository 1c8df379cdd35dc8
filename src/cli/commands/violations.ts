/** `buddy violations [RUN_ID]`: the sandbox violation log as NDJSON, oldest first. */
import { EXIT, noSuchRun } from "../../core";
import { violationRecord } from "../../harness";
import { openReadOnlyDb, type GlobalArgs } from "../context";
import { printJson } from "../io";

export function violationsCommand(args: GlobalArgs & { run_id?: string }): number {
  const store = openReadOnlyDb(args);
  try {
    // An unknown run is a typo worth saying so; a known run without violations prints nothing.
    if (args.run_id !== undefined && !store.getRun(args.run_id)) {
      throw noSuchRun(args.run_id, store.location);
    }
    for (const row of store.violations(args.run_id)) printJson(violationRecord(row));
  } finally {
    store.close();
  }
  return EXIT.OK;
}
