/**
 * The JSON documents a run keeps (its options, its `wave` and `summary` records) are read
 * through their schemas: a store written by another build is checked, not trusted. A document
 * that does not match is a STORE error naming the run and the first mismatch. What older builds
 * wrote differently is brought up to date here, in one place, before the check.
 */
import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { RunOptionsSchema, type RunOptions } from "../config";
import { BuddyError, GATES, type AttemptError, type GateDecision, type Task } from "../core";
import { CONFIDENT_MISS, SignalSchema, type Signal } from "../feedback";
import { AnomalySchema, type Anomaly } from "../monitor";
import { SummaryRecordSchema, WaveRecordSchema, type SummaryRecord, type WaveRecord } from "../records";

const waveChecker = TypeCompiler.Compile(WaveRecordSchema);
const summaryChecker = TypeCompiler.Compile(SummaryRecordSchema);
const signalChecker = TypeCompiler.Compile(SignalSchema);
const anomalyChecker = TypeCompiler.Compile(AnomalySchema);

const invalid = (what: string, detail: string) =>
  new BuddyError("STORE", `${what} in the store does not match this buddy's format (${detail}); it was written by another build`);

/** The document's JSON, or a STORE error naming it: a column another program overwrote is no crash. */
export function parsed(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(what, "not JSON");
  }
}

function checked<T>(check: TypeCheck<TSchema>, doc: unknown, what: string): T {
  if (check.Check(doc)) return doc as T;
  const first = check.Errors(doc).First();
  throw invalid(what, first ? `${first.path || "/"}: ${first.message}` : "not an object");
}

type Counts = { tasks: number; succeeded: number; failed: number; rejected: number; pending?: number };

/** Builds before totals carried `pending`, and before an empty run's success rate was null. */
function upgradeTotals(doc: unknown): void {
  const d = doc as { totals?: Counts; success_rate?: number | null } | null;
  const t = d?.totals;
  if (!t || typeof t !== "object" || t.pending !== undefined) return;
  const finished = t.succeeded + t.failed + t.rejected;
  t.pending = t.tasks - finished;
  if (finished === 0 && d.success_rate === 0) d.success_rate = null;
}

export function readWaveRecord(text: string, run_id: string, wave: number): WaveRecord {
  const what = `run ${run_id}'s wave ${wave} record`;
  const doc = parsed(text, what);
  upgradeTotals(doc);
  return checked(waveChecker, doc, what);
}

export function readSummary(text: string, run_id: string): SummaryRecord {
  const what = `run ${run_id}'s summary`;
  const doc = parsed(text, what);
  upgradeTotals(doc);
  return checked(summaryChecker, doc, what);
}

/** Builds before the prediction signal was bounded listed every task and counted none. */
function upgradePrediction(doc: unknown): void {
  const d = doc as { signal_type?: unknown; content?: { tasks?: { error?: number }[]; tasks_total?: number; confident_misses?: number } } | null;
  const c = d?.content;
  if (d?.signal_type !== "prediction_validation" || !c || !Array.isArray(c.tasks) || c.tasks_total !== undefined) return;
  c.tasks_total = c.tasks.length;
  c.confident_misses ??= c.tasks.filter((t) => typeof t?.error === "number" && t.error > CONFIDENT_MISS).length;
}

export function readSignal(text: string, run_id: string): Signal {
  const what = `a signal of run ${run_id}`;
  const doc = parsed(text, what);
  upgradePrediction(doc);
  return checked(signalChecker, doc, what);
}
export function readAnomaly(text: string, run_id: string): Anomaly {
  const what = `an anomaly of run ${run_id}`;
  return checked(anomalyChecker, parsed(text, what), what);
}

/** The run's options through the same rules as the flags, defaults included. */
export function readRunOptions(text: string, run_id: string): RunOptions {
  const what = `run ${run_id}'s options`;
  const options = RunOptionsSchema.safeParse(parsed(text, what));
  if (options.success) return options.data;
  const issue = options.error.issues[0]!;
  throw invalid(what, `${issue.path.join(".") || "/"}: ${issue.message}`);
}

/**
 * One gate decision as a row keeps it: `[gate, verdict letter, reason]`, a third of the size of
 * the object every attempt of every task would otherwise store. Rows written before this
 * encoding hold `{gate, decision, reason}` objects and read the same.
 */
const VERDICT_LETTERS = { pass: "p", reject: "r", would_reject: "w" } as const satisfies Record<GateDecision["decision"], string>;
const VERDICTS = new Map<unknown, GateDecision["decision"]>(Object.entries(VERDICT_LETTERS).map(([verdict, letter]) => [letter, verdict as GateDecision["decision"]]));
const GATE_NAMES = new Set<unknown>(GATES);

type Decided = Pick<GateDecision, "gate" | "decision" | "reason">;

export const storedDecision = (d: GateDecision): [string, string, string] => [d.gate, VERDICT_LETTERS[d.decision], d.reason];

/** An attempt's stored gate decisions, in either form, each checked. */
export function readGateDecisions(text: string, run_id: string): Decided[] {
  const what = `a gate decision of run ${run_id}`;
  const doc = parsed(text, what);
  const bad = (detail: string) => invalid(what, detail);
  if (!Array.isArray(doc)) throw bad("not a list");
  return doc.map((d: unknown): Decided => {
    const [gate, decision, reason] = Array.isArray(d)
      ? [d[0], VERDICTS.get(d[1]), d.length === 3 ? d[2] : undefined]
      : [(d as Decided | null)?.gate, (d as Decided | null)?.decision, (d as Decided | null)?.reason];
    if (!GATE_NAMES.has(gate)) throw bad(`unknown gate ${JSON.stringify(gate)}`);
    if (decision === undefined || !Object.hasOwn(VERDICT_LETTERS, decision)) throw bad("unknown verdict");
    if (typeof reason !== "string") throw bad("no reason");
    return { gate: gate as Decided["gate"], decision, reason };
  });
}

const STATES = new Set<unknown>(["pending", "running", "succeeded", "failed", "rejected"]);

/**
 * A task row's own fields, checked: its state decides whether it runs again, so an unknown one
 * is refused rather than read as unfinished, and a spec without its identity is no task.
 */
export function readTaskRow(row: { spec: string; state: string; result_json: string | null; error: string | null }, run_id: string): { task: Task; error: AttemptError | null } {
  const what = `a task of run ${run_id}`;
  if (!STATES.has(row.state)) throw invalid(what, `unknown state ${JSON.stringify(row.state)}`);
  const task = parsed(row.spec, what) as Partial<Task> | null;
  const ok = task !== null && typeof task === "object" && typeof task.task_id === "string" && Number.isInteger(task.seq) && Number.isInteger(task.wave) && typeof task.predicted_success_probability === "number";
  if (!ok) throw invalid(what, "its spec has no task_id, seq, wave or predicted_success_probability");
  if (row.result_json !== null) parsed(row.result_json, `the result of task ${task.task_id} of run ${run_id}`);
  return { task: task as Task, error: row.error === null ? null : (parsed(row.error, `the error of task ${task.task_id} of run ${run_id}`) as AttemptError) };
}
