/** `buddy schema NAME`: the JSON Schema of a record type. */
import { BuddyError, EXIT } from "../../core";
import {
  ResultRecordSchema,
  SummaryRecordSchema,
  TaskRecordSchema,
  ViolationRecordSchema,
  WaveRecordSchema,
} from "../../harness";
import { SignalSchema } from "../../feedback";
import { TaskInputSchema } from "../../input";
import { AnomalySchema } from "../../monitor";
import { printLine } from "../io";

export const SCHEMAS = {
  task: TaskInputSchema,
  "task-record": TaskRecordSchema,
  result: ResultRecordSchema,
  wave: WaveRecordSchema,
  summary: SummaryRecordSchema,
  violation: ViolationRecordSchema,
  signal: SignalSchema,
  anomaly: AnomalySchema,
} as const;

export function schemaCommand(args: { name: string }): number {
  const schema = SCHEMAS[args.name as keyof typeof SCHEMAS];
  if (!schema) throw new BuddyError("USAGE", `unknown schema ${args.name}; one of: ${Object.keys(SCHEMAS).join(", ")}`);
  // One line, like every other stdout record; `| jq .` pretty-prints it.
  printLine(JSON.stringify(schema));
  return EXIT.OK;
}
