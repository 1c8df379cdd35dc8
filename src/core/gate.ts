/**
 * One safety-gate decision before an attempt (SPEC 4.3): the manager makes it, the store keeps
 * it, the reports show it. The gates themselves live in src/manager/gates.ts.
 */
export const GATES = ["structure", "min_confidence", "risk", "capability"] as const;
export type GateName = (typeof GATES)[number];
type GateVerdict = "pass" | "reject" | "would_reject";

export interface GateDecision {
  task_id: string;
  attempt: number;
  gate: GateName;
  decision: GateVerdict;
  reason: string;
}
