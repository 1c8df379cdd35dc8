/** The `violation` record of `buddy violations` (SPEC 5): one entry of the sandbox violation log. */
import { Type, type Static } from "@sinclair/typebox";
import { VIOLATION_TYPES, type ViolationType } from "../sandbox";
import { iso, type ViolationFields } from "../core";
import { Timestamp } from "./common";

export const ViolationRecordSchema = Type.Object(
  {
    type: Type.Literal("violation"),
    timestamp: Timestamp,
    run_id: Type.String(),
    task_id: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    execution_id: Type.String({ description: "run_id/task_id/attempt" }),
    violation_type: Type.Union(VIOLATION_TYPES.map((t) => Type.Literal(t))),
    details: Type.String(),
    code_preview: Type.String({ maxLength: 200, description: "the first 200 characters of the task's code" }),
  },
  { $id: "buddy/violation", title: "sandbox violation record", additionalProperties: false },
);
export type ViolationRecord = Static<typeof ViolationRecordSchema>;

/** A stored violation (its time in epoch ms) as `buddy violations` prints it. */
export function violationRecord(row: ViolationFields & { timestamp: number }): ViolationRecord {
  return {
    type: "violation",
    timestamp: iso(row.timestamp),
    run_id: row.run_id,
    task_id: row.task_id,
    attempt: row.attempt,
    execution_id: row.execution_id,
    // The store keeps what the sandbox's policy table produced: one of VIOLATION_TYPES.
    violation_type: row.violation_type as ViolationType,
    details: row.details,
    code_preview: row.code_preview,
  };
}
