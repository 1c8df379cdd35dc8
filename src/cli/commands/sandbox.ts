/** `buddy sandbox eval CODE|--file F`: one snippet, run exactly as a task attempt. */
import { BuddyError, EXIT } from "../../core";
import { runSnippet } from "../../harness";
import { deps, executorCommand, type GlobalArgs } from "../context";
import { printJson } from "../io";

export interface SandboxArgs extends GlobalArgs {
  code?: string;
  file?: string;
  input?: string;
  "timeout-ms": number;
  "memory-mb": number;
  seed: number;
}

export async function sandboxEvalCommand(args: SandboxArgs): Promise<number> {
  if ((args.code === undefined) === (args.file === undefined)) throw new BuddyError("USAGE", "give the code as an argument or --file F, not both");
  const code = args.file === undefined ? args.code! : await readSource(args.file);
  let input: unknown = null;
  if (args.input !== undefined) {
    try {
      input = JSON.parse(args.input);
    } catch {
      throw new BuddyError("USAGE", "--input: not valid JSON");
    }
  }
  const record = await runSnippet(
    { code, input, timeout_ms: args["timeout-ms"], memory_mb: args["memory-mb"], seed: args.seed },
    { ...deps(args), executorCommand: executorCommand() },
  );
  printJson(record);
  return record.status === "succeeded" ? EXIT.OK : EXIT.TASKS_FAILED;
}

async function readSource(path: string): Promise<string> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new BuddyError("USAGE", `--file ${path}: no such file`);
  return file.text();
}
