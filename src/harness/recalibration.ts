/**
 * `buddy calibrate RUN…` (SPEC 7): the (prediction, outcome) pairs of one or more runs pooled and
 * fitted (src/feedback/recalibration.ts), or a refusal that says why when there are too few.
 */
import { BuddyError } from "../core";
import { keyedPairs, MIN_CALIBRATION_PAIRS, recalibrate, SHRINKAGE_PAIRS, type KeyedPair } from "../feedback";
import type { CalibrationRecord } from "../records";
import type { Store } from "../store";

/** `run_ids` must name runs of the store; the same run given twice counts once. */
export async function fitRecalibration(store: Store, run_ids: readonly string[]): Promise<CalibrationRecord> {
  const runs: Array<{ run_id: string; pairs: KeyedPair[] }> = [];
  for (const run_id of new Set(run_ids)) runs.push({ run_id, pairs: keyedPairs(run_id, await store.tasks(run_id)) });
  const pairs = runs.flatMap((r) => r.pairs);
  if (pairs.length < MIN_CALIBRATION_PAIRS) throw tooFewPairs(runs.map((r) => ({ run_id: r.run_id, pairs: r.pairs.length })));
  const { fit, pooled_rate, cross_validated } = recalibrate(pairs);
  return {
    type: "calibration",
    runs: runs.map((r) => ({ run_id: r.run_id, pairs: r.pairs.length })),
    pairs: pairs.length,
    pooled_rate,
    shrinkage: SHRINKAGE_PAIRS,
    fit,
    cross_validated,
  };
}

function tooFewPairs(runs: ReadonlyArray<{ run_id: string; pairs: number }>): BuddyError {
  const total = runs.reduce((s, r) => s + r.pairs, 0);
  const from = runs.length === 1 ? `run ${runs[0]!.run_id} has` : `runs ${runs.map((r) => `${r.run_id} (${r.pairs})`).join(", ")} have`;
  return new BuddyError(
    "USAGE",
    `not enough outcomes to calibrate from: ${from} ${total} (prediction, outcome) pair(s), and a fit needs at least ${MIN_CALIBRATION_PAIRS} ` +
      "(a pair is a task that succeeded or failed; rejected and unfinished tasks say nothing about their prediction). " +
      "Pool more runs: buddy calibrate RUN RUN …",
  );
}
