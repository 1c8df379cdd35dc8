/**
 * What `run` and `resume` share: the store, the interrupt handler, the progress line and the
 * stdout sink around one harness call, torn down in reverse order.
 */
import type { HarnessDeps, RunResult } from "../harness";
import { deps, executorCommand, leasePeriodMs, openDb, type GlobalArgs } from "./context";
import { printLine } from "./io";
import { progressLine } from "./progress";
import { onInterrupt } from "./signals";

export async function runSession(args: GlobalArgs, go: (deps: HarnessDeps) => Promise<RunResult>): Promise<number> {
  const leaseMs = leasePeriodMs();
  const store = openDb(args);
  const interrupt = onInterrupt();
  const progress = progressLine(args.quiet === true);
  try {
    const { exitCode } = await go({
      ...deps(args),
      store,
      executorCommand: executorCommand(),
      signal: interrupt.signal,
      env: process.env,
      ...(leaseMs === undefined ? {} : { leasePeriodMs: leaseMs }),
      emit: (line) => {
        printLine(line);
        progress.seen(line);
      },
    });
    return exitCode;
  } finally {
    progress.done();
    interrupt.dispose();
    store.close();
  }
}
