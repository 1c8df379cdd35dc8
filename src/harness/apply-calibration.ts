/**
 * `buddy calibrate RUN… --apply FILE` (SPEC 7): FILE's task lines with calibrated probabilities,
 * closing the loop for the next run. Each line is kept as written but for its probability (the
 * old value kept as `raw_predicted_success_probability`) and its `script`, which names the same
 * file from where the printed file will be read, so the new file validates there.
 */
import { stat } from "node:fs/promises";
import { BuddyError } from "../core";
import { applyIsotonic, type IsotonicFit } from "../feedback";
import { formatProblem, readTasks, relocatedLines, scriptPathIn, sourceName, type Problem, type RelocateOptions } from "../input";
import { prepareSource, type PreparedSource } from "./source";

/** The fields a line may give its probability in: the alias too, and when both are given they must agree, so both change. */
const PROBABILITY_FIELDS = ["predicted_success_probability", "predicted_success_rate"] as const;

/**
 * FILE, read once if it is a stream (stdin, a pipe) so that it can be validated before a line is
 * printed. A Phase 20 tree validates as input, but it has no task lines of its own to rewrite.
 */
export async function prepareTaskFile(file: string): Promise<PreparedSource> {
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    throw new BuddyError("USAGE", `--apply takes a task file (JSON lines); ${file} is a directory`);
  }
  return prepareSource(file);
}

type Place = Pick<RelocateOptions, "dir" | "remedy">;

/**
 * FILE's lines, calibrated, as JSON text. Every line is checked before the first is printed: a
 * file with problems, or with a script the printed file could not name, prints nothing.
 */
export async function* applyCalibration(fit: IsotonicFit, file: PreparedSource, place: Place): AsyncGenerator<string> {
  // A spool is read from its start again by each reader.
  const spooled = () => (file.spooled ? { spooled: { chunks: file.spooled.chunks(), baseDir: file.spooled.baseDir } } : {});
  await check(file.source, place, spooled());
  for await (const line of relocatedLines(file.source, { ...place, ...spooled() })) yield JSON.stringify(calibrated(line, fit));
}

/**
 * Reads FILE as `buddy run --simulate` would (every problem of SPEC 2.3; code is not compiled, so
 * a task whose code never compiles is calibrated all the same), and places every script it reads.
 */
async function check(source: string, place: Place, options: Pick<RelocateOptions, "spooled">): Promise<void> {
  const problems: Problem[] = [];
  for await (const item of readTasks(source, { simulate: true, ...options })) {
    if (item.kind === "problem") problems.push(item.problem);
    else if (item.kind === "task" && item.task.script_file !== undefined) scriptPathIn(place.dir, item.task.script_file, item.task.task_id, place.remedy);
  }
  if (problems.length > 0) throw new BuddyError("INPUT", `${problems.length} problem(s) in ${sourceName(source)}`, { details: problems.map(formatProblem) });
}

function calibrated(line: Record<string, unknown>, fit: IsotonicFit): Record<string, unknown> {
  // Validated: one of the two is a probability.
  const raw = (line.predicted_success_probability ?? line.predicted_success_rate) as number;
  const p = applyIsotonic(fit, raw);
  for (const key of PROBABILITY_FIELDS) if (Object.hasOwn(line, key)) line[key] = p;
  line.raw_predicted_success_probability = raw;
  return line;
}
