/** The `run` record of `buddy runs` and `buddy show`: what the store knows of one run. */
import { Type, type Static } from "@sinclair/typebox";
import { Count, orNull, Probability, Timestamp } from "./common";

const RUN_STATUSES = ["ingesting", "running", "completed", "failed", "interrupted", "halted"] as const;

export const RunRecordSchema = Type.Object(
  {
    type: Type.Literal("run"),
    run_id: Type.String(),
    status: Type.Union(RUN_STATUSES.map((s) => Type.Literal(s))),
    input: Type.String({ description: "the input as given: a path, a directory or -" }),
    tasks: Count,
    waves: Count,
    seed: Type.Integer({ minimum: 0 }),
    created_at: Timestamp,
    started_at: orNull(Timestamp),
    ended_at: orNull(Timestamp),
    success_rate: orNull(Probability, "the summary's, once the run has one"),
  },
  { $id: "buddy/run", title: "run record", additionalProperties: false },
);
export type RunRecord = Static<typeof RunRecordSchema>;
