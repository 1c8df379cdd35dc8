/** The outcome of an attempt that ended without its guest's answer: the sandbox's or its executor's. */
import type { AttemptErrorCode } from "../core";
import type { SandboxOutcome } from "./types";

export const failedOutcome = (code: AttemptErrorCode, message: string, durationMs: number): SandboxOutcome => ({
  ok: false,
  error: { code, message },
  console: [],
  consoleTruncated: false,
  violations: [],
  durationMs: Math.round(durationMs),
});
