/**
 * Turning what an attempt produced (a sandbox outcome, or a simulated draw) into the harness's
 * terms: the attempt's error with its retry classification, and its violation log rows.
 */
import {
  createRng,
  deriveSeed,
  isRetryable,
  type AttemptError,
  type Clock,
  type Task,
} from "../core";
import type { SandboxOutcome, SandboxViolation } from "../sandbox/types";
import type { ViolationRow } from "../store/types";

export function toAttemptError(outcome: SandboxOutcome): AttemptError {
  const e = outcome.error ?? { code: "AGENT_CRASH" as const, message: "attempt ended without a result or an error" };
  const error: AttemptError = {
    code: e.code,
    message: e.message,
    retryable: isRetryable(e.code, { thrownRetryable: e.thrownRetryable, status: e.status }),
  };
  if (e.violation_type !== undefined) error.violation_type = e.violation_type;
  if (e.status !== undefined) error.status = e.status;
  if (e.retry_after_ms !== undefined) error.retry_after_ms = e.retry_after_ms;
  if (e.location !== undefined) error.location = e.location;
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}

/** Characters of the task's code kept with each violation (SPEC 5). */
const CODE_PREVIEW_CHARS = 200;

export function violationRow(run_id: string, task: Task, attempt: number, at: number, v: SandboxViolation): ViolationRow {
  return {
    run_id,
    task_id: task.task_id,
    attempt,
    execution_id: `${run_id}/${task.task_id}/${attempt}`,
    violation_type: v.violation_type,
    details: v.details,
    code_preview: (task.code ?? "").slice(0, CODE_PREVIEW_CHARS),
    timestamp: at,
  };
}

const YIELD_EVERY = 256;
let sinceYield = 0;

/**
 * SPEC 4.5: a task without code succeeds with its predicted probability, drawn from the seed,
 * after `predicted_execution_time × timeScale` seconds. One draw per task: the prediction is of
 * the task's success, so a simulated failure is final (not retried).
 */
export async function simulatedOutcome(task: Task, seed: number, timeScale: number, clock: Clock, signal?: AbortSignal): Promise<SandboxOutcome> {
  const durationMs = task.predicted_execution_time * timeScale * 1000;
  if (durationMs > 0) await clock.sleep(durationMs, signal);
  else if (++sinceYield >= YIELD_EVERY) {
    // Instant simulated tasks settle in microtasks alone; without a turn of the event loop now
    // and then, timers (commit batching), I/O and SIGINT would wait for the whole wave.
    sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const ok = createRng(deriveSeed(seed, "simulate", task.task_id)).next() < task.predicted_success_probability;
  return {
    ok,
    resultJson: ok ? JSON.stringify({ simulated: true }) : undefined,
    error: ok ? undefined : { code: "TASK_ERROR", message: "simulated failure", thrownRetryable: false },
    console: [],
    consoleTruncated: false,
    violations: [],
    durationMs,
  };
}
