/**
 * The records buddy prints on stdout, one JSON object per line (SPEC 3), and the conversions
 * from the domain shapes to them. Each is a TypeBox schema: the static type is derived from it
 * and `buddy schema NAME` prints it, so what is documented is what is checked. Only src/cli
 * serialises records; everything else hands them over typed.
 */
export { ErrorSchema, errorRecord, Timestamp } from "./common";
export { TotalsSchema, type Totals } from "./totals";
export { TaskRecordSchema, taskRecord } from "./task";
export { TrajectorySchema, WaveRecordSchema, type WaveRecord } from "./wave";
export { SummaryRecordSchema, type RunOutcome, type SummaryRecord } from "./summary";
export { RunRecordSchema, runRecord } from "./run";
export { AttemptRecordSchema, attemptRecord } from "./attempt";
export { ViolationRecordSchema, violationRecord } from "./violation";
export { ResultRecordSchema, type ResultRecord } from "./result";
export { ValidationRecordSchema, type ValidationRecord } from "./validation";
export { CalibrationRecordSchema, type CalibrationRecord } from "./calibration";

import type { AttemptRecord } from "./attempt";
import type { CalibrationRecord } from "./calibration";
import type { ResultRecord } from "./result";
import type { RunRecord } from "./run";
import type { SummaryRecord } from "./summary";
import type { TaskRecord } from "./task";
import type { ValidationRecord } from "./validation";
import type { ViolationRecord } from "./violation";
import type { WaveRecord } from "./wave";

/** What a run (and a resume) hands to the CLI to print, in order. */
export type RunOutput = TaskRecord | WaveRecord | SummaryRecord;

/** Every NDJSON record a command prints (the JSON report is printed whole: src/report/schema.ts). */
export type OutputRecord = RunOutput | RunRecord | AttemptRecord | ViolationRecord | ResultRecord | ValidationRecord | CalibrationRecord;
