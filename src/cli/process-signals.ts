/**
 * Every signal that asks buddy to stop (STOP_SIGNALS: SIGINT, SIGTERM, and every other one whose
 * default action would end the process with a code outside SPEC 3's table) goes through one
 * dispatcher, installed once, to whatever the process is doing at that moment:
 * - running or resuming a run (`onInterrupt`): dispatching stops, attempts in flight finish, the
 *   run is recorded as interrupted and stays resumable; a second signal (not the first delivered
 *   twice, SAME_REQUEST_MS) exits at once, and the store is still consistent because every state
 *   change was committed in its own transaction;
 * - reading the input (`exitOnSignalDuring`): exit at once, nothing is stored yet;
 * - anything else (read-only commands, `validate`): exit at once with the signal's code.
 */
import { EXIT_BY_SIGNAL, Interruption, STOP_SIGNALS, type StopSignal } from "../core";
import { stderrLine } from "./stderr";

type OnStop = (name: StopSignal) => void;

const exitNow: OnStop = (name) => process.exit(EXIT_BY_SIGNAL[name]);
let onStop: OnStop = exitNow;
let installed = false;
/** `--quiet`: what a stop signal does is not said on stderr, only done (SPEC 3: nothing but errors). */
let quiet = false;

export function quietStops(on: boolean): void {
  quiet = on;
}

const tell = (line: string) => {
  if (!quiet) stderrLine(line);
};

/** Routes every stop signal to the current handler; called once, before any command runs. */
export function installStopSignals(): void {
  if (installed) return;
  installed = true;
  for (const name of STOP_SIGNALS) process.on(name, () => onStop(name));
}

/** Makes `handler` the current one until the returned function restores the previous one. */
function handleWith(handler: OnStop): () => void {
  installStopSignals();
  const previous = onStop;
  onStop = handler;
  return () => {
    onStop = previous;
  };
}

export interface InterruptHandle {
  /** Aborted, with an `Interruption` as reason, by the first stop signal or by `stop`. */
  signal: AbortSignal;
  /** Stops the run as a signal would (stdout no longer takes output), without the signal's message. */
  stop(reason: Interruption): void;
  dispose(): void;
}

/**
 * A stop signal handled this soon after the first is the same request delivered twice, not a
 * second one: Ctrl-C under `npm run` reaches buddy from the terminal and again from npm, which
 * forwards it; `timeout` signals its child and then the child's process group. Measured at
 * handling, so both copies of one request (handled back to back) fall within it, while a
 * second press by hand comes later.
 */
const SAME_REQUEST_MS = 100;

/** The abort reason names what stopped the run, so it exits 130 (SIGINT) or 143 (the others). */
export function onInterrupt(): InterruptHandle {
  const controller = new AbortController();
  let firstAt = -Infinity;
  const dispose = handleWith((name) => {
    if (controller.signal.aborted) {
      if (performance.now() - firstAt < SAME_REQUEST_MS) return;
      process.exit(EXIT_BY_SIGNAL[name]);
    }
    firstAt = performance.now();
    tell(`buddy: interrupted by ${name}; finishing attempts in flight (again to quit now)\n`);
    controller.abort(new Interruption(name));
  });
  return {
    signal: controller.signal,
    stop: (reason) => {
      if (!controller.signal.aborted) controller.abort(reason);
    },
    dispose,
  };
}

/**
 * Runs `work` (reading the input, before any store is open) so that the first stop signal ends
 * the process at once: nothing is stored yet, and a pipe that never closes must not keep buddy
 * waiting for a second signal.
 */
export async function exitOnSignalDuring<T>(work: () => Promise<T>): Promise<T> {
  const restore = handleWith((name) => {
    tell("buddy: interrupted while reading the input; nothing was stored\n");
    exitNow(name);
  });
  try {
    return await work();
  } finally {
    restore();
  }
}
