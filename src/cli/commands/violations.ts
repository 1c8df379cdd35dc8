/** `buddy violations [RUN_ID]`: the sandbox violation log as NDJSON, oldest first. */
import { EXIT } from "../../core";
import { violationRecord } from "../../records";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printJson } from "../io";

export async function violationsCommand(args: GlobalArgs & { run_id?: string }): Promise<number> {
  const store = await openReadOnlyDb(args);
  try {
    // An unknown run is a typo worth saying so; a known run without violations prints nothing.
    const runId = args.run_id === undefined ? undefined : await runIdOf(store, args.run_id);
    for (const row of await store.violations(runId)) printJson(violationRecord(row));
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
