/**
 * Host↔executor traffic: one typed message per NDJSON line over the child's stdin/stdout,
 * handled by one exhaustive switch on each side.
 */
import type { SandboxOutcome, SandboxRequest } from "../sandbox/types";

export type ToExecutor =
  | { type: "attempt"; id: number; request: SandboxRequest }
  /**
   * The answer to a provider call of attempt `id`: the JSON text of a ProviderResult, or, without
   * `resultJson`, the news that it was sent, its text following in `provider_part`s (writer.ts).
   * `sentAt` is the supervisor's `Date.now()`: the executor counts from it how long the attempt,
   * answered, waited for its thread (see `running`).
   */
  | { type: "provider_result"; id: number; seq: number; sentAt: number; resultJson?: string }
  /** A part of the text of a long answer, in order; `last` completes it. */
  | { type: "provider_part"; id: number; seq: number; text: string; last: boolean }
  | { type: "shutdown" };

export type FromExecutor =
  /**
   * Attempt `id` starts running now: its deadline runs from here. `at` is the executor's
   * `Date.now()`, so the supervisor can subtract the time the message spent in the pipe;
   * `alarm` says whether the executor's kernel alarm will end it if it gets stuck.
   */
  | { type: "started"; id: number; at: number; alarm: boolean; alarmFor?: number }
  | { type: "outcome"; id: number; outcome: SandboxOutcome; alarmFor?: number }
  /**
   * Attempt `id`, which waited on its provider calls, holds the thread again. With `started`
   * (and cleared by its `outcome`), this tells the supervisor which attempt holds the thread.
   * `heldOffMs`: how long in all the attempt, answered, waited for the thread while other
   * attempts ran; its deadline (and kill time) moved by that much (SPEC 5: deadlines are per
   * attempt, and CPU work is one attempt at a time). Sent after every `ready`, and whenever the
   * holder changes.
   */
  | { type: "running"; id: number; heldOffMs: number; alarmFor?: number }
  /**
   * An answer to attempt `id`, which waits on its calls, was read (or its news: its text is
   * arriving, writer.ts), or the attempt waits again while an answer's text arrives: until it
   * runs (`running`) its own time stands still and its kill time is no deadline.
   */
  | { type: "ready"; id: number; alarmFor?: number }
  /** Attempt `id` calls a provider; the supervisor answers with a provider_result. */
  | { type: "provider_call"; id: number; seq: number; provider: string; method: string; argsJson: string }
  | { type: "fatal"; message: string };

/**
 * `alarmFor`, on `started`, `running` and `outcome`: the attempt the executor's kernel alarm is armed for
 * from this message on (the one whose deadline + KILL_GRACE_MS comes first), absent when none is.
 * An executor ended by SIGALRM was ended for that attempt: it pays TIMEOUT, the others it held
 * run again elsewhere. The alarm is re-armed before an `outcome` is written and after a `started`
 * or `running` is, so that whenever the alarm fires, the last `alarmFor` read names the attempt
 * it fired for.
 */

/** The argument that starts the binary in executor mode (internal, not a user command). */
export const EXECUTOR_ARG = "__executor";

/**
 * How long past its deadline an attempt may run before its executor is ended (kernel.ts). Above
 * the sandbox's allowance for reading a result settled just before the deadline (POST_BUDGET_MS,
 * 200 ms), so an attempt the sandbox stops by itself answers first; with the time an exit takes
 * to be seen, within the promised deadline + 250 ms.
 */
export const KILL_GRACE_MS = 220;

/** How long after its start an attempt's executor is ended, if it has not answered. */
export const killAfterMs = (timeoutMs: number) => timeoutMs + KILL_GRACE_MS;

/** The supervisor's pid, in the executor's environment (see parent-death.ts). */
export const SUPERVISOR_PID_ENV = "BUDDY_SUPERVISOR_PID";

/**
 * Splits a byte stream into lines, calling `onLine` for each complete one. When `onLine` returns
 * a promise, the next line waits for it: messages are handled strictly one after another.
 */
export async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void | Promise<void>): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.length > 0) await onLine(line);
      nl = buffered.indexOf("\n");
    }
  }
  if (buffered.length > 0) await onLine(buffered);
}
