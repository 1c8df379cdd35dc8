/**
 * Executes a stored run wave by wave from the store's state, so the same code starts a run and
 * resumes one: a task with a final state is never run again, a wave whose tasks are all
 * finished is replayed into the monitor (not run, not printed unless asked), and the summary
 * covers the whole run.
 */
import type { RunOptions } from "../config";
import { EXIT, forPeople, interruptedExitCode, isFinished, type ExitCode, type FinishedTask, type Task } from "../core";
import type { TaskContext } from "../executor";
import { createAgents, evaluateGates, rejected, type AgentState } from "../manager";
import { Monitor } from "../monitor";
import { FAILED_TASKS_LISTED, taskRecord, type FailedTask, type RunOutcome, type SummaryRecord, type WaveRecord } from "../records";
import { TaskTally } from "../report";
import type { RunRow, StoredTask } from "../store";
import { Committer } from "./committer";
import { concludeWave } from "./conclude";
import { interruptible, type Interruptible } from "./interrupt";
import type { HeldLease } from "./lease";
import { observeWave, storedObservation } from "./observe";
import { providerHost, runProviders } from "./providers";
import type { AttemptRunner, HarnessDeps, RunResult } from "./deps";
import { countFinished, executeWave, type WaveExecution } from "./wave";

export const EXIT_BY_OUTCOME: Record<Exclude<RunOutcome, "interrupted">, ExitCode> = { completed: EXIT.OK, failed: EXIT.TASKS_FAILED, halted: EXIT.HALTED };

/** Executes `run` under its lease `held`, which the caller acquired and releases. */
export async function executeRun(run: RunRow, deps: HarnessDeps, held: HeldLease, replay = false): Promise<RunResult> {
  const execution = new RunExecution(run, deps, held, replay);
  return execution.execute();
}

/** One process's execution of a run, step by step: start, each wave, the summary. */
class RunExecution {
  readonly #run: RunRow;
  readonly #options: RunOptions;
  readonly #deps: HarnessDeps;
  readonly #replay: boolean;
  readonly #committer: Committer;
  readonly #interrupt: Interruptible;
  readonly #agents: AgentState[];
  readonly #byAgent: Map<string, AgentState>;
  readonly #monitor = new Monitor();
  readonly #tally: TaskTally;
  #anomalies = 0;
  #signals = 0;
  #halted = false;
  #haltedBy: FailedTask | null = null;
  /** The first FAILED_TASKS_LISTED tasks that did not succeed, by wave then input order. */
  #failedTasks: { failed: FailedTask; task: FinishedTask["task"] }[] = [];
  /** Tasks of the running wave finished since it started: the tally counts them when it ends. */
  #live = { wave: 0, finished: 0, failed: 0 };
  #runner: AttemptRunner | undefined;

  constructor(run: RunRow, deps: HarnessDeps, held: HeldLease, replay: boolean) {
    this.#run = run;
    this.#options = run.options;
    this.#deps = deps;
    this.#replay = replay;
    this.#committer = new Committer(deps.store, deps.emit, held.lease);
    held.startHeartbeat((error) => this.#committer.fail(error));
    this.#interrupt = interruptible(deps.signal, deps.clock);
    this.#agents = createAgents(this.#options.agents);
    this.#byAgent = new Map(this.#agents.map((a) => [a.agent_id, a]));
    this.#tally = new TaskTally(run.task_count);
  }

  async execute(): Promise<RunResult> {
    const { store, clock } = this.#deps;
    const { run_id } = this.#run;
    const started = clock.now();
    this.#committer.record({ kind: "run_started", run_id, at: started });
    const ctx = await this.#taskContext();
    try {
      const records = new Map((await store.waveRecords(run_id)).map((w) => [w.wave, w.record]));
      for (const wave of await store.waves(run_id)) {
        const stored = await store.tasksOfWave(run_id, wave);
        const record = records.get(wave);
        if (record && stored.every(isFinished)) this.#replayWave(record, stored.filter(isFinished));
        else if (this.#stopping()) this.#count(stored.filter(isFinished));
        else await this.#executeWave(wave, stored, ctx);
      }
      await this.#committer.flush();
    } finally {
      this.#interrupt.dispose();
      await this.#runner?.close({ now: this.#interrupt.requested() });
    }
    return this.#finish(started);
  }

  /** A wave finished before a crash: the monitor sees it again to rebuild its history. */
  #replayWave(record: WaveRecord, finished: FinishedTask[]): void {
    for (const f of finished) countFinished(this.#byAgent, f);
    const verdict = this.#monitor.observe(storedObservation(record, finished, this.#agents.map((a) => a.agent_id)));
    this.#markFailed(verdict.failed_next_wave);
    this.#count(finished);
    this.#live.wave = record.wave;
    this.#progress();
    this.#countWave(record);
    if (this.#replay) {
      for (const f of finished) this.#committer.echo(taskRecord(this.#run.run_id, f));
      this.#committer.echo(record);
    }
  }

  async #executeWave(wave: number, stored: StoredTask[], ctx: TaskContext): Promise<void> {
    const { run_id } = this.#run;
    // Executors take ~150 ms to start and load an engine: they start while the wave is planned.
    if (!this.#options.simulate) this.#runner ??= this.#deps.attempts(this.#options.threads, run_id);
    // Tasks of this wave an earlier process finished count from the start.
    const before = stored.filter(isFinished);
    this.#live = { wave, finished: before.length, failed: before.filter((f) => f.status !== "succeeded").length };
    this.#progress();
    const result = await executeWave(run_id, this.#options, wave, stored, this.#agents, ctx, this.#committer, {
      replay: this.#replay,
      shouldStop: () => this.#stopping(),
      onFinished: (f) => {
        this.#live.finished++;
        if (f.status !== "succeeded") this.#live.failed++;
        this.#progress();
        if (!this.#options.fail_fast || f.status === "succeeded") return;
        this.#halted = true;
        this.#haltedBy ??= failedTask(f);
      },
    });
    this.#live.finished = this.#live.failed = 0;
    this.#count(result.finished);
    this.#progress();
    // A wave cut short by a stop has no record yet: it gets one when a resume finishes it.
    if (result.complete) this.#concludeWave(wave, result);
  }

  #concludeWave(wave: number, result: WaveExecution): void {
    const { run_id } = this.#run;
    const obs = observeWave({
      run_id, wave, strategy: this.#options.strategy,
      agents: this.#agents.map((a) => ({ agent_id: a.agent_id, failed: result.satOut.has(a.agent_id) })),
      finished: result.finished, plan: result.plan, steals: result.steals,
      started_at: result.started_at, ended_at: result.ended_at,
    });
    const { record, verdict, signals } = concludeWave(obs, this.#monitor, this.#deps.clock.now());
    this.#markFailed(verdict.failed_next_wave);
    this.#countWave(record);
    for (const s of signals) this.#committer.record({ kind: "signal", row: { run_id, wave, id: s.signal_id, document: s } });
    for (const a of verdict.anomalies) this.#committer.record({ kind: "anomaly", row: { run_id, wave, id: a.anomaly_id, document: a } });
    this.#committer.report({ kind: "wave_ended", row: { run_id, wave, record } }, record);
  }

  async #finish(started: number): Promise<RunResult> {
    const { clock, store, signal } = this.#deps;
    const interrupted = this.#interrupt.requested();
    const t = this.#tally.totals;
    const status: RunOutcome = interrupted ? "interrupted" : this.#halted ? "halted" : t.succeeded === t.tasks ? "completed" : "failed";
    const exitCode = status === "interrupted" ? interruptedExitCode(signal) : EXIT_BY_OUTCOME[status];
    const figures = this.#tally.figures(this.#monitor.history.health_scores);
    const ended = clock.now();
    const summary: SummaryRecord = forPeople({
      type: "summary",
      run_id: this.#run.run_id,
      status,
      exit_code: exitCode,
      totals: figures.totals,
      failed_tasks: this.#failedTasks.map((f) => f.failed),
      halted_by: this.#haltedBy,
      success_rate: figures.success_rate,
      health_score: figures.health_score,
      health_status: figures.health_status,
      confidence_trajectory: figures.confidence_trajectory,
      brier: figures.calibration.brier,
      calibration: figures.calibration,
      waves: this.#run.wave_count,
      anomalies: this.#anomalies,
      signals: this.#signals,
      seed: this.#run.seed,
      // The whole run, as the reports and `buddy runs` count it: from its first start (an earlier
      // process's, for a resumed run) to the end this record is stored with.
      duration_ms: ended - (this.#run.started_at ?? started),
      db: store.location,
    });
    this.#committer.report({ kind: "run_ended", run_id: this.#run.run_id, status, at: ended, summary }, summary);
    await this.#committer.flush();
    return { summary, exitCode };
  }

  #progress(): void {
    const t = this.#tally.totals;
    this.#deps.onProgress?.({
      run_id: this.#run.run_id,
      tasks: t.tasks,
      finished: t.tasks - t.pending + this.#live.finished,
      failed: t.failed + t.rejected + this.#live.failed,
      wave: this.#live.wave,
      waves: this.#run.wave_count,
    });
  }

  #stopping(): boolean {
    return this.#halted || this.#interrupt.requested() || this.#committer.failure !== undefined;
  }

  #count(finished: readonly FinishedTask[]): void {
    for (const f of finished) this.#tally.add(f.status, f.attempts, f.task.predicted_success_probability);
    // Waves are counted in order, so the first tasks listed stay the first whatever comes later.
    const failing = finished.filter((f) => f.status !== "succeeded");
    if (failing.length === 0 || this.#failedTasks.length >= FAILED_TASKS_LISTED) return;
    this.#failedTasks.push(...failing.map((f) => ({ failed: failedTask(f), task: f.task })));
    this.#failedTasks.sort((a, b) => a.task.wave - b.task.wave || a.task.seq - b.task.seq);
    this.#failedTasks.length = Math.min(this.#failedTasks.length, FAILED_TASKS_LISTED);
  }

  #countWave(record: WaveRecord): void {
    this.#anomalies += record.anomalies.length;
    this.#signals += record.signals.length;
  }

  #markFailed(failedNextWave: readonly string[]): void {
    for (const a of this.#agents) a.marked_failed = failedNextWave.includes(a.agent_id);
  }

  async #taskContext(): Promise<TaskContext> {
    const { run_id, seed } = this.#run;
    const options = this.#options;
    const deps = this.#deps;
    const committer = this.#committer;
    const providers = await runProviders(this.#run, deps.store, deps.env, deps.clock);
    return {
      run_id,
      seed,
      simulate: options.simulate,
      timeScale: options.time_scale,
      dryRun: !options.live,
      clock: deps.clock,
      signal: deps.signal,
      defaults: {
        timeout_ms: options.timeout_ms,
        memory_mb: options.memory_mb,
        max_retries: options.max_retries,
        retry: { strategy: options.retry, base_delay_ms: options.base_delay_ms, max_delay_ms: options.max_delay_ms, jitter: options.jitter },
      },
      runAttempt: (request) => {
        this.#runner ??= deps.attempts(options.threads, run_id);
        const host = providerHost(providers, request.task.id, request.task.attempt, request.memoryMb, (state) =>
          committer.recordLatest("provider_state", { kind: "provider_state", run_id, state }),
        );
        return this.#interrupt.race(this.#runner.run(request, host));
      },
      gate: (task: Task, attempt: number) => {
        const decisions = evaluateGates(task, { min_confidence: options.min_confidence, live: options.live, attempt });
        committer.record({ kind: "gate_decisions", run_id, decisions });
        return rejected(decisions)?.reason;
      },
      record: (write) => committer.record(write),
      pace: () => committer.pace(),
    };
  }
}

/** How the summary names a task that did not succeed: its last attempt's error code. */
function failedTask(f: FinishedTask): FailedTask {
  return { task_id: f.task.task_id, code: f.error?.code ?? (f.status === "rejected" ? "SAFETY_GATE_REJECTED" : "TASK_ERROR") };
}
