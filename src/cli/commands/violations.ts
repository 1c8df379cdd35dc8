/** `buddy violations [RUN_ID]`: the sandbox violation log, oldest first, as NDJSON or (`--format table`) a table. */
import { EXIT } from "../../core";
import { violationRecord } from "../../records";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { VIOLATION_COLUMNS } from "../record-tables";
import { outputFormat, printRecords } from "../table";

export async function violationsCommand(args: GlobalArgs & { run_id?: string; format?: string }): Promise<number> {
  const format = outputFormat(args.format);
  const store = await openReadOnlyDb(args);
  try {
    // An unknown run is a typo worth saying so; a known run without violations prints nothing
    // (a table says "no violations").
    const runId = args.run_id === undefined ? undefined : await runIdOf(store, args.run_id);
    printRecords(format, (await store.violations(runId)).map(violationRecord), VIOLATION_COLUMNS, "no violations");
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
