/**
 * Errors are values with stable codes. Every failure a user can see carries one of these codes,
 * and whether it is retried is decided in one table (RETRYABLE), not by `if`s spread around.
 */

/** Codes an attempt can end with (SPEC 4.4). */
export const ATTEMPT_ERROR_CODES = [
  "TASK_ERROR",
  "TIMEOUT",
  "SYNTAX_ERROR",
  "VIOLATION",
  "MEMORY_LIMIT",
  "STACK_OVERFLOW",
  "OUTPUT_LIMIT",
  "RESULT_NOT_JSON",
  "PROVIDER_ERROR",
  "AGENT_CRASH",
  "SAFETY_GATE_REJECTED",
] as const;
export type AttemptErrorCode = (typeof ATTEMPT_ERROR_CODES)[number];

/** Codes of the process as a whole; each maps to an exit code (SPEC 3). */
/** STDOUT: stdout no longer takes output (closed pipe, full disk, I/O error). */
type ProcessErrorCode = "USAGE" | "INPUT" | "STORE" | "STDOUT" | "INTERNAL";

export type ErrorCode = AttemptErrorCode | ProcessErrorCode;

/** Retryable by code; PROVIDER_ERROR and TASK_ERROR are refined by their details (see isRetryable). */
const RETRYABLE: Record<AttemptErrorCode, boolean> = {
  TASK_ERROR: true,
  TIMEOUT: true,
  AGENT_CRASH: true,
  PROVIDER_ERROR: false,
  SYNTAX_ERROR: false,
  VIOLATION: false,
  MEMORY_LIMIT: false,
  STACK_OVERFLOW: false,
  OUTPUT_LIMIT: false,
  RESULT_NOT_JSON: false,
  SAFETY_GATE_REJECTED: false,
};

export interface RetryHints {
  /** The thrown value said `retryable: false` (TASK_ERROR only). */
  thrownRetryable?: boolean;
  /** HTTP-like status of a PROVIDER_ERROR. */
  status?: number;
}

export function isRetryable(code: AttemptErrorCode, hints: RetryHints = {}): boolean {
  if (code === "TASK_ERROR") return hints.thrownRetryable !== false;
  if (code === "PROVIDER_ERROR") {
    const s = hints.status ?? 0;
    // 507: a run's mock providers are full (SPEC 6); trying again cannot make room.
    return s === 408 || s === 429 || (s >= 500 && s !== 507);
  }
  return RETRYABLE[code];
}

export const EXIT = {
  OK: 0,
  TASKS_FAILED: 1,
  INPUT: 2,
  HALTED: 3,
  STORE: 4,
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;
/** The only codes buddy exits with (SPEC 3). */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit code of a process stopped by a signal (SPEC 3): 130 for SIGINT, 143 for SIGTERM. Every
 * other signal whose default action would end buddy with a code outside SPEC 3's table (129 for
 * SIGHUP, 138 for SIGUSR1, …) is taken as a request to stop from outside, like SIGTERM: the same
 * graceful interruption and 143. Not here: SIGPIPE, SIGQUIT and SIGXFSZ (Bun ignores them, so
 * they end nothing), SIGKILL and SIGSTOP (no process can catch them), and the fault signals
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT: a crash, after which the run is resumable
 * as after `kill -9`). SIGPIPE in particular must stay ignored: a handler would turn a write to a
 * dead executor's pipe into an interruption of the whole run.
 */
export const EXIT_BY_SIGNAL = {
  SIGINT: EXIT.INTERRUPTED,
  SIGTERM: EXIT.TERMINATED,
  SIGHUP: EXIT.TERMINATED,
  SIGUSR1: EXIT.TERMINATED,
  SIGUSR2: EXIT.TERMINATED,
  SIGALRM: EXIT.TERMINATED,
  SIGVTALRM: EXIT.TERMINATED,
  SIGPROF: EXIT.TERMINATED,
  SIGXCPU: EXIT.TERMINATED,
  SIGIO: EXIT.TERMINATED,
  SIGSYS: EXIT.TERMINATED,
} as const;
export type StopSignal = keyof typeof EXIT_BY_SIGNAL;
export const STOP_SIGNALS = Object.keys(EXIT_BY_SIGNAL) as StopSignal[];

/**
 * Why a run was asked to stop: the reason of the abort signal the CLI hands the harness, so the
 * harness can exit with the code of what stopped it: a signal, or a stdout that no longer takes
 * output (its reader went away, its disk is full), which is a stop from outside as SIGTERM is.
 */
export class Interruption extends Error {
  constructor(readonly by: StopSignal | "stdout") {
    super(by === "stdout" ? "stopped: stdout no longer takes output" : `interrupted by ${by}`);
  }
  get exitCode(): ExitCode {
    return this.by === "stdout" ? EXIT.TERMINATED : EXIT_BY_SIGNAL[this.by];
  }
}

/** The exit code of an interrupted run: that of its signal, SIGINT's when it is unknown. */
export const interruptedExitCode = (signal: AbortSignal | undefined): ExitCode =>
  signal?.reason instanceof Interruption ? signal.reason.exitCode : EXIT.INTERRUPTED;

const EXIT_BY_CODE: Record<ProcessErrorCode, number> = {
  USAGE: EXIT.INPUT,
  INPUT: EXIT.INPUT,
  STORE: EXIT.STORE,
  // Output nobody can receive stops the command as a stop from outside does (see Interruption):
  // not 4, as the store is fine, nor 2, as things may have run.
  STDOUT: EXIT.TERMINATED,
  // SPEC 3 allows no other code. A bug is reported as 4 (store or backend error), the code under
  // which a user resumes the run later, since it stays resumable whatever failed.
  INTERNAL: EXIT.STORE,
};

export class BuddyError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Extra lines for the user (e.g. every validation problem). */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean; details?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BuddyError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? [];
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof Interruption) return error.exitCode;
  if (error instanceof BuddyError && error.code in EXIT_BY_CODE) {
    return EXIT_BY_CODE[error.code as ProcessErrorCode];
  }
  return EXIT_BY_CODE.INTERNAL;
}

/** A RUN_ID that names no run in the store: a usage error, whichever command was given it. */
export const noSuchRun = (runId: string, location: string): BuddyError => new BuddyError("USAGE", `no run ${runId} in ${location}`);
