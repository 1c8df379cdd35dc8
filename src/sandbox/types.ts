/**
 * The contract of one sandboxed attempt. Only JSON text crosses between host and guest, so the
 * request carries the input as JSON text and the outcome carries the result as JSON text.
 */
import type { AttemptErrorCode } from "../core";

interface SandboxTaskInfo {
  id: string;
  wave: number;
  /** 1-based attempt number. */
  attempt: number;
  agent_id: string;
}

export interface SandboxRequest {
  /** The body of an async function (SPEC 5). */
  code: string;
  /** JSON text of the task's `input` ("null" when the task has none). */
  inputJson: string;
  task: SandboxTaskInfo;
  /** CPU deadline of the attempt. */
  timeoutMs: number;
  /** Hard cap on the attempt's memory. */
  memoryMb: number;
  /** Seeds the guest's Math.random (derived from the run seed, task and attempt). */
  randomSeed: number;
  /** Providers the task declared (SPEC 6): only these appear under the `providers` global. */
  uses?: string[];
  /** The name errors give the code: a `script` task's file name (SPEC 3). @default "task.js" */
  filename?: string;
}

/**
 * The host side of an attempt: where the guest's provider calls go. Only JSON text crosses:
 * the arguments as a JSON array, and back the JSON of `{ok: true, value}` or
 * `{ok: false, error: {code: "PROVIDER_ERROR", provider, method, status, message, retry_after?}}`.
 */
export interface SandboxHost {
  /** `seq` numbers the attempt's provider calls from 0, in the order the guest makes them. */
  call(provider: string, method: string, argsJson: string, seq: number): Promise<string>;
  /**
   * Told when the attempt takes the thread again after waiting on its calls since `waitedFrom`
   * (the sandbox's clock), before its guest code runs on: an executor tells its supervisor which
   * attempt holds the thread (pool.ts). Returns the milliseconds the attempt spent answered but
   * kept off the thread by other attempts (or its answer's text in transit), which its deadline
   * then moves by: the time is not its own.
   */
  onResume?(waitedFrom: number): number;
  /** Told when the attempt, its guest code done for now, waits on its calls again. */
  onWait?(): void;
}

export interface SandboxViolation {
  violation_type: string;
  details: string;
}

/** A place in the task's own code: its file (`task.js` or the script's name), line and column from 1. */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

export interface SandboxFailure {
  code: AttemptErrorCode;
  /** Neutral text: never host error text, paths or stacks. Capped at 1 KiB. */
  message: string;
  /** Where in the task's code it failed: the innermost of its own frames (sandbox/frames.ts). */
  location?: ErrorLocation;
  /** The task's own frames, innermost first, one `    at …` line each; never a host or wrapper frame. */
  stack?: string;
  /** The thrown value had an own data property `retryable: false`. */
  thrownRetryable?: boolean;
  violation_type?: string;
  status?: number;
  retry_after_ms?: number;
}

export interface SandboxOutcome {
  ok: boolean;
  /** JSON text of the returned value when ok ("null" for `undefined`). */
  resultJson?: string;
  error?: SandboxFailure;
  /** Captured console output, one entry per call, at most 64 KiB in all. */
  console: string[];
  consoleTruncated: boolean;
  violations: SandboxViolation[];
  durationMs: number;
}
