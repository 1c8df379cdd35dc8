/**
 * `buddy calibrate RUN… [--apply FILE [--output OUT]]` (SPEC 7): fit a recalibration of
 * predictions from the outcomes of one or more runs and print it; with --apply, print FILE with
 * calibrated probabilities instead, or write it to OUT and print the fit.
 */
import { resolve } from "node:path";
import { BuddyError, EXIT } from "../../core";
import { applyCalibration, checkNotStore, fitRecalibration, prepareTaskFile } from "../../harness";
import type { CalibrationRecord } from "../../records";
import { storeFiles } from "../../store";
import { inputArg, openReadOnlyDb, runIdOf, storeLocation, type GlobalArgs } from "../context";
import { printJson, printLine } from "../io";
import { scriptDir, writeWhole } from "../output-file";

type CalibrateArgs = GlobalArgs & { run_ids: string[]; apply?: string; output?: string };

const REMEDY = "calibrate from a directory that holds it, or write the file with --output FILE in one";

async function fit(args: CalibrateArgs): Promise<CalibrationRecord> {
  const store = await openReadOnlyDb(args);
  try {
    const run_ids: string[] = [];
    for (const id of args.run_ids) run_ids.push(await runIdOf(store, id));
    return await fitRecalibration(store, run_ids);
  } finally {
    await store.close();
  }
}

export async function calibrateCommand(args: CalibrateArgs): Promise<number> {
  if (args.apply === undefined) {
    if (args.output !== undefined) throw new BuddyError("USAGE", "--output names where the file of --apply FILE is written; give --apply too");
    printJson(await fit(args));
    return EXIT.OK;
  }
  if (args.output !== undefined) await checkNotStore("--output", args.output, storeFiles(storeLocation(args)));
  const place = { dir: scriptDir(args.output), remedy: REMEDY };
  // Read before the store is opened, as `buddy run` reads its input: a pipe that blocks must not hold the store.
  const file = await prepareTaskFile(inputArg(args.apply));
  try {
    const calibration = await fit(args);
    const lines = applyCalibration(calibration.fit, file, place);
    if (args.output === undefined) {
      for await (const line of lines) printLine(line);
    } else {
      const all: string[] = [];
      for await (const line of lines) all.push(line);
      writeWhole(resolve(args.output), all);
      // stdout is free: the figures of the fit that was applied.
      printJson(calibration);
    }
  } finally {
    file.dispose();
  }
  return EXIT.OK;
}
