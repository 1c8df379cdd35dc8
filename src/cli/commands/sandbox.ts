/** `buddy sandbox eval CODE|--file F`: one snippet, run exactly as a task attempt. */
import { basename } from "node:path";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { AttemptOptionsSchema, parseFlags, SNIPPET_SEED } from "../../config";
import { BuddyError, EXIT } from "../../core";
import { runSnippet } from "../../harness";
import { LINE_FIELD } from "../../input";
import { parseStrictJson } from "../../input/json";
import { MAX_SCRIPT_BYTES } from "../../input/script";
import { fsReason, STDIN_NAME } from "../../input/source";
import { deps, executorCommand, inputArg, type GlobalArgs } from "../context";
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
  // The same limits as a run's attempts, checked the same way (SPEC 1, 5).
  const limits = parseFlags(AttemptOptionsSchema, { timeout_ms: args["timeout-ms"], memory_mb: args["memory-mb"], seed: args.seed });
  const input = args.input === undefined ? null : parseInput(args.input);
  const code = args.file === undefined ? args.code! : await readCode(inputArg(args.file));
  const record = await runSnippet(
    {
      code,
      input,
      timeout_ms: limits.timeout_ms,
      memory_mb: limits.memory_mb,
      seed: limits.seed ?? SNIPPET_SEED,
      // Errors name the file as a script task's do (stdin has no name: task.js).
      ...(args.file === undefined || args.file === "-" ? {} : { filename: basename(args.file) }),
    },
    { ...deps(args), executorCommand: executorCommand() },
  );
  printJson(record);
  return record.status === "succeeded" ? EXIT.OK : EXIT.TASKS_FAILED;
}

/** `--input` obeys the rules of a task line's `input` (json.ts): depth, numbers, Unicode. */
function parseInput(text: string): unknown {
  const parsed = parseStrictJson(text);
  if (parsed.ok) return parsed.value;
  const [first] = parsed.problems.map((p) => `--input: ${p.field === LINE_FIELD ? "" : `${p.field}: `}${p.message}`);
  throw new BuddyError("USAGE", first!);
}

/** The code of `--file F` (`-` for stdin): UTF-8 text of at most 1 MiB, as a task's `script`. */
async function readCode(path: string): Promise<string> {
  const name = path === "-" ? STDIN_NAME : path;
  if (path !== "-") {
    const info = await stat(path).catch((cause: unknown) => {
      throw new BuddyError("USAGE", `--file ${path}: ${fsReason(cause)}`, { cause });
    });
    if (info.isDirectory()) throw new BuddyError("USAGE", `--file ${path}: is a directory`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const stream = path === "-" ? Bun.stdin.stream() : createReadStream(path, { highWaterMark: 64 * 1024 });
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_SCRIPT_BYTES) throw new BuddyError("USAGE", `--file ${name}: is larger than 1 MiB`);
      chunks.push(chunk);
    }
  } catch (cause) {
    if (cause instanceof BuddyError) throw cause;
    throw new BuddyError("USAGE", `--file ${name}: ${fsReason(cause)}`, { cause });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BuddyError("USAGE", `--file ${name}: is not valid UTF-8 text`);
  }
}
