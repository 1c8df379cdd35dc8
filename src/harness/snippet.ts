/**
 * `buddy sandbox eval`: one snippet run exactly as a task attempt runs: in an executor process
 * with the large native stack, under the same limits, through the same supervision.
 */
import { deriveSeed, type Deps } from "../core";
import { ExecutorPool, toAttemptError } from "../executor";
import { errorRecord, type ResultRecord } from "../records";

export interface SnippetOptions {
  code: string;
  /** The `input` global. @default null */
  input?: unknown;
  /** The CLI passes RUN_DEFAULTS.timeout_ms (src/config/defaults.ts) unless told. */
  timeout_ms: number;
  /** The CLI passes RUN_DEFAULTS.memory_mb unless told. */
  memory_mb: number;
  /** Seeds Math.random as a run with this seed would for task "snippet", attempt 1 (SNIPPET_SEED unless told). */
  seed: number;
  /** The file name errors give the code (`--file`'s name). @default "task.js" */
  filename?: string;
}

export async function runSnippet(options: SnippetOptions, deps: Deps & { executorCommand: readonly string[] }): Promise<ResultRecord> {
  const pool = new ExecutorPool({ size: 1, command: deps.executorCommand, clock: deps.clock, logger: deps.logger });
  try {
    const outcome = await pool.run({
      code: options.code,
      inputJson: JSON.stringify(options.input ?? null),
      task: { id: "snippet", wave: 1, attempt: 1, agent_id: "agent_0" },
      timeoutMs: options.timeout_ms,
      memoryMb: options.memory_mb,
      randomSeed: deriveSeed(options.seed, "random", "snippet", 1),
      ...(options.filename === undefined ? {} : { filename: options.filename }),
    });
    const record: ResultRecord = {
      type: "result",
      status: outcome.ok ? "succeeded" : "failed",
      console: outcome.console,
      console_truncated: outcome.consoleTruncated,
      violations: outcome.violations,
      duration_ms: Math.round(outcome.durationMs),
    };
    if (outcome.ok) record.result = JSON.parse(outcome.resultJson ?? "null");
    if (!outcome.ok) record.error = errorRecord(toAttemptError(outcome));
    return record;
  } finally {
    await pool.close();
  }
}
