/**
 * A run on a shared backend (SPEC 11): its attempts go through the backend's work queue, and
 * with `--threads T > 0` this process works on them too, as an in-process worker with T
 * executors that claims only this run's jobs; other machines' `buddy worker` processes claim
 * the rest.
 */
import type { Deps } from "../core";
import { executorAttempts, RemoteAttempts, type HarnessDeps } from "../harness";
import type { Store, WorkQueue } from "../store";
import { Worker } from "../worker";

/**
 * A worker's claim lives this long without a heartbeat (`buddy worker --lease-ms`): a worker
 * that dies is noticed within it.
 * @default 10000
 */
export const DEFAULT_WORKER_LEASE_MS = 10_000;

export function fleetAttempts(store: Store, queue: WorkQueue, command: readonly string[], deps: Deps, env: Record<string, string | undefined>): HarnessDeps["attempts"] {
  return (threads, run_id) => {
    const remote = new RemoteAttempts(queue, run_id, DEFAULT_WORKER_LEASE_MS, deps.logger);
    const stop = new AbortController();
    const worker =
      threads > 0
        ? new Worker({ store, queue, run_id, threads, leaseMs: DEFAULT_WORKER_LEASE_MS, exitWhenIdle: false, attempts: executorAttempts(command, deps), clock: deps.clock, logger: deps.logger, env, signal: stop.signal, emit: () => {} })
        : undefined;
    // A failure of the in-process worker leaves its claims to run out: other workers, or a
    // resume, take them over. The run itself goes on while any worker works on it.
    const working = worker?.run().catch((error: unknown) => deps.logger.warn(`this process's worker stopped: ${error instanceof Error ? error.message : String(error)}`));
    return {
      run: (request) => remote.run(request),
      async close({ now }) {
        if (now) worker?.abandon();
        stop.abort();
        await working;
        await remote.close();
      },
    };
  };
}
