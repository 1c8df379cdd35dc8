/** `buddy run FILE|-`: validate, create a run, execute it, stream results. */
import { cpus } from "node:os";
import type { Argv } from "yargs";
import { parseRunOptions, RUN_DEFAULTS, STRATEGY_NAMES } from "../../config";
import { BuddyError, RETRY_STRATEGIES } from "../../core";
import { checkArtifacts, prepareSource, startRun, type Artifacts } from "../../harness";
import { isLiveMode } from "../../providers";
import { storeFiles } from "../../store";
import { backendUrl, inputArg, storeLocation, type GlobalArgs } from "../context";
import { runSession } from "../session";
import { numeric } from "../flags";
import { exitOnSignalDuring } from "../process-signals";

export const runOptions = (y: Argv) =>
  y
    .option("agents", numeric("agents (logical worker lanes agent_0 … agent_{N-1}), 1 to 10000", RUN_DEFAULTS.agents))
    .option("strategy", { choices: STRATEGY_NAMES, default: RUN_DEFAULTS.strategy, describe: "how tasks are assigned to agents (SPEC 4.2)" })
    .option("concurrency", numeric("tasks in flight per agent", RUN_DEFAULTS.concurrency))
    .option("threads", numeric("executor processes [default: CPU count]; with --backend, 0 leaves every attempt to workers"))
    .option("retry", { choices: RETRY_STRATEGIES, default: RUN_DEFAULTS.retry, describe: "backoff between attempts" })
    .option("max-retries", numeric("attempts after the first for a task that fails with a retryable error (0 to 100)", RUN_DEFAULTS.max_retries))
    .option("base-delay-ms", numeric("the first retry's delay; later ones grow as the retry strategy says", RUN_DEFAULTS.base_delay_ms))
    .option("max-delay-ms", numeric("no retry delay is longer than this", RUN_DEFAULTS.max_delay_ms))
    .option("jitter", numeric("± fraction of each delay (0 to 1), from the seeded RNG", RUN_DEFAULTS.jitter))
    .option("timeout-ms", numeric("CPU deadline per attempt (a task's timeout_ms overrides it)", RUN_DEFAULTS.timeout_ms))
    .option("memory-mb", numeric("memory cap per attempt (a task's memory_mb overrides it)", RUN_DEFAULTS.memory_mb))
    .option("seed", numeric("seed of every random choice, 0 to 4294967295 [default: random, recorded]"))
    .option("simulate", { type: "boolean", default: RUN_DEFAULTS.simulate, describe: "tasks without code succeed with their predicted probability" })
    .option("time-scale", numeric("simulated tasks take predicted_execution_time × this many seconds; a dry run sleeps the retry waits its mocks cause × this", RUN_DEFAULTS.time_scale))
    .option("fail-fast", { type: "boolean", default: RUN_DEFAULTS.fail_fast, describe: "stop after the first failed task (exit 3)" })
    .option("min-confidence", numeric("safety gate: a task predicted below this is rejected in a live run, recorded as would_reject in a dry run", RUN_DEFAULTS.min_confidence))
    .option("run-id", { type: "string", describe: "name of the run [default: a new id]; an existing run of that name and input is resumed" })
    .option("mock-error-rate", numeric("scale the dry-run mocks' error rates (0: no injected errors)", RUN_DEFAULTS.mock_error_rate))
    .option("mock-latency-ms", numeric("dry run: every mock provider call is answered after this many ms (no effect on a live run)", RUN_DEFAULTS.mock_latency_ms))
    // No yargs default: an absent flag leaves the choice to DRY_RUN, a given one (--no-live too) overrides it.
    .option("live", { type: "boolean", describe: `real provider clients instead of mocks; --no-live forces a dry run [default: ${RUN_DEFAULTS.live}, or true when DRY_RUN=false]` })
    .option("strict", STRICT_OPTION)
    .option("out", artifactOptions.out)
    .option("junit", artifactOptions.junit)
    .option("force", artifactOptions.force);

/** `run` and `validate`: unknown fields of a task line are problems instead of meta. */
export const STRICT_OPTION = { type: "boolean", default: false, describe: "an unknown field of a task line is a problem (exit 2), not kept as meta" } as const;

/** Where a run's files go when it ends; `resume` takes the same. */
export const artifactOptions = {
  out: { type: "string", describe: "write the original's file layout (SPEC 9.2) and report.html here" },
  junit: { type: "string", describe: "write JUnit XML (a testcase per task) to this file" },
  force: { type: "boolean", default: false, describe: "--out into a directory that is not empty: replace buddy's files there, keep the others" },
} as const;

export const artifactsOf = (args: { out?: unknown; junit?: unknown; force?: unknown } & object): Artifacts => ({
  ...(typeof args.out === "string" ? { out: args.out } : {}),
  ...(typeof args.junit === "string" ? { junit: args.junit } : {}),
  ...(args.force === true ? { force: true } : {}),
});

type RunArgs = GlobalArgs & { input: string } & Record<string, unknown>;

/** `--threads`, CPU count by default; 0 (no executors of its own) only on a shared backend, where workers run the attempts. */
function threadsOf(args: RunArgs): unknown {
  if (args.threads === 0 && backendUrl(args) === undefined) {
    throw new BuddyError("USAGE", "--threads 0 leaves the attempts to `buddy worker` processes, so it needs --backend; a local run needs --threads ≥ 1");
  }
  return args.threads ?? Math.max(1, cpus().length);
}

export async function runCommand(args: RunArgs): Promise<number> {
  const options = parseRunOptions({
    agents: args.agents,
    strategy: args.strategy,
    concurrency: args.concurrency,
    threads: threadsOf(args),
    retry: args.retry,
    max_retries: args["max-retries"],
    base_delay_ms: args["base-delay-ms"],
    max_delay_ms: args["max-delay-ms"],
    jitter: args.jitter,
    timeout_ms: args["timeout-ms"],
    memory_mb: args["memory-mb"],
    seed: args.seed,
    simulate: args.simulate,
    time_scale: args["time-scale"],
    fail_fast: args["fail-fast"],
    min_confidence: args["min-confidence"],
    run_id: args["run-id"],
    mock_error_rate: args["mock-error-rate"],
    mock_latency_ms: args["mock-latency-ms"],
    live: isLiveMode(typeof args.live === "boolean" ? args.live : undefined, process.env),
  });
  const artifacts = artifactsOf(args);
  // Everything that can be refused is refused before the input is read and the store opened.
  await checkArtifacts(artifacts, options.run_id, { store: storeFiles(storeLocation(args)), input: inputArg(args.input) });
  const source = await exitOnSignalDuring(() => prepareSource(inputArg(args.input)));
  try {
    return await runSession(args, (deps) => startRun({ source, options, artifacts, strict: args.strict === true }, deps));
  } finally {
    source.dispose();
  }
}
