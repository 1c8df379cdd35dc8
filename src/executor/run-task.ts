/**
 * One task from its first attempt to its final state (SPEC 4.4): attempt, classify, wait the
 * backoff, attempt again while the error is retryable and attempts remain. Every attempt is
 * recorded when it starts and when it ends; the final state goes out through `finish`.
 */
import { basename } from "node:path";
import { capConsole, createRng, deriveSeed, type AttemptError, type Clock, type FinishedTask, type RetryPolicy, type Task, type TaskStatus } from "../core";
import type { SandboxOutcome, SandboxRequest } from "../sandbox/types";
import type { StoreWrite } from "../store/types";
import { simulatedOutcome, toAttemptError, violationRow } from "./outcome";
import { effectivePolicy, retryDelay } from "./retry";

interface TaskDefaults {
  timeout_ms: number;
  memory_mb: number;
  max_retries: number;
  retry: RetryPolicy;
}

export interface TaskContext {
  run_id: string;
  seed: number;
  defaults: TaskDefaults;
  simulate: boolean;
  /**
   * Simulated tasks take predicted_execution_time × this many seconds; in a dry run, retry waits
   * a mock caused are slept × this too. @default 0
   */
  timeScale: number;
  /** Providers are the in-process mocks (not `--live`). */
  dryRun: boolean;
  clock: Clock;
  /**
   * The safety gates before an attempt (SPEC 4.3), recorded by the caller. A reason means the
   * task is rejected: never attempted, never retried.
   */
  gate(task: Task, attempt: number): string | undefined;
  runAttempt(request: SandboxRequest): Promise<SandboxOutcome>;
  record(write: StoreWrite): void;
  /** While it returns a promise, the store is behind: the next attempt waits for it. */
  pace?(): Promise<void> | undefined;
  /** Aborts waits between attempts when the run is stopping. */
  signal?: AbortSignal;
}

/** Jitter comes from a stream per attempt, so a resumed task waits exactly as it would have. */
const attemptRng = (seed: number, task: Task, attempt: number) => createRng(deriveSeed(seed, "retry", task.task_id, attempt));

export async function runTask(task: Task, agent_id: string, ctx: TaskContext, firstAttempt = 1): Promise<FinishedTask> {
  const { defaults } = ctx;
  const policy = effectivePolicy(defaults.retry, task.retry);
  const maxAttempts = 1 + (policy.strategy === "none" ? 0 : task.max_retries ?? defaults.max_retries);
  // When the first attempt really started running: an attempt can wait in an executor's queue
  // behind another one, and that wait is not the task's time. The executor measures each
  // attempt itself, so its start is its end minus its duration.
  let started_at: number | undefined;
  const durations: number[] = [];
  for (let attempt = firstAttempt; ; attempt++) {
    const behind = ctx.pace?.();
    if (behind) await behind;
    const at = ctx.clock.now();
    const refusal = ctx.gate(task, attempt);
    if (refusal !== undefined) {
      const error: AttemptError = { code: "SAFETY_GATE_REJECTED", message: refusal, retryable: false };
      return { task, agent_id, status: "rejected", attempts: attempt - 1, result_json: null, error, started_at: started_at ?? at, ended_at: at, attempt_durations_ms: durations };
    }
    ctx.record({ kind: "attempt_started", run_id: ctx.run_id, task_id: task.task_id, attempt, agent_id, at });
    const outcome =
      task.code === undefined
        ? await simulatedOutcome(task, ctx.seed, ctx.timeScale, ctx.clock, ctx.signal)
        : await ctx.runAttempt({
            code: task.code,
            inputJson: JSON.stringify(task.input ?? null),
            task: { id: task.task_id, wave: task.wave, attempt, agent_id },
            timeoutMs: task.timeout_ms ?? defaults.timeout_ms,
            memoryMb: task.memory_mb ?? defaults.memory_mb,
            randomSeed: deriveSeed(ctx.seed, "random", task.task_id, attempt),
            uses: task.uses,
            ...(task.script === undefined ? {} : { filename: basename(task.script) }),
          });
    const ended = ctx.clock.now();
    started_at ??= Math.max(at, Math.round(ended - outcome.durationMs));
    durations.push(outcome.durationMs);
    const error = outcome.ok ? null : toAttemptError(outcome);
    // Chosen before the attempt is recorded, so that its record keeps the wait that follows it.
    const delay = error?.retryable && attempt < maxAttempts ? retryDelay(policy, attempt, attemptRng(ctx.seed, task, attempt), error.retry_after_ms) : null;
    if (error && delay !== null) error.retry_delay_ms = delay;
    const result_json = outcome.ok ? (outcome.resultJson ?? "null") : null;
    ctx.record({
      kind: "attempt_ended",
      run_id: ctx.run_id,
      task_id: task.task_id,
      attempt,
      at: ended,
      duration_ms: outcome.durationMs,
      result_json,
      error,
      console: outcome.console,
      console_truncated: outcome.consoleTruncated,
    });
    for (const v of outcome.violations) {
      ctx.record({ kind: "violation", row: violationRow(ctx.run_id, task, attempt, ended, v) });
    }
    const final = (status: TaskStatus): FinishedTask => ({
      task, agent_id, status, attempts: attempt, result_json, error, started_at: started_at!, ended_at: ended, attempt_durations_ms: durations,
    });
    if (!error) return final("succeeded");
    if (delay === null) return { ...final("failed"), console: capConsole(outcome.console) };
    await ctx.clock.sleep(sleptWait(delay, error, ctx), ctx.signal);
  }
}

/**
 * The real time a retry wait takes (SPEC 6). A wait a mock caused passes in virtual time: it is
 * slept × `--time-scale` (0 by default: not at all). A mock caused it when the run is a dry run
 * and the attempt failed with PROVIDER_ERROR, which only a provider's own answer produces (the
 * sandbox never lets task code forge one), and in a dry run every provider is a mock. Every
 * other wait is the task's or the machine's (a TASK_ERROR the code threw, even after catching a
 * mock's rejection; a TIMEOUT; a crash) and is waited in full, as in a live run.
 */
function sleptWait(delay: number, error: AttemptError, ctx: Pick<TaskContext, "dryRun" | "timeScale">): number {
  return ctx.dryRun && error.code === "PROVIDER_ERROR" ? delay * ctx.timeScale : delay;
}
