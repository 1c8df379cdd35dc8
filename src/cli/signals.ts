/**
 * SIGINT/SIGTERM stop dispatching: in-flight attempts finish, the run is recorded as
 * interrupted and stays resumable. A second signal exits at once; the store is still
 * consistent because every state change was committed in its own transaction.
 */
import { EXIT_BY_SIGNAL, Interruption, type StopSignal } from "../core";

const STOP_SIGNALS = Object.keys(EXIT_BY_SIGNAL) as StopSignal[];

/** The abort reason names the first signal, so the run exits 130 (SIGINT) or 143 (SIGTERM). */
export function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(EXIT_BY_SIGNAL[name]);
      process.stderr.write("buddy: interrupted; finishing attempts in flight (again to quit now)\n");
      controller.abort(new Interruption(name));
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const off of handlers) off();
    },
  };
}

/**
 * Runs `work` (reading the input, before any store is open) so that the first SIGINT/SIGTERM
 * ends the process at once: nothing is stored yet, and a pipe that never closes must not keep
 * buddy waiting for a second signal.
 */
export async function exitOnSignalDuring<T>(work: () => Promise<T>): Promise<T> {
  const handlers = Object.entries(EXIT_BY_SIGNAL).map(([name, code]) => {
    const handler = () => {
      process.stderr.write("buddy: interrupted while reading the input; nothing was stored\n");
      process.exit(code);
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  try {
    return await work();
  } finally {
    for (const off of handlers) off();
  }
}
