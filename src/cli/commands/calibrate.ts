/** `buddy calibrate RUN_ID [--apply FILE]`: fit a recalibration; with --apply, rewrite FILE's predictions. */
import { EXIT } from "../../core";
import { applyCalibration, fitRecalibration } from "../../harness";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printJson, printLine } from "../io";

export async function calibrateCommand(args: GlobalArgs & { run_id: string; apply?: string }): Promise<number> {
  const store = await openReadOnlyDb(args);
  try {
    const calibration = await fitRecalibration(store, await runIdOf(store, args.run_id));
    if (args.apply === undefined) printJson(calibration);
    else for await (const line of applyCalibration(calibration.fit, args.apply)) printLine(line);
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
