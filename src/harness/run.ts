/**
 * The entry points of a run: start one from input, or resume a stored one. Both end in
 * `executeRun`, which works from the store's state.
 */
import type { RunOptions } from "../config";
import { BuddyError, isFinished, iso, noSuchRun, randomSeed } from "../core";
import { taskRecord } from "../records";
import type { RunRow } from "../store";
import type { HarnessDeps, RunResult } from "./deps";
import { executeRun, EXIT_BY_OUTCOME } from "./execute";
import { checkArtifacts, writeArtifacts, type Artifacts } from "./artifacts";
import { ingest } from "./ingest";
import { leaseOrFollow } from "./follow";
import { acquireRunLease, DEFAULT_LEASE_PERIOD_MS } from "./lease";
import type { PreparedSource } from "./source";

export interface RunInput {
  /** The input, read and hashed before the store was opened; the caller disposes of it. */
  source: PreparedSource;
  options: RunOptions;
  /** Files to write when the run ends (`--out`, `--junit`). */
  artifacts?: Artifacts;
  /** Unknown fields of a task line are problems (`--strict`). */
  strict?: boolean;
}

function newRunId(now: number): string {
  const stamp = iso(now).replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
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
  const existing = await deps.store.getRun(run_id);
  if (existing) {
    if (existing.input_hash !== source.hash) {
      throw new BuddyError("INPUT", `run ${run_id} exists with a different input (${existing.input}); choose another --run-id`);
    }
    deps.logger.info(`run ${run_id} exists with this input: resuming it`);
    return resumeStored(existing, deps, false, input.artifacts);
  }
  await ingest(deps.store, source, { simulate: options.simulate, live: options.live, env: deps.env, strict: input.strict === true, logger: deps.logger }, {
    run_id,
    created_at: deps.clock.now(),
    seed: options.seed ?? randomSeed(),
    options: { ...options, run_id },
  });
  return withArtifacts(deps, run_id, input.artifacts, await executeOwned(run_id, deps, false));
}

/** `buddy resume RUN_ID`: continue an interrupted or crashed run; a finished one is only reported. */
export async function resumeRun(run_id: string, deps: HarnessDeps, replay = false, artifacts?: Artifacts): Promise<RunResult> {
  const run = await deps.store.getRun(run_id);
  if (!run) throw noSuchRun(run_id, deps.store.location);
  if (artifacts) await checkArtifacts(artifacts, run_id, { store: deps.store.files, input: run.input });
  return resumeStored(run, deps, replay, artifacts);
}

async function resumeStored(run: RunRow, deps: HarnessDeps, replay: boolean, artifacts?: Artifacts): Promise<RunResult> {
  const result = (await finishedResult(run, deps, replay)) ?? (await executeOwned(run.run_id, deps, replay));
  return withArtifacts(deps, run.run_id, artifacts, result);
}

/**
 * Executes the run as the holder of its lease, reading its state only once the lease is held:
 * another process may have advanced it, or finished it, in the meantime.
 */
async function executeOwned(run_id: string, deps: HarnessDeps, replay: boolean): Promise<RunResult> {
  const period = deps.leasePeriodMs ?? DEFAULT_LEASE_PERIOD_MS;
  // On a shared backend a run executed elsewhere is followed rather than refused (SPEC 11).
  const got = deps.store.queue ? await leaseOrFollow(run_id, deps, period) : { held: await acquireRunLease(deps.store, run_id, period, deps.logger), followed: false };
  if ("ended" in got) return { summary: got.ended.summary!, exitCode: EXIT_BY_OUTCOME[got.ended.status as keyof typeof EXIT_BY_OUTCOME] };
  const { held, followed } = got;
  // What was followed is printed already.
  const again = replay && !followed;
  try {
    const run = (await deps.store.getRun(run_id))!;
    return (await finishedResult(run, deps, again)) ?? (await executeRun(run, deps, held, again));
  } finally {
    await held.release();
  }
}

/**
 * A finished run is only reported: its summary again, with the run's exit code. With `replay`,
 * every wave's task records and its wave record come first, as `buddy run` printed them.
 */
async function finishedResult(run: RunRow, deps: HarnessDeps, replay: boolean): Promise<RunResult | undefined> {
  const { status, summary } = run;
  if ((status !== "completed" && status !== "failed" && status !== "halted") || !summary) return undefined;
  if (replay) {
    const records = new Map((await deps.store.waveRecords(run.run_id)).map((w) => [w.wave, w.record]));
    for (const wave of await deps.store.waves(run.run_id)) {
      for (const t of await deps.store.tasksOfWave(run.run_id, wave)) if (isFinished(t)) deps.emit(taskRecord(run.run_id, t));
      const record = records.get(wave);
      if (record) deps.emit(record);
    }
  }
  deps.emit(summary);
  return { summary, exitCode: EXIT_BY_OUTCOME[status] };
}

async function withArtifacts(deps: HarnessDeps, run_id: string, artifacts: Artifacts | undefined, result: RunResult): Promise<RunResult> {
  if (artifacts) await writeArtifacts(deps.store, run_id, artifacts, deps.clock.now());
  return result;
}
