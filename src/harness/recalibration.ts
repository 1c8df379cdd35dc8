/**
 * `buddy calibrate` (SPEC 7): an isotonic fit (pool-adjacent-violators) of a run's predicted
 * probabilities against what happened, and the same fit applied to a task file, closing the
 * loop for the next run.
 */
import { stat } from "node:fs/promises";
import { BuddyError, outcomeOf, ran } from "../core";
import { applyIsotonic, calibrationMetrics, isotonicFit, type IsotonicFit, type PredictionPair } from "../feedback";
import { formatProblem, validateFile } from "../input";
import type { CalibrationRecord } from "../records";
import type { Store } from "../store";

/**
 * The isotonic fit of a run's predictions to its outcomes (what `buddy calibrate` prints), with
 * the calibration metrics of the predictions as they were (`before`) and through the fit
 * (`after`: in-sample, how well the fit describes this run).
 */
export async function fitRecalibration(store: Store, run_id: string): Promise<CalibrationRecord> {
  const pairs: PredictionPair[] = (await store.tasks(run_id))
    .filter(ran)
    .map((t) => ({ p: t.task.predicted_success_probability, outcome: outcomeOf(t) }));
  if (pairs.length === 0) throw new BuddyError("USAGE", `run ${run_id} has no finished tasks to calibrate from`);
  const fit = isotonicFit(pairs);
  return {
    type: "calibration",
    run_id,
    fit,
    before: calibrationMetrics(pairs),
    after: calibrationMetrics(pairs.map((x) => ({ p: applyIsotonic(fit, x.p), outcome: x.outcome }))),
  };
}

/**
 * Yields FILE's task lines with calibrated probabilities; the old value is kept as
 * `raw_predicted_success_probability`. The file is validated first: a bad file changes nothing.
 */
export async function* applyCalibration(fit: IsotonicFit, file: string): AsyncGenerator<string> {
  // A Phase 20 tree validates as input, but it has no task lines of its own to rewrite.
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    throw new BuddyError("USAGE", `--apply takes a task file (JSON lines); ${file} is a directory`);
  }
  const { problems } = await validateFile(file, { simulate: true });
  if (problems.length > 0) throw new BuddyError("INPUT", `${problems.length} problem(s) in ${file}`, { details: problems.map(formatProblem) });
  for (const line of (await Bun.file(file).text()).replace(/^\uFEFF/, "").split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const task = JSON.parse(line) as Record<string, unknown>;
    const key = "predicted_success_probability" in task ? "predicted_success_probability" : "predicted_success_rate";
    const raw = task[key] as number;
    yield JSON.stringify({ ...task, [key]: applyIsotonic(fit, raw), raw_predicted_success_probability: raw });
  }
}
