/** `buddy calibrate RUN_ID [--apply FILE]`: fit a recalibration; with --apply, rewrite FILE's predictions. */
import { EXIT, noSuchRun } from "../../core";
import { applyCalibration, recalibrate } from "../../harness";
import { openReadOnlyDb, type GlobalArgs } from "../context";
import { printJson, printLine } from "../io";

export async function calibrateCommand(args: GlobalArgs & { run_id: string; apply?: string }): Promise<number> {
  const store = openReadOnlyDb(args);
  try {
    if (!store.getRun(args.run_id)) throw noSuchRun(args.run_id, store.location);
    const calibration = recalibrate(store, args.run_id);
    if (args.apply === undefined) printJson(calibration);
    else for await (const line of applyCalibration(calibration.fit, args.apply)) printLine(line);
  } finally {
    store.close();
  }
  return EXIT.OK;
}
