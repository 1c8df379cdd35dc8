/** `buddy resume RUN_ID`: continue an interrupted or crashed run where it stopped. */
import { resumeRun } from "../../harness";
import type { GlobalArgs } from "../context";
import { runSession } from "../session";
import { artifactsOf } from "./run";

export const resumeCommand = (args: GlobalArgs & { run_id: string; replay?: boolean; out?: string; junit?: string }): Promise<number> =>
  runSession(args, (deps) => resumeRun(args.run_id, deps, args.replay === true, artifactsOf(args)));
