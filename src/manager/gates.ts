/**
 * Safety gates (SPEC 4.3), evaluated before every attempt. Each gate gives one recorded
 * decision; in live mode a failed gate rejects the task, in dry run (the default) it is recorded
 * as would_reject and the task runs anyway, so a dry run shows what live mode would refuse.
 */
import { PROVIDERS, RISK_FLOORS, type GateDecision, type GateName, type Task } from "../core";

export interface GateOptions {
  /** Lowest predicted probability allowed to run (`--min-confidence`). @default 0.1 (run option) */
  min_confidence: number;
  /** Live mode: a failed gate rejects. Dry run records would_reject. @default false (run option) */
  live: boolean;
  /** 1-based attempt the decisions are recorded for. */
  attempt: number;
}

type Check = { ok: boolean; reason: string };

const known = new Set<string>(PROVIDERS);

/**
 * Providers the code names: `providers.x`, `providers["x"]` / `providers['x']`, and
 * destructuring `{ x, y: alias } = providers`. A static reading of the text: a computed name
 * (`providers[name]`) cannot be seen here, and the sandbox enforces the same rule at run time by
 * exposing only the declared providers; this gate makes the refusal early and explainable.
 */
export function referencedProviders(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/\bproviders\s*(?:\?\.|\.)\s*([A-Za-z_$][\w$]*)/g)) found.add(m[1]!);
  for (const m of code.matchAll(/\bproviders\s*(?:\?\.)?\[\s*(["'`])([^"'`\\]+)\1\s*\]/g)) found.add(m[2]!);
  for (const m of code.matchAll(/\{([^{}]*)\}\s*=\s*(?:await\s+)?providers\b/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.split(":")[0]!.replace(/=.*$/s, "").trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name)) found.add(name);
    }
  }
  return [...found].sort();
}

/** p as given: rounded, 0.84999999 would read "needs p ≥ 0.85, got 0.85". */
const fmt = (p: number) => String(p);

/**
 * `approved: true` is a person's decision that the task may run (SPEC 4.3): it passes the gates
 * that judge p, whatever p is. The capability gate is about what the code reaches, and no
 * approval of the task changes that.
 */
const APPROVED: Check = { ok: true, reason: "approved: true (a person's approval overrides p)" };

function minConfidence(task: Task, min: number): Check {
  const p = task.predicted_success_probability;
  if (p >= min) return { ok: true, reason: `p ${fmt(p)} ≥ min confidence ${fmt(min)}` };
  if (task.approved === true) return APPROVED;
  return { ok: false, reason: `p ${fmt(p)} is below min confidence ${fmt(min)}` };
}

function risk(task: Task): Check {
  const p = task.predicted_success_probability;
  const level = task.risk_assessment;
  if (task.approved === true) return { ok: true, reason: `${level} risk, ${APPROVED.reason}` };
  if (level === "HIGH") return { ok: false, reason: `HIGH risk runs only with a person's approval (approved: true); p ${fmt(p)}` };
  const floor = RISK_FLOORS[level];
  // Only an explicit risk_assessment can be below its floor: a derived one is p's own band.
  if (p < floor) return { ok: false, reason: `${level} risk needs p ≥ ${floor} (its band's floor), got ${fmt(p)}` };
  return { ok: true, reason: `${level} risk with p ${fmt(p)} ≥ ${floor}` };
}

function capability(task: Task): Check {
  if (task.code === undefined) return { ok: true, reason: "no code (simulated)" };
  const declared = new Set<string>(task.uses);
  const used = referencedProviders(task.code);
  const undeclared = used.filter((name) => !declared.has(name));
  if (undeclared.length === 0) {
    return { ok: true, reason: used.length === 0 ? "uses no provider" : `uses only declared providers: ${used.join(", ")}` };
  }
  const describe = (name: string) => (known.has(name) ? `${name} (not in uses)` : `${name} (no such provider)`);
  return { ok: false, reason: `code references undeclared providers: ${undeclared.map(describe).join(", ")}` };
}

/** The four decisions for one attempt, in SPEC order. */
export function evaluateGates(task: Task, options: GateOptions): GateDecision[] {
  const checks: Array<[GateName, Check]> = [
    // Ingest validated the structure; a task that reaches a gate has passed it.
    ["structure", { ok: true, reason: "validated at ingest" }],
    ["min_confidence", minConfidence(task, options.min_confidence)],
    ["risk", risk(task)],
    ["capability", capability(task)],
  ];
  return checks.map(([gate, check]) => ({
    task_id: task.task_id,
    attempt: options.attempt,
    gate,
    decision: check.ok ? "pass" : options.live ? "reject" : "would_reject",
    reason: check.reason,
  }));
}

/** The first decision that stops the task (live mode), or undefined when it may run. */
export function rejected(decisions: readonly GateDecision[]): GateDecision | undefined {
  return decisions.find((d) => d.decision === "reject");
}

