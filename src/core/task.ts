/**
 * The domain shapes shared by every component: a task as buddy runs it (after ingest) and the
 * outcome of one attempt. Wire formats (input lines, output records) are TypeBox schemas in
 * `src/input` and `src/harness/records`; these are the in-memory forms.
 */
import type { AttemptErrorCode } from "./errors";

export type Risk = "LOW" | "MEDIUM" | "HIGH";

/**
 * SPEC 2.1 and 4.3: the lowest p of each risk band. A task without `risk_assessment` gets the
 * band its p falls in, and the risk gate passes LOW and MEDIUM from the same floors, so a risk
 * derived from p can never fail the gate for that same p. HIGH has no floor: it runs on approval.
 */
export const RISK_FLOORS = { LOW: 0.85, MEDIUM: 0.7 } as const satisfies Partial<Record<Risk, number>>;

/** The band p falls in: p ≥ 0.85 LOW, ≥ 0.70 MEDIUM, else HIGH. */
export function deriveRisk(p: number): Risk {
  if (p >= RISK_FLOORS.LOW) return "LOW";
  if (p >= RISK_FLOORS.MEDIUM) return "MEDIUM";
  return "HIGH";
}
export const PROVIDERS = ["mployer", "ghl", "msgraph"] as const;
export type Provider = (typeof PROVIDERS)[number];
export const RETRY_STRATEGIES = ["exponential", "linear", "none"] as const;
export type RetryStrategyName = (typeof RETRY_STRATEGIES)[number];
/** Assignment strategy names (SPEC 4.2); the implementations live in src/manager. */
export const STRATEGY_NAMES = ["round_robin", "load_balanced", "priority_based", "confidence_based"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface RetryPolicy {
  strategy: RetryStrategyName;
  base_delay_ms: number;
  max_delay_ms: number;
  /** Fraction of the delay by which it is spread either way (0.2 = ±20 %). */
  jitter: number;
}

/** A task after validation and ingest: defaults applied, `script` read into `code`. */
export interface Task {
  task_id: string;
  /** 0-based position in the input: the tie-breaker after priority (SPEC 4.2). */
  seq: number;
  wave: number;
  priority: number;
  predicted_success_probability: number;
  predicted_execution_time: number;
  risk_assessment: Risk;
  agent_id?: string;
  agent_predictions?: Record<string, number>;
  /** JavaScript source: `code` from the input or the contents of `script`. */
  code?: string;
  /** The `script` path as given in the input, kept for reports. */
  script?: string;
  /**
   * The absolute path `script` was read from at ingest: `buddy export` names it relative to
   * wherever its output goes. Absent in runs stored by builds before it.
   */
  script_file?: string;
  /** The task's `input` field; `undefined` when absent. */
  input?: unknown;
  uses: Provider[];
  timeout_ms?: number;
  memory_mb?: number;
  max_retries?: number;
  retry?: Partial<RetryPolicy>;
  approved?: boolean;
  /** Fields the schema does not know, kept verbatim and echoed in results. */
  meta: Record<string, unknown>;
}

/** How an attempt failed, as seen by the harness. */
export interface AttemptError {
  code: AttemptErrorCode;
  message: string;
  retryable: boolean;
  violation_type?: string;
  /** PROVIDER_ERROR: the upstream status. */
  status?: number;
  /** Where in the task's own code it failed (SPEC 3). */
  location?: { file: string; line: number; column: number };
  /** The task's own frames, innermost first (SPEC 3). */
  stack?: string;
  /** PROVIDER_ERROR: the provider asked to wait this long before trying again. */
  retry_after_ms?: number;
  /**
   * Set when another attempt follows: the wait the retry policy chose before it. A dry run
   * sleeps a wait its mocks caused × `--time-scale` instead (see `sleptWait`), so this is
   * where the wait it would have made is kept.
   */
  retry_delay_ms?: number;
}

export type TaskStatus = "succeeded" | "failed" | "rejected";
