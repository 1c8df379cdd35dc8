/**
 * SIGINT/SIGTERM stop dispatching: in-flight attempts finish, the run is recorded as
 * interrupted and stays resumable. A second signal exits at once; the store is still
 * consistent because every state change was committed in its own transaction.
 */
import { EXIT } from "../core";

export function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    process.stderr.write("buddy: interrupted; finishing attempts in flight (again to quit now)\n");
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** Exit codes of a process ended by a signal before a run exists (SPEC 3). */
const EXIT_BY_SIGNAL = { SIGINT: EXIT.INTERRUPTED, SIGTERM: 143 } as const;

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
