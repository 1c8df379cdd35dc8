/** The task counts of a wave or a run, as `wave` and `summary` records and the reports carry them. */
import { Type, type Static } from "@sinclair/typebox";
import { Count } from "./common";

export const TotalsSchema = Type.Object(
  {
    tasks: Count,
    succeeded: Count,
    failed: Count,
    rejected: Count,
    pending: Type.Integer({ minimum: 0, description: "not final yet (an interrupted run)" }),
    attempts: Count,
    retries: Count,
  },
  { additionalProperties: false },
);
export type Totals = Static<typeof TotalsSchema>;
