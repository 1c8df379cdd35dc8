/**
 * The records buddy prints on stdout, one JSON object per line (SPEC 3), and the conversions
 * from the domain shapes to them. Each is a TypeBox schema: the static type is derived from it
 * and `buddy schema NAME` prints it, so what is documented is what is checked. Only src/cli
 * serialises records; everything else hands them over typed.
 */
export { Count, ErrorSchema, errorRecord, orNull, Probability, Timestamp } from "./common";
export { TotalsSchema, type Totals } from "./totals";
export { TaskRecordSchema, taskRecord, type TaskRecord } from "./task-record";
export { TrajectorySchema, WaveRecordSchema, type WaveRecord } from "./wave-record";
export { FAILED_TASKS_LISTED, SummaryRecordSchema, type FailedTask, type RunOutcome, type SummaryRecord } from "./summary-record";
export { RunRecordSchema, type RunRecord } from "./run-record";
export { AttemptRecordSchema, type AttemptRecord } from "./attempt-record";
export { ViolationRecordSchema, violationRecord, type ViolationRecord } from "./violation-record";
export { ResultRecordSchema, type ResultRecord } from "./result-record";
export { ValidationRecordSchema, type ValidationRecord } from "./validation-record";
export { CalibrationRecordSchema, type CalibrationRecord } from "./calibration-record";
export { WorkerRecordSchema, type WorkerRecord } from "./worker-record";

import type { AttemptRecord } from "./attempt-record";
import type { CalibrationRecord } from "./calibration-record";
import type { ResultRecord } from "./result-record";
import type { RunRecord } from "./run-record";
import type { SummaryRecord } from "./summary-record";
import type { TaskRecord } from "./task-record";
import type { ValidationRecord } from "./validation-record";
import type { ViolationRecord } from "./violation-record";
import type { WaveRecord } from "./wave-record";
import type { WorkerRecord } from "./worker-record";

/** What a run (and a resume) hands to the CLI to print, in order. */
export type RunOutput = TaskRecord | WaveRecord | SummaryRecord;

/** Every NDJSON record a command prints (the JSON report is printed whole: src/report/schema.ts). */
export type OutputRecord = RunOutput | RunRecord | AttemptRecord | ViolationRecord | ResultRecord | ValidationRecord | CalibrationRecord | WorkerRecord;
