/**
 * The contract of one sandboxed attempt. Only JSON text crosses between host and guest, so the
 * request carries the input as JSON text and the outcome carries the result as JSON text.
 */
import type { AttemptErrorCode } from "../core";

export interface SandboxTaskInfo {
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
}

export interface SandboxViolation {
  violation_type: string;
  details: string;
}

export interface SandboxFailure {
  code: AttemptErrorCode;
  /** Neutral text: never host error text, paths or stacks. Capped at 1 KiB. */
  message: string;
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
