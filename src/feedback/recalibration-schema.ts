/**
 * The shapes of `buddy calibrate`'s fit and of what it reports about it (SPEC 7), as TypeBox
 * schemas: the types are derived from them, and the `calibration` record (src/records) is built
 * from them, so what `buddy schema calibration` documents is what the code computes.
 */
import { type Static, Type } from "@sinclair/typebox";

const Rate = Type.Number({ minimum: 0, maximum: 1 });

const IsotonicStepSchema = Type.Object(
  {
    from: Rate,
    to: Rate,
    value: Type.Number({ minimum: 0, maximum: 1, description: "the calibrated probability of predictions in [from, to]" }),
    n: Type.Integer({ minimum: 1, description: "pairs pooled into this step" }),
  },
  { additionalProperties: false },
);

export const IsotonicFitSchema = Type.Object(
  {
    steps: Type.Array(IsotonicStepSchema, {
      description:
        "a non-decreasing step function: p maps to the value of the last step with from ≤ p (below the first step: its value)",
    }),
  },
  { additionalProperties: false },
);

const fitScore = (description: string) =>
  Type.Object(
    {
      brier: Type.Number({ minimum: 0, maximum: 1, description: "mean (p − outcome)²" }),
      ece: Type.Number({ minimum: 0, maximum: 1, description: "expected calibration error over 10 equal bins" }),
    },
    { additionalProperties: false, description },
  );

export const CrossValidationSchema = Type.Object(
  {
    folds: Type.Integer({ minimum: 2, description: "k of k-fold cross-validation" }),
    raw: fitScore("the predictions as they were, over every pair"),
    calibrated: fitScore("every pair calibrated by the fit of the other folds' pairs, never by a fit that saw it"),
  },
  { additionalProperties: false },
);

export type IsotonicFit = Static<typeof IsotonicFitSchema>;
export type CrossValidation = Static<typeof CrossValidationSchema>;
export type FitScore = CrossValidation["raw"];
