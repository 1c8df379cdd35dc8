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
