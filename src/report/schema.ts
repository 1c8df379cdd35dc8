/**
 * The JSON report's schema (`buddy report --format json`, `buddy schema report`): the RunReport
 * as printed, with the figures the Markdown derives from it. Times inside the report are epoch
 * milliseconds, as the RunReport holds them; `generated_at` is ISO 8601.
 */
import { Type } from "@sinclair/typebox";
import { CoordinationPlanSchema, GATES, RETRY_STRATEGIES, STRATEGY_NAMES } from "../core";
import { AgentPerformanceSchema, CalibrationSchema, SignalSchema } from "../feedback";
import { AnomalySchema, HEALTH_STATUSES, WaveHealthSchema } from "../monitor";
import { Count, ErrorSchema, orNull, Probability, Timestamp, TotalsSchema, TrajectorySchema } from "../records";

const Ms = Type.Number({ description: "epoch milliseconds" });
const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));
const Stored = Type.Union([Type.Literal("pending"), Type.Literal("running"), Type.Literal("succeeded"), Type.Literal("failed"), Type.Literal("rejected")]);

export const ReportAttemptSchema = Type.Object(
  {
    attempt: Type.Integer({ minimum: 1 }),
    agent_id: Type.String(),
    started_at: Ms,
    ended_at: orNull(Ms),
    duration_ms: orNull(Count),
    status: Type.Union([Type.Literal("running"), Type.Literal("succeeded"), Type.Literal("failed")]),
    error: orNull(ErrorSchema),
    /** Captured console lines; the JUnit file shows the last attempt's as system-out. */
    console: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const GateDecisionSchema = Type.Object(
  {
    task_id: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    gate: literals(GATES),
    decision: Type.Union([Type.Literal("pass"), Type.Literal("reject"), Type.Literal("would_reject")]),
    reason: Type.String(),
  },
  { additionalProperties: false },
);

export const ReportTaskSchema = Type.Object(
  {
    task_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    agent_id: orNull(Type.String()),
    status: Stored,
    predicted_success_probability: Probability,
    priority: Type.Integer({ minimum: 1 }),
    risk_assessment: Type.Union([Type.Literal("LOW"), Type.Literal("MEDIUM"), Type.Literal("HIGH")]),
    predicted_execution_time: Type.Number({ minimum: 0 }),
    simulated: Type.Boolean(),
    attempts: Type.Array(ReportAttemptSchema),
    result: Type.Optional(Type.Unknown({ description: "the code's return value (succeeded only)" })),
    error: orNull(ErrorSchema),
    started_at: orNull(Ms),
    ended_at: orNull(Ms),
    duration_ms: orNull(Count),
    gate_decisions: Type.Array(GateDecisionSchema),
    meta: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

export const ViolationEntrySchema = Type.Object(
  {
    timestamp: Timestamp,
    run_id: Type.String(),
    task_id: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    execution_id: Type.String(),
    violation_type: Type.String(),
    details: Type.String(),
    code_preview: Type.String(),
  },
  { additionalProperties: false },
);

export const ReportSummarySchema = Type.Object(
  {
    headline: Type.String({ description: "the tasks in one sentence, as the Markdown and HTML reports lead with it: rates over finished tasks, the not-run ones counted apart" }),
    totals: TotalsSchema,
    finished: Type.Integer({ minimum: 0, description: "succeeded + failed + rejected: what success_rate is over (totals.pending did not run)" }),
    success_rate: orNull(Probability),
    health_score: orNull(Type.Number({ minimum: 0, maximum: 100 })),
    health_status: Type.Union([...HEALTH_STATUSES.map((h) => Type.Literal(h)), Type.Null()]),
    confidence_trajectory: TrajectorySchema,
    calibration: CalibrationSchema,
    anomalies: Type.Object({
      total: Count,
      by_type: Type.Record(Type.String(), Count),
      by_severity: Type.Record(Type.String(), Count),
    }),
    waves: Type.Object(
      { total: Count, concluded: Count, cut_off: Type.Integer({ minimum: 0, description: "waves the run stopped in (see cut_off_waves)" }), not_run: Count },
      { additionalProperties: false },
    ),
    signals: Count,
    steals: Count,
    violations: Count,
    gates: Type.Object({ evaluated: Count, would_reject: Count, rejected: Count }),
    duration_ms: orNull(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** A finished task as the JSON report lists it under its wave's observation. */
const ObservedTaskSchema = Type.Object(
  {
    task_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    agent_id: Type.String(),
    status: Type.Union([Type.Literal("succeeded"), Type.Literal("failed"), Type.Literal("rejected")]),
    attempts: Count,
    predicted_success_probability: Probability,
    risk_assessment: Type.String(),
    priority: Type.Integer({ minimum: 1 }),
    agent_predictions: Type.Optional(Type.Record(Type.String(), Probability)),
    attempt_durations_ms: Type.Array(Count),
    duration_ms: Count,
    started_at: Ms,
    ended_at: Ms,
    error: orNull(ErrorSchema),
    simulated: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** What ran of a wave: the part of an observation a cut-off wave has too. */
const observed = {
  run_id: Type.String(),
  wave: Type.Integer({ minimum: 1 }),
  strategy: literals(STRATEGY_NAMES),
  agents: Type.Array(Type.Object({ agent_id: Type.String(), busy_ms: Count, failed: Type.Boolean() })),
  tasks: Type.Array(ObservedTaskSchema),
  started_at: Ms,
  ended_at: Ms,
};

const ReportWaveSchema = Type.Object(
  {
    wave: Type.Integer({ minimum: 1 }),
    observation: Type.Object({ ...observed, steals: Count, plan: CoordinationPlanSchema }),
    plan: CoordinationPlanSchema,
    assignments: Type.Array(
      Type.Object({
        task_id: Type.String(),
        agent_id: Type.String(),
        wave: Type.Integer({ minimum: 1 }),
        strategy: Type.String(),
        predicted_success_probability: Probability,
        priority: Type.Integer({ minimum: 1 }),
        assigned_at: Ms,
        reason: Type.String(),
      }),
    ),
    health: WaveHealthSchema,
    anomalies: Type.Array(AnomalySchema),
    signals: Type.Array(SignalSchema),
    calibration: CalibrationSchema,
    confidence_trajectory: TrajectorySchema,
    failed_next_wave: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const CutOffWaveSchema = Type.Object(
  {
    wave: Type.Integer({ minimum: 1 }),
    totals: TotalsSchema,
    success_rate: orNull(Probability),
    calibration: CalibrationSchema,
    observation: Type.Object(observed, { description: "its finished tasks; busy time over every attempt that ended, unfinished tasks' too" }),
  },
  {
    additionalProperties: false,
    description: "a wave the run stopped in: no health, plan, anomalies or signals; rates over its finished tasks, totals.pending not run",
  },
);

const GateCountSchema = Type.Object(
  { gate: literals(GATES), pass: Count, would_reject: Count, reject: Count },
  { additionalProperties: false, description: "tasks per decision of one gate, each task counted once by its first attempt" },
);

const RunOptionsShape = Type.Object(
  {
    agents: Type.Integer({ minimum: 1 }),
    strategy: literals(STRATEGY_NAMES),
    retry: literals(RETRY_STRATEGIES),
    live: Type.Boolean(),
  },
  { description: "the resolved run options (every run flag; the main ones listed here)" },
);

export const ReportRecordSchema = Type.Object(
  {
    type: Type.Literal("report"),
    generated_at: Timestamp,
    run: Type.Object(
      {
        run_id: Type.String(),
        status: Type.String(),
        input: Type.String(),
        seed: Type.Integer({ minimum: 0 }),
        options: RunOptionsShape,
        created_at: Ms,
        started_at: orNull(Ms),
        ended_at: orNull(Ms),
      },
      { additionalProperties: false },
    ),
    summary: ReportSummarySchema,
    waves: Type.Array(ReportWaveSchema, { description: "concluded waves" }),
    cut_off_waves: Type.Array(CutOffWaveSchema),
    tasks: Type.Array(ReportTaskSchema),
    violations: Type.Array(ViolationEntrySchema),
    agents: Type.Array(Type.Intersect([AgentPerformanceSchema, Type.Object({ waves_sat_out: Count })])),
    gate_counts: Type.Array(GateCountSchema),
    recommendations: Type.Array(Type.String()),
  },
  { $id: "buddy/report", title: "JSON report", additionalProperties: false },
);

