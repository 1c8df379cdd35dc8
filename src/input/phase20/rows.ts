/**
 * The two record shapes of a Phase 20 output tree (SPEC 2.2; reference/original.md 1.2–1.3),
 * checked with the same problem messages as task lines. Fields Phase 20 writes but buddy does
 * not need (reasoning, timestamp, status) are accepted and ignored; unknown fields are allowed,
 * since the original grew fields between versions.
 */
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { type FieldProblem, schemaProblems, show } from "../problems";
import { probabilityProblems } from "../rules";
import { MAX_EXECUTION_TIME_S, MAX_PRIORITY, MAX_WAVE, RiskSchema } from "../schema";

const Probability = Type.Number({ minimum: 0, maximum: 1 });
/** Start and end times too: a duration is end − start, and durations are summed like execution times. */
const Seconds = Type.Number({ minimum: 0, maximum: MAX_EXECUTION_TIME_S });

/** `predicted_tasks.jsonl`: one task as predicted for one agent (`TaskPrediction`). */
const PredictionRowSchema = Type.Object(
  {
    task_id: Type.String({ minLength: 1 }),
    // The original's Phase 21 test fixture writes null here; the directory names the agent.
    agent_id: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    predicted_success_probability: Type.Optional(Probability),
    predicted_success_rate: Type.Optional(Probability),
    confidence_delta_estimate: Type.Optional(Type.Number()),
    predicted_execution_time: Type.Optional(Seconds),
    risk_assessment: Type.Optional(RiskSchema),
    reasoning: Type.Optional(Type.String()),
    timestamp: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** `predicted_schedule.jsonl`: one task as scheduled on one agent (`PredictedTaskAssignment`). */
const ScheduleRowSchema = Type.Object(
  {
    task_id: Type.String({ minLength: 1 }),
    agent_id: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    wave: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WAVE })),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PRIORITY })),
    predicted_start_time: Type.Optional(Seconds),
    predicted_end_time: Type.Optional(Seconds),
    predicted_success_probability: Type.Optional(Probability),
    predicted_confidence_delta: Type.Optional(Type.Number()),
    status: Type.Optional(Type.String()),
    timestamp: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const PredictionChecker = TypeCompiler.Compile(PredictionRowSchema);
const ScheduleChecker = TypeCompiler.Compile(ScheduleRowSchema);

export interface PredictionRow {
  task_id: string;
  agent_id: string;
  p: number;
  predicted_execution_time?: number;
  risk_assessment?: "LOW" | "MEDIUM" | "HIGH";
  confidence_delta_estimate?: number;
}

export interface ScheduleRow {
  task_id: string;
  agent_id: string;
  priority?: number;
  /** predicted_end_time − predicted_start_time, when both are given. */
  duration?: number;
  predicted_confidence_delta?: number;
  /** Where the row is, for problems found when joining. */
  line: number;
}

/** Where a row was found: its wave and agent come from the directories. */
export interface RowPlace {
  wave: number;
  agent_id: string;
}

function agentProblems(row: Record<string, unknown>, place: RowPlace): FieldProblem[] {
  const id = row.agent_id;
  return typeof id === "string" && id !== place.agent_id
    ? [{ field: "agent_id", message: `is ${show(id)} but the file is under ${place.agent_id}/` }]
    : [];
}

export function checkPrediction(row: Record<string, unknown>, place: RowPlace): PredictionRow | FieldProblem[] {
  const found = [...schemaProblems(row, PredictionChecker), ...probabilityProblems(row), ...agentProblems(row, place)];
  if (found.length > 0) return found;
  const out: PredictionRow = {
    task_id: row.task_id as string,
    agent_id: place.agent_id,
    p: (row.predicted_success_probability ?? row.predicted_success_rate) as number,
  };
  if (row.predicted_execution_time !== undefined) out.predicted_execution_time = row.predicted_execution_time as number;
  if (row.risk_assessment !== undefined) out.risk_assessment = row.risk_assessment as PredictionRow["risk_assessment"];
  if (row.confidence_delta_estimate !== undefined) out.confidence_delta_estimate = row.confidence_delta_estimate as number;
  return out;
}

export function checkSchedule(row: Record<string, unknown>, place: RowPlace, line: number): ScheduleRow | FieldProblem[] {
  const found = [...schemaProblems(row, ScheduleChecker), ...agentProblems(row, place)];
  if (typeof row.wave === "number" && row.wave !== place.wave) {
    found.push({ field: "wave", message: `is ${row.wave} but the file is under wave_${place.wave}/` });
  }
  const start = row.predicted_start_time;
  const end = row.predicted_end_time;
  if (typeof start === "number" && typeof end === "number" && end < start) {
    found.push({ field: "predicted_end_time", message: `is ${end}, before predicted_start_time ${start}` });
  }
  if (found.length > 0) return found;
  const out: ScheduleRow = { task_id: row.task_id as string, agent_id: place.agent_id, line };
  if (row.priority !== undefined) out.priority = row.priority as number;
  if (typeof start === "number" && typeof end === "number") out.duration = end - start;
  if (row.predicted_confidence_delta !== undefined) out.predicted_confidence_delta = row.predicted_confidence_delta as number;
  return out;
}
