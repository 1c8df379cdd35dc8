/** The `violation` record of `buddy violations` (SPEC 5): a stored violation with ISO time. */
import type { ViolationType } from "../sandbox";
import type { ViolationRow } from "../store";
import type { ViolationRecord } from "./records";

export function violationRecord(row: ViolationRow): ViolationRecord {
  return {
    type: "violation",
    timestamp: new Date(row.timestamp).toISOString(),
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
