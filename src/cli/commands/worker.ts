/** `buddy worker --backend URL`: work on the attempts of runs on a shared backend (SPEC 11). */
import { cpus } from "node:os";
import { flagError, rangeExpectation } from "../../config";
import { BuddyError, EXIT, interruptedExitCode } from "../../core";
import { executorAttempts } from "../../harness";
import { LONGEST_LEASE_MS } from "../../store";
import { Worker } from "../../worker";
import { backendUrl, deps, executorCommand, openDb, runIdOf, type GlobalArgs } from "../context";
import { DEFAULT_WORKER_LEASE_MS } from "../fleet";
import { printJson } from "../io";
import { onInterrupt } from "../process-signals";

export type WorkerArgs = GlobalArgs & { run?: string; threads?: unknown; "lease-ms"?: unknown; "exit-when-idle"?: boolean };

function wholeBetween(flag: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw flagError(flag, rangeExpectation(true, min, max), value);
  return value;
}

export async function workerCommand(args: WorkerArgs): Promise<number> {
  if (backendUrl(args) === undefined) throw new BuddyError("USAGE", "buddy worker works on a shared backend: give --backend postgres://… (or set BUDDY_BACKEND)");
  const threads = wholeBetween("--threads", args.threads ?? Math.max(1, cpus().length), 1, 256);
  const leaseMs = wholeBetween("--lease-ms", args["lease-ms"] ?? DEFAULT_WORKER_LEASE_MS, 100, LONGEST_LEASE_MS);
  const base = deps(args);
  const store = await openDb(args);
  const interrupt = onInterrupt();
  try {
    const run_id = args.run === undefined ? undefined : await runIdOf(store, args.run);
    const worker = new Worker({
      store,
      queue: store.queue!,
      ...(run_id === undefined ? {} : { run_id }),
      threads,
      leaseMs,
      exitWhenIdle: args["exit-when-idle"] === true,
      attempts: executorAttempts(executorCommand(), base),
      clock: base.clock,
      logger: base.logger,
      env: process.env,
      signal: interrupt.signal,
      emit: printJson,
    });
    await worker.run();
    return interrupt.signal.aborted ? interruptedExitCode(interrupt.signal) : EXIT.OK;
  } finally {
    interrupt.dispose();
    await store.close();
  }
}
