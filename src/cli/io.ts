/**
 * stdout carries JSON only, one object per line; everything for people goes to stderr. Lines are
 * written through one buffered writer and flushed once per turn of the event loop, so a stream
 * of thousands of records costs a few syscalls, yet every line appears promptly.
 */
import { BuddyError, exitCodeOf } from "../core";

// Past this many buffered bytes the writer flushes by itself: a simulated wave can finish
// thousands of tasks without yielding to the event loop, and its lines must not pile up.
const out = Bun.stdout.writer({ highWaterMark: 1 << 20 });
let flushScheduled = false;

export function printLine(line: string): void {
  out.write(`${line}\n`);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      flushOut();
    });
  }
}

export const printJson = (value: unknown) => printLine(JSON.stringify(value));

function flushOut(): void {
  try {
    out.flush();
  } catch {
    // A closed pipe (`buddy run … | head -1`) must not turn into a crash.
  }
}

export async function endOutput(): Promise<void> {
  flushOut();
  try {
    await out.end();
  } catch {}
}

export function warn(message: string): void {
  process.stderr.write(`buddy: ${message}\n`);
}

/** One clear message (plus its detail lines) on stderr, and the exit code for it. Never a stack. */
export function reportError(error: unknown): number {
  if (error instanceof BuddyError) {
    for (const line of error.details) process.stderr.write(`${line}\n`);
    warn(error.message);
  } else {
    warn(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  return exitCodeOf(error);
}
