/**
 * `buddy schema [NAME]`: the JSON Schema of every record any command prints, by the record's
 * `type` (SPEC 3); `input` is the schema of an input task line. Without a name: the names.
 */
import type { TSchema } from "@sinclair/typebox";
import { BuddyError, EXIT } from "../../core";
import { SignalSchema } from "../../feedback";
import { TaskInputSchema } from "../../input";
import { AnomalySchema } from "../../monitor";
import {
  AttemptRecordSchema,
  CalibrationRecordSchema,
  ResultRecordSchema,
  RunRecordSchema,
  SummaryRecordSchema,
  TaskRecordSchema,
  ValidationRecordSchema,
  ViolationRecordSchema,
  WaveRecordSchema,
  WorkerRecordSchema,
} from "../../records";
import { ReportRecordSchema } from "../../report";
import { printLine } from "../io";

/** Record type → its schema; signals and anomalies are the documents inside `wave` records and `--out` files. */
export const SCHEMAS: Readonly<Record<string, TSchema>> = {
  input: TaskInputSchema,
  run: RunRecordSchema,
  task: TaskRecordSchema,
  attempt: AttemptRecordSchema,
  wave: WaveRecordSchema,
  summary: SummaryRecordSchema,
  validation: ValidationRecordSchema,
  calibration: CalibrationRecordSchema,
  result: ResultRecordSchema,
  violation: ViolationRecordSchema,
  signal: SignalSchema,
  anomaly: AnomalySchema,
  report: ReportRecordSchema,
  worker_attempt: WorkerRecordSchema,
};

export function schemaCommand(args: { name?: string }): number {
  if (args.name === undefined) {
    for (const name of Object.keys(SCHEMAS)) printLine(name);
    return EXIT.OK;
  }
  const schema = SCHEMAS[args.name];
  if (!schema) throw new BuddyError("USAGE", `unknown schema ${args.name}; one of: ${Object.keys(SCHEMAS).join(", ")}`);
  // One line, like every other stdout record; `| jq .` pretty-prints it.
  printLine(JSON.stringify(schema));
  return EXIT.OK;
}
