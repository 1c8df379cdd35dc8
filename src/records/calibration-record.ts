/**
 * The `calibration` record of `buddy calibrate` (SPEC 7): the isotonic fit of the predictions of
 * one or more runs, and how it does out of sample. No figure here is of the fit scored on the
 * pairs it was fitted to: that is calibrated by construction and would say nothing.
 */
import { Type, type Static } from "@sinclair/typebox";
import { CrossValidationSchema, IsotonicFitSchema, MIN_CALIBRATION_PAIRS } from "../feedback";

const RunPairsSchema = Type.Object(
  {
    run_id: Type.String(),
    pairs: Type.Integer({ minimum: 0, description: "its tasks that ran (succeeded or failed); rejected and unfinished tasks say nothing about their prediction" }),
  },
  { additionalProperties: false },
);

export const CalibrationRecordSchema = Type.Object(
  {
    type: Type.Literal("calibration"),
    runs: Type.Array(RunPairsSchema, { minItems: 1, description: "the runs whose (prediction, outcome) pairs were pooled, in the order given" }),
    pairs: Type.Integer({ minimum: MIN_CALIBRATION_PAIRS, description: `pairs pooled; under ${MIN_CALIBRATION_PAIRS} no fit is made (exit 2)` }),
    pooled_rate: Type.Number({ minimum: 0, maximum: 1, description: "the success rate of all pairs, which blocks with few pairs are shrunk toward" }),
    shrinkage: Type.Number({ minimum: 0, description: "k: a block of n pairs with s successes maps to (s + k × pooled_rate) / (n + k)" }),
    fit: IsotonicFitSchema,
    cross_validated: CrossValidationSchema,
  },
  { $id: "buddy/calibration", title: "calibration record", additionalProperties: false },
);
export type CalibrationRecord = Static<typeof CalibrationRecordSchema>;
