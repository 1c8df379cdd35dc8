/**
 * stdout carries JSON only, one object per line (or, when asked for with `--format table`,
 * tables for people: table.ts); everything else for people goes to stderr. Lines are
 * gathered and handed to stdout once per turn of the event loop (or once 1 MiB is waiting), so a
 * stream of thousands of records costs a few syscalls, yet every line appears promptly.
 *
 * A stdout that stops taking output (its reader went away: EPIPE; a full disk: ENOSPC; EIO) is
 * never a crash: the first failure is kept as a STDOUT error (exit 143, core/errors.ts), every
 * later line is dropped, and whoever listens (a run: it stops as if interrupted) is told at once.
 * Such failures arrive asynchronously, as the stream's "error" event: `process.stdout` is used
 * rather than Bun's FileSink, whose write errors cannot be caught.
 */
import { existsSync, readFileSync } from "node:fs";
import { BuddyError, escapeControls, EXIT, exitCodeOf, Interruption } from "../core";
import type { OutputRecord } from "../records";
import { stderrLine } from "./stderr";

// Past this many waiting bytes the lines go out at once: a simulated wave can finish thousands
// of tasks without yielding to the event loop, and its lines must not pile up.
const HIGH_WATER_CHARS = 1 << 20;
let pending: string[] = [];
let pendingChars = 0;
let flushScheduled = false;
let failure: BuddyError | undefined;
let failureTold = false;
const listeners = new Set<() => void>();

const errnoOf = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "EIO";
};

function failed(error: unknown): void {
  if (failure) return;
  const code = errnoOf(error);
  const what = code === "EPIPE" ? "closed (EPIPE: its reader went away)" : `write failed (${code})`;
  failure = new BuddyError("STDOUT", `stdout ${what}`, { cause: error });
  pending = [];
  pendingChars = 0;
  for (const listener of listeners) listener();
}

process.stdout.on("error", failed);

/** The stdout failure, once there was one. */
export const stdoutFailure = (): BuddyError | undefined => failure;

/** Calls `listener` when stdout fails (at once if it already has); the result unsubscribes. */
export function onStdoutFailure(listener: () => void): () => void {
  if (failure) listener();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Says what the stdout failure cost, once: the caller knows more (a run's id) than `failed`. */
export function tellStdoutFailure(message: string): void {
  failureTold = true;
  warn(message);
}

/** Queues one line; throws the STDOUT error once stdout no longer takes output. */
export function printLine(line: string): void {
  if (failure) throw failure;
  pending.push(line, "\n");
  pendingChars += line.length + 1;
  if (pendingChars >= HIGH_WATER_CHARS) flushOut();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      flushOut();
    });
  }
}

/** Serialises one record: the only place output records become text. */
export const printJson = (record: OutputRecord) => printLine(JSON.stringify(record));

/** Hands the waiting lines to stdout; resolves once stdout has taken them (or failed). */
function flushOut(): Promise<void> {
  if (failure || pending.length === 0) return Promise.resolve();
  const chunk = pending.join("");
  pending = [];
  pendingChars = 0;
  return new Promise((resolve) => {
    process.stdout.write(chunk, (error) => {
      if (error) failed(error);
      resolve();
    });
  });
}

/** Writes out everything waiting, so a failure is known while the caller can still say what it cost. */
export async function drainOutput(): Promise<void> {
  await flushOut();
}

/**
 * The exit code once stdout failed: an outcome that is no error of its own (0, 1, 3) becomes the
 * STDOUT code (143), since its records did not all arrive; an error's code (2, 4, 130, 143) stays.
 */
export function exitCodeAfterOutput(code: number): number {
  if (!failure || (code !== EXIT.OK && code !== EXIT.TASKS_FAILED && code !== EXIT.HALTED)) return code;
  return exitCodeOf(failure);
}

/**
 * Flushes and closes stdout. A failure nobody has reported yet (a command whose output fitted
 * in the buffer) is reported here, and the exit code follows `exitCodeAfterOutput`.
 */
export async function endOutput(): Promise<void> {
  await flushOut();
  if (failure && !failureTold) {
    reportError(failure);
    process.exitCode = exitCodeAfterOutput(Number(process.exitCode ?? 0));
  }
}

/**
 * A stdout closed when buddy started (`buddy run … >&-`) is reopened on /dev/null by Bun, so
 * every record would vanish without a word. The reopened descriptor is recognisable: it is
 * close-on-exec, which an inherited descriptor never is (exec would have closed it). Linux
 * only (/proc); elsewhere nothing is checked.
 */
export function stdoutClosedAtStart(): boolean {
  let info: string;
  try {
    info = readFileSync("/proc/self/fdinfo/1", "utf8");
  } catch {
    // No fd 1 at all, where /proc exists to say so; no /proc (not Linux) is no evidence.
    return existsSync("/proc/self/fdinfo");
  }
  const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
  const O_CLOEXEC = 0o2000000;
  return flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) !== 0;
}

export function warn(message: string): void {
  stderrLine(`buddy: ${inert(message)}\n`);
}

/**
 * A message as it may reach a terminal: it can quote what a user or a task typed (a run id, a
 * path, a flag's value), so every control character and escape sequence in it is written out,
 * line by line; only its own line breaks stay.
 */
const inert = (message: string) => message.split("\n").map(escapeControls).join("\n");

/** One clear message (plus its detail lines) on stderr, and the exit code for it. Never a stack. */
export function reportError(error: unknown): number {
  if (error instanceof BuddyError) {
    if (error.code === "STDOUT") {
      if (failureTold) return exitCodeOf(error);
      failureTold = true;
    }
    for (const line of error.details) stderrLine(`${inert(line)}\n`);
    warn(error.message);
  } else if (error instanceof Interruption) {
    // Already told on stderr when the signal came.
  } else {
    warn(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  return exitCodeOf(error);
}
