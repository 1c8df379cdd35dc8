/** `buddy report RUN_ID --format md|html|json`: the run report (SPEC 9.3) from the store. */
import { EXIT } from "../../core";
import { loadRunReport } from "../../harness";
import { htmlReport, jsonReport, markdownReport } from "../../report";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printLine } from "../io";

export const REPORT_FORMATS = { md: markdownReport, html: htmlReport, json: jsonReport } as const;

export async function reportCommand(args: GlobalArgs & { run_id: string; format: keyof typeof REPORT_FORMATS }): Promise<number> {
  const store = await openReadOnlyDb(args);
  try {
    const runId = await runIdOf(store, args.run_id);
    printLine(REPORT_FORMATS[args.format](await loadRunReport(store, runId, Date.now())).trimEnd());
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
