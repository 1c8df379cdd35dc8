/** `buddy resume RUN_ID`: continue an interrupted or crashed run where it stopped. */
import { resumeRun } from "../../harness";
import { deps, executorCommand, openDb, type GlobalArgs } from "../context";
import { printLine } from "../io";
import { progressLine } from "../progress";
import { onInterrupt } from "../signals";

export async function resumeCommand(args: GlobalArgs & { run_id: string; replay?: boolean }): Promise<number> {
  const store = openDb(args);
  const interrupt = onInterrupt();
  const progress = progressLine(args.quiet === true);
  try {
    const { exitCode } = await resumeRun(
      args.run_id,
      {
        ...deps(args),
        store,
        executorCommand: executorCommand(),
        signal: interrupt.signal,
        emit: (line) => {
          printLine(line);
          progress.seen(line);
        },
      },
      args.replay === true,
    );
    return exitCode;
  } finally {
    progress.done();
    interrupt.dispose();
    store.close();
  }
}
