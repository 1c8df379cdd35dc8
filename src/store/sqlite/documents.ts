/**
 * The JSON documents a run keeps (its options, its `wave` and `summary` records) are read
 * through their schemas: a store written by another build is checked, not trusted. A document
 * that does not match is a STORE error naming the run and the first mismatch. What older builds
 * wrote differently is brought up to date here, in one place, before the check.
 */
import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { RunOptionsSchema, type RunOptions } from "../../config";
import { BuddyError } from "../../core";
import { CONFIDENT_MISS, SignalSchema, type Signal } from "../../feedback";
import { AnomalySchema, type Anomaly } from "../../monitor";
import { SummaryRecordSchema, WaveRecordSchema, type SummaryRecord, type WaveRecord } from "../../records";

const waveChecker = TypeCompiler.Compile(WaveRecordSchema);
const summaryChecker = TypeCompiler.Compile(SummaryRecordSchema);
const signalChecker = TypeCompiler.Compile(SignalSchema);
const anomalyChecker = TypeCompiler.Compile(AnomalySchema);

const invalid = (what: string, detail: string) =>
  new BuddyError("STORE", `${what} in the store does not match this buddy's format (${detail}); it was written by another build`);

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
  const doc: unknown = JSON.parse(text);
  upgradeTotals(doc);
  return checked(waveChecker, doc, `run ${run_id}'s wave ${wave} record`);
}

export function readSummary(text: string, run_id: string): SummaryRecord {
  const doc: unknown = JSON.parse(text);
  upgradeTotals(doc);
  return checked(summaryChecker, doc, `run ${run_id}'s summary`);
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
  const doc: unknown = JSON.parse(text);
  upgradePrediction(doc);
  return checked(signalChecker, doc, `a signal of run ${run_id}`);
}
export const readAnomaly = (text: string, run_id: string): Anomaly => checked(anomalyChecker, JSON.parse(text), `an anomaly of run ${run_id}`);

/** The run's options through the same rules as the flags, defaults included. */
export function readRunOptions(text: string, run_id: string): RunOptions {
  const parsed = RunOptionsSchema.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalid(`run ${run_id}'s options`, `${issue.path.join(".") || "/"}: ${issue.message}`);
}
