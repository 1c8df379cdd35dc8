/**
 * The run: ingest the input as a new run, then execute it wave by wave from the store's state
 * (assign → coordination plan → execute → wave record), and finish with the summary.
 * Executing from the store means a task that already has a final state is never run again.
 */
import type { RunOptions } from "../config";
import { BuddyError, EXIT, randomSeed, type Deps } from "../core";
import { ExecutorPool, runWave, type TaskContext, type TaskFinal } from "../executor";
import { createAgents, planWave, type AgentState } from "../manager";
import type { RunRow, Store, TaskRow } from "../store";
import { Committer } from "./committer";
import { ingest } from "./ingest";
import type { SummaryRecord, WaveRecord } from "./records";
import { tally, type FinalTally } from "./tally";
import { taskFinalWrite, taskRecord } from "./task-record";

export interface HarnessDeps extends Deps {
  store: Store;
  /** Prints one stdout line; called only after the line's state is committed. */
  emit(line: string): void;
  /** Starts the binary in executor mode. */
  executorCommand: readonly string[];
  /** Stops dispatching when aborted (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export interface RunInput {
  source: string;
  stdin?: ReadableStream<Uint8Array>;
  options: RunOptions;
}

export interface RunResult {
  summary: SummaryRecord;
  exitCode: number;
}

const EXIT_BY_STATUS = { completed: EXIT.OK, failed: EXIT.TASKS_FAILED, halted: EXIT.HALTED, interrupted: EXIT.INTERRUPTED };

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).padStart(7, "0").slice(0, 6);
  return `${stamp}-${suffix}`;
}

export async function startRun(input: RunInput, deps: HarnessDeps): Promise<RunResult> {
  const { options } = input;
  const run_id = options.run_id ?? newRunId(deps.clock.now());
  if (deps.store.getRun(run_id)) throw new BuddyError("USAGE", `run ${run_id} exists already`);
  await ingest(
    deps.store,
    { source: input.source, stdin: input.stdin, simulate: options.simulate },
    { run_id, created_at: deps.clock.now(), seed: options.seed ?? randomSeed(), options: { ...options } },
  );
  return executeRun(run_id, deps);
}

export async function executeRun(run_id: string, deps: HarnessDeps): Promise<RunResult> {
  const run = deps.store.getRun(run_id);
  if (!run) throw new BuddyError("USAGE", `no run ${run_id}`);
  const options = run.options as RunOptions;
  const committer = new Committer(deps.store, deps.emit);
  let pool: ExecutorPool | undefined;
  const started = deps.clock.now();
  committer.record({ kind: "run_started", run_id, at: started });
  const ctx: TaskContext = {
    run_id,
    seed: run.seed,
    simulate: options.simulate,
    clock: deps.clock,
    signal: deps.signal,
    defaults: {
      timeout_ms: options.timeout_ms,
      memory_mb: options.memory_mb,
      max_retries: options.max_retries,
      retry: { strategy: options.retry, base_delay_ms: options.base_delay_ms, max_delay_ms: options.max_delay_ms, jitter: options.jitter },
    },
    attempt: (request) =>
      (pool ??= new ExecutorPool({ size: options.threads, command: deps.executorCommand, clock: deps.clock, logger: deps.logger })).run(request),
    record: (write) => committer.record(write),
  };
  const agents = createAgents(options.agents);
  const finals: FinalTally[] = [];
  let halted = false;
  const stopping = () => halted || deps.signal?.aborted === true || committer.failure !== undefined;
  try {
    for (const wave of deps.store.waves(run_id)) {
      if (stopping()) break;
      const rows = deps.store.tasksOfWave(run_id, wave);
      const record = await executeWave(run, wave, rows, agents, ctx, committer, {
        onFinal: (f) => {
          finals.push({ status: f.status, attempts: f.attempts, predicted: f.task.predicted_success_probability });
          if (options.fail_fast && f.status !== "succeeded") halted = true;
        },
        shouldStop: stopping,
      });
      committer.report({ kind: "wave_ended", row: { run_id, wave, record } }, JSON.stringify(record));
    }
    committer.flush();
  } finally {
    await pool?.close();
  }
  const status = deps.signal?.aborted ? "interrupted" : halted ? "halted" : finals.every((f) => f.status === "succeeded") && finals.length === run.task_count ? "completed" : "failed";
  const t = tally(finals, run.task_count);
  const summary: SummaryRecord = {
    type: "summary",
    run_id,
    status,
    totals: t.totals,
    success_rate: t.success_rate,
    brier: t.brier,
    waves: run.wave_count,
    seed: run.seed,
    duration_ms: deps.clock.now() - started,
    db: deps.store.location,
  };
  committer.report({ kind: "run_ended", run_id, status, at: deps.clock.now(), summary }, JSON.stringify(summary));
  committer.flush();
  return { summary, exitCode: EXIT_BY_STATUS[status] };
}

interface WaveHooks {
  onFinal(final: TaskFinal): void;
  shouldStop(): boolean;
}

async function executeWave(
  run: RunRow,
  wave: number,
  rows: readonly TaskRow[],
  agents: AgentState[],
  ctx: TaskContext,
  committer: Committer,
  hooks: WaveHooks,
): Promise<WaveRecord> {
  const options = run.options as RunOptions;
  const started = ctx.clock.now();
  const pending = rows.filter((r) => r.state === "pending" || r.state === "running");
  const { placements, plan } = planWave(wave, pending.map((r) => r.task), agents, options.strategy, options.concurrency);
  for (const p of placements) {
    committer.record({
      kind: "assignment",
      row: {
        run_id: run.run_id,
        task_id: p.task.task_id,
        agent_id: p.agent.agent_id,
        wave,
        strategy: options.strategy,
        predicted_success_probability: p.task.predicted_success_probability,
        priority: p.task.priority,
        assigned_at: started,
        reason: p.reason,
      },
    });
  }
  const attemptsSoFar = new Map(pending.map((r) => [r.task.task_id, r.attempts]));
  const waveFinals: FinalTally[] = [];
  const byAgent = new Map(agents.map((a) => [a.agent_id, a]));
  const { steals } = await runWave(placements, ctx, {
    agents: plan.agents,
    concurrency: options.concurrency,
    steal: options.strategy === "load_balanced",
    firstAttempt: (task) => (attemptsSoFar.get(task.task_id) ?? 0) + 1,
    shouldStop: hooks.shouldStop,
    onFinal: (f) => {
      const agent = byAgent.get(f.agent_id)!;
      agent[f.status === "succeeded" ? "succeeded" : "failed"]++;
      agent.attempts += f.attempts;
      agent.busy_ms += f.busy_ms;
      waveFinals.push({ status: f.status, attempts: f.attempts, predicted: f.task.predicted_success_probability });
      committer.report(taskFinalWrite(run.run_id, f), JSON.stringify(taskRecord(run.run_id, f)));
      hooks.onFinal(f);
    },
  });
  const ended = ctx.clock.now();
  const t = tally(waveFinals, rows.length);
  return {
    type: "wave",
    run_id: run.run_id,
    wave,
    strategy: options.strategy,
    totals: t.totals,
    success_rate: t.success_rate,
    mean_predicted: t.mean_predicted,
    brier: t.brier,
    steals,
    duration_ms: ended - started,
    started_at: new Date(started).toISOString(),
    ended_at: new Date(ended).toISOString(),
  };
}
