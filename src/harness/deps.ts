/** What the harness runs with: the store, the clock, where records go, how attempts run. */
import type { Deps } from "../core";
import { ExecutorPool } from "../executor";
import type { RunOutput, SummaryRecord } from "../records";
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "../sandbox";
import type { Store } from "../store";

/** Runs attempts: the executor processes in production, a fake in the harness's unit tests. */
export interface AttemptRunner {
  run(request: SandboxRequest, host: SandboxHost): Promise<SandboxOutcome>;
  /** Ends the runner; `now` abandons attempts in flight (an interrupted run). */
  close(options: { now: boolean }): Promise<void>;
}

/** Where a run stands, for a progress display: every task counts, those of an earlier process too. */
export interface RunProgress {
  run_id: string;
  tasks: number;
  /** Tasks in a final state. */
  finished: number;
  /** Of those, tasks that failed or were rejected. */
  failed: number;
  /** The wave running now (the last one once the run ends); 0 before the first. */
  wave: number;
  waves: number;
}

export interface HarnessDeps extends Deps {
  store: Store;
  /** Hands one output record over to be printed; called only after its state is committed. */
  emit(record: RunOutput): void;
  /**
   * The run's attempt runner with `threads` executors, made when the first attempt starts: local
   * executors, or on a shared backend the work queue (and `threads` executors of this process's own).
   */
  attempts(threads: number, run_id: string): AttemptRunner;
  /** Stops dispatching when aborted (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Where provider credentials and base URLs come from (SPEC 6). */
  env: Record<string, string | undefined>;
  /**
   * A run's lease not renewed for this long is taken over by another process (SPEC 9.1).
   * @default DEFAULT_LEASE_PERIOD_MS (30 s)
   */
  leasePeriodMs?: number;
  /** Told where the run stands whenever a task finishes or a wave starts. */
  onProgress?(progress: RunProgress): void;
}

export interface RunResult {
  summary: SummaryRecord;
  exitCode: number;
}

/** The production attempt runner: a pool of executor processes running `command`. */
export function executorAttempts(command: readonly string[], deps: Deps): (threads: number) => AttemptRunner {
  return (threads) => new ExecutorPool({ size: threads, command, clock: deps.clock, logger: deps.logger });
}
