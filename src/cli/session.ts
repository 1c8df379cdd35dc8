/**
 * What `run` and `resume` share: the store, the interrupt handler, the progress line and the
 * stdout sink around one harness call, torn down in reverse order.
 */
import { Interruption } from "../core";
import { executorAttempts, type HarnessDeps, type RunResult } from "../harness";
import { deps, executorCommand, leasePeriodMs, openDb, type GlobalArgs } from "./context";
import { drainOutput, exitCodeAfterOutput, onStdoutFailure, printJson, stdoutFailure, tellStdoutFailure } from "./io";
import { fleetAttempts } from "./fleet";
import { progressLine } from "./progress";
import { onInterrupt } from "./process-signals";

export async function runSession(args: GlobalArgs, go: (deps: HarnessDeps) => Promise<RunResult>): Promise<number> {
  const leaseMs = leasePeriodMs();
  const store = await openDb(args);
  const interrupt = onInterrupt();
  // Records nobody receives any more are not worth running for: the run stops as if
  // interrupted, keeps what it committed, and stays resumable (SPEC 9.1: every line's state was
  // committed before it was written, so a line lost here is a task `resume` does not run again).
  const unlisten = onStdoutFailure(() => interrupt.stop(new Interruption("stdout")));
  const progress = progressLine(args.quiet === true);
  const base = deps(args);
  let ended: RunResult["summary"] | undefined;
  try {
    const { summary, exitCode } = await go({
      ...base,
      store,
      // On a shared backend the attempts go through its work queue (SPEC 11).
      attempts: store.queue ? fleetAttempts(store, store.queue, executorCommand(), base, process.env) : executorAttempts(executorCommand(), base),
      signal: interrupt.signal,
      env: process.env,
      ...(leaseMs === undefined ? {} : { leasePeriodMs: leaseMs }),
      onProgress: (p) => progress.update(p),
      emit: (record) => {
        try {
          printJson(record);
        } catch {
          // Only a stdout failure throws here, and its listener has stopped the run already.
        }
      },
    });
    ended = summary;
    await drainOutput();
    const failure = stdoutFailure();
    if (failure) {
      const R = summary.run_id;
      tellStdoutFailure(
        summary.status === "interrupted"
          ? `${failure.message}: run ${R} stopped; \`buddy resume ${R}\` continues it`
          : `${failure.message}: run ${R} ended (${summary.status}) but not all its records were written; \`buddy show ${R} --tasks\` lists them`,
      );
    }
    return exitCodeAfterOutput(exitCode);
  } finally {
    progress.done(ended);
    unlisten();
    interrupt.dispose();
    await store.close();
  }
}
