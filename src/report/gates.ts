/**
 * Safety-gate decisions (SPEC 4.3) as the reports show them: a small count per gate and
 * decision first, the individual decisions only on demand, because a dry run records one
 * would_reject per task and gate, and hundreds of those rows would bury the failed tasks.
 * Gates are decided again before every attempt, from the task alone: each task is counted once,
 * by its first attempt's decisions.
 */
import { GATES, type GateName } from "../core";
import type { ReportTask, RunReport } from "./types";

type Decision = ReportTask["gate_decisions"][number];

export interface GateCount {
  gate: GateName;
  /** Tasks whose first attempt the gate passed, would have rejected in live mode, or rejected. */
  pass: number;
  would_reject: number;
  reject: number;
}

const firstDecisions = (r: RunReport): Decision[] => r.tasks.flatMap((t) => t.gate_decisions.filter((d) => d.attempt === 1));

/** Tasks per gate and decision, for each gate that decided on any task, in SPEC order. */
export function gateCounts(r: RunReport): GateCount[] {
  const counts = new Map<string, GateCount>(GATES.map((gate) => [gate, { gate, pass: 0, would_reject: 0, reject: 0 }]));
  for (const d of firstDecisions(r)) counts.get(d.gate)![d.decision]++;
  return [...counts.values()].filter((c) => c.pass + c.would_reject + c.reject > 0);
}

/** How many tasks a gate would have rejected in live mode. */
export const wouldRejectTasks = (r: RunReport): number =>
  new Set(firstDecisions(r).filter((d) => d.decision === "would_reject").map((d) => d.task_id)).size;

export const GATE_COUNT_HEAD = ["Gate", "Passed", "Would reject", "Rejected"] as const;

export const gateCountRows = (r: RunReport): string[][] =>
  gateCounts(r).map((c) => [c.gate, String(c.pass), String(c.would_reject), String(c.reject)]);

export const GATE_DECISION_HEAD = ["Task", "Gate", "Decision", "Reason"] as const;

/** The decisions that did not pass, task by task. */
export const gateDecisionRows = (r: RunReport): string[][] =>
  firstDecisions(r).filter((d) => d.decision !== "pass").map((d) => [d.task_id, d.gate, d.decision, d.reason]);
