/**
 * `--output FILE` of the commands that print a task file (`buddy export`, `buddy calibrate
 * --apply`): where the file's scripts will be read from, and writing it whole or not at all.
 */
import { realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { BuddyError } from "../core";

/**
 * The real directory the printed file's scripts will be read from, as ingest resolves it
 * (symlinks followed): the working directory for stdout (where `buddy run -` reads them), FILE's
 * directory with --output.
 */
export function scriptDir(output: string | undefined): string {
  const dir = output === undefined ? process.cwd() : dirname(resolve(output));
  try {
    return realpathSync(dir);
  } catch {
    throw new BuddyError("USAGE", `--output ${output}: its directory ${dir} does not exist`);
  }
}

/** Written beside FILE, then renamed over it: a reader never sees half a file. */
export function writeWhole(file: string, lines: readonly string[]): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, lines.length === 0 ? "" : lines.join("\n") + "\n", { flag: "wx" });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new BuddyError("USAGE", `--output ${file} could not be written: ${(error as Error).message}`);
  }
}
