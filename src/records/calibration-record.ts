/** The `calibration` record of `buddy calibrate`: the isotonic fit of a run's predictions (SPEC 7). */
import { Type, type Static } from "@sinclair/typebox";
import { CalibrationSchema } from "../feedback";
import { Probability } from "./common";

const IsotonicStepSchema = Type.Object(
  { from: Probability, to: Probability, value: Probability, n: Type.Integer({ minimum: 1, description: "pairs pooled into this step" }) },
  { additionalProperties: false },
);

export const CalibrationRecordSchema = Type.Object(
  {
    type: Type.Literal("calibration"),
    run_id: Type.String(),
    fit: Type.Object({ steps: Type.Array(IsotonicStepSchema) }, { additionalProperties: false }),
    before: CalibrationSchema,
    after: CalibrationSchema,
  },
  { $id: "buddy/calibration", title: "calibration record", additionalProperties: false },
);
export type CalibrationRecord = Static<typeof CalibrationRecordSchema>;
