/**
 * The entry points of a run: start one from input, or resume a stored one. Both end in
 * `executeRun`, which works from the store's state.
 */
import type { RunOptions } from "../config";
import { BuddyError, noSuchRun, randomSeed, type Deps } from "../core";
import type { RunRow, Store } from "../store";
import { executeRun, EXIT_BY_STATUS } from "./execute";
import { checkArtifacts, writeArtifacts, type Artifacts } from "./artifacts";
import { ingest } from "./ingest";
import { acquireRunLease, DEFAULT_LEASE_PERIOD_MS } from "./lease";
import type { SummaryRecord } from "./records";
import type { PreparedSource } from "./source";

export interface HarnessDeps extends Deps {
  store: Store;
  /** Prints one stdout line; called only after the line's state is committed. */
  emit(line: string): void;
  /** Starts the binary in executor mode. */
  executorCommand: readonly string[];
  /** Stops dispatching when aborted (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Where provider credentials and base URLs come from (SPEC 6). */
  env: Record<string, string | undefined>;
  /**
   * A run's lease not renewed for this long is taken over by another process (SPEC 9.1).
   * @default DEFAULT_LEASE_PERIOD_MS (30 s)
   */
  leasePeriodMs?: number;
}

export interface RunInput {
  /** The input, read and hashed before the store was opened; the caller disposes of it. */
  source: PreparedSource;
  options: RunOptions;
  /** Files to write when the run ends (`--out`, `--junit`). */
  artifacts?: Artifacts;
}

export interface RunResult {
  summary: SummaryRecord;
  exitCode: number;
}

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).padStart(7, "0").slice(0, 6);
  return `${stamp}-${suffix}`;
}

/**
 * Starts a run. With `--run-id` naming an existing run, the same input (by content hash)
 * resumes it with its stored options; a different input is an input error.
 */
export async function startRun(input: RunInput, deps: HarnessDeps): Promise<RunResult> {
  const { options } = input;
  const run_id = options.run_id ?? newRunId(deps.clock.now());
  const { source } = input;
  // Checked again here, where the store is known: no artifact may replace the store or the input.
  if (input.artifacts) await checkArtifacts(input.artifacts, run_id, { store: deps.store.files, input: source.source });
  const existing = deps.store.getRun(run_id);
  if (existing) {
    if (existing.input_hash !== source.hash) {
      throw new BuddyError("INPUT", `run ${run_id} exists with a different input (${existing.input}); choose another --run-id`);
    }
    deps.logger.info(`run ${run_id} exists with this input: resuming it`);
    return resumeStored(existing, deps, false, input.artifacts);
  }
  await ingest(deps.store, source, { simulate: options.simulate, live: options.live, env: deps.env }, {
    run_id,
    created_at: deps.clock.now(),
    seed: options.seed ?? randomSeed(),
    options: { ...options, run_id },
  });
  return withArtifacts(deps, run_id, input.artifacts, await executeOwned(run_id, deps, false));
}

/** `buddy resume RUN_ID`: continue an interrupted or crashed run; a finished one is only reported. */
export async function resumeRun(run_id: string, deps: HarnessDeps, replay = false, artifacts?: Artifacts): Promise<RunResult> {
  const run = deps.store.getRun(run_id);
  if (!run) throw noSuchRun(run_id, deps.store.location);
  if (artifacts) await checkArtifacts(artifacts, run_id, { store: deps.store.files, input: run.input });
  return resumeStored(run, deps, replay, artifacts);
}

async function resumeStored(run: RunRow, deps: HarnessDeps, replay: boolean, artifacts?: Artifacts): Promise<RunResult> {
  const result = finishedResult(run, deps) ?? (await executeOwned(run.run_id, deps, replay));
  return withArtifacts(deps, run.run_id, artifacts, result);
}

/**
 * Executes the run as the holder of its lease, reading its state only once the lease is held:
 * another process may have advanced it, or finished it, in the meantime.
 */
async function executeOwned(run_id: string, deps: HarnessDeps, replay: boolean): Promise<RunResult> {
  const held = acquireRunLease(deps.store, run_id, deps.leasePeriodMs ?? DEFAULT_LEASE_PERIOD_MS, deps.logger);
  try {
    const run = deps.store.getRun(run_id)!;
    return finishedResult(run, deps) ?? (await executeRun(run, deps, held, replay));
  } finally {
    held.release();
  }
}

/** A finished run is only reported: its summary again, with the run's exit code. */
function finishedResult(run: RunRow, deps: HarnessDeps): RunResult | undefined {
  const finished = run.status === "completed" || run.status === "failed" || run.status === "halted";
  if (!finished || !run.summary) return undefined;
  deps.emit(JSON.stringify(run.summary));
  return { summary: run.summary as SummaryRecord, exitCode: EXIT_BY_STATUS[run.status as keyof typeof EXIT_BY_STATUS] };
}

async function withArtifacts(deps: HarnessDeps, run_id: string, artifacts: Artifacts | undefined, result: RunResult): Promise<RunResult> {
  if (artifacts) await writeArtifacts(deps.store, run_id, artifacts, deps.clock.now());
  return result;
}
