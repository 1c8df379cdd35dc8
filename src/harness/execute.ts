/**
 * Executes a stored run wave by wave from the store's state, so the same code starts a run and
 * resumes one: a task with a final state is never run again, a wave whose tasks are all final
 * is replayed into the monitor (not run, not printed unless asked), and the summary covers the
 * whole run.
 */
import type { RunOptions } from "../config";
import { EXIT, interruptedExitCode, type Task } from "../core";
import { ExecutorPool, type TaskContext } from "../executor";
import { calibrate } from "../feedback";
import { createAgents, evaluateGates, rejected, type AgentState } from "../manager";
import { healthStatus, Monitor, type Trajectory } from "../monitor";
import type { RunRow, WaveRow } from "../store";
import { Committer } from "./committer";
import { concludeWave } from "./conclude";
import { attemptDurations, finalOfRow, isFinal, tallyOf } from "./finals";
import { interruptible } from "./interrupt";
import type { HeldLease } from "./lease";
import { observeWave } from "./observe";
import { providerHost, runProviders } from "./providers";
import type { SummaryRecord, WaveRecord } from "./records";
import type { HarnessDeps, RunResult } from "./run";
import { tally, type FinalTally } from "./tally";
import { taskRecord } from "./task-record";
import { countFinal, executeWave } from "./wave";

export const EXIT_BY_STATUS = { completed: EXIT.OK, failed: EXIT.TASKS_FAILED, halted: EXIT.HALTED, interrupted: EXIT.INTERRUPTED } as const;

/** What the summary adds up across waves. */
interface RunTotals {
  finals: FinalTally[];
  anomalies: number;
  signals: number;
  trajectory: Trajectory;
}

/** Executes `run` under its lease `held`, which the caller acquired and releases. */
export async function executeRun(run: RunRow, deps: HarnessDeps, held: HeldLease, replay = false): Promise<RunResult> {
  const { run_id } = run;
  const options = run.options as RunOptions;
  const committer = new Committer(deps.store, deps.emit, held.lease);
  held.startHeartbeat((error) => committer.fail(error));
  const interrupt = interruptible(deps.signal, deps.clock);
  let pool: ExecutorPool | undefined;
  const started = deps.clock.now();
  committer.record({ kind: "run_started", run_id, at: started });
  const providers = runProviders(run, deps.store, deps.env);
  const ctx = taskContext(run, deps, committer, (request) => {
    pool ??= new ExecutorPool({ size: options.threads, command: deps.executorCommand, clock: deps.clock, logger: deps.logger });
    const host = providerHost(providers, run_id, request.task.id, request.task.attempt, request.memoryMb, committer);
    return interrupt.race(pool.run(request, host));
  });
  const agents = createAgents(options.agents);
  const byAgent = new Map(agents.map((a) => [a.agent_id, a]));
  const monitor = new Monitor();
  const totals: RunTotals = { finals: [], anomalies: 0, signals: 0, trajectory: "stable" };
  let durations: Map<string, number[]> | undefined;
  const durationsOf = (task_id: string) => (durations ??= attemptDurations(deps.store, run_id)).get(task_id) ?? [];
  let halted = false;
  const stopping = () => halted || interrupt.requested() || committer.failure !== undefined;
  try {
    const stored = new Map(deps.store.waveRecords(run_id).map((w) => [w.wave, w]));
    for (const wave of deps.store.waves(run_id)) {
      const rows = deps.store.tasksOfWave(run_id, wave);
      const done = stored.get(wave);
      if (done && rows.every(isFinal)) {
        const finals = rows.map((r) => finalOfRow(r, durationsOf(r.task.task_id)));
        for (const f of finals) countFinal(byAgent, f);
        replayWave(done, finals, agents, monitor, totals);
        if (replay) {
          for (const f of finals) committer.echo(JSON.stringify(taskRecord(run_id, f)));
          committer.echo(JSON.stringify(done.record));
        }
        continue;
      }
      if (stopping()) {
        totals.finals.push(...rows.filter(isFinal).map((r) => tallyOf(finalOfRow(r))));
        continue;
      }
      const result = await executeWave(run, wave, rows, agents, ctx, committer, {
        replay,
        durations: durationsOf,
        shouldStop: stopping,
        onFinal: (f) => {
          if (options.fail_fast && f.status !== "succeeded") halted = true;
        },
      });
      totals.finals.push(...result.finals.map(tallyOf));
      // A wave cut short by a stop has no record yet: it gets one when a resume finishes it.
      if (!result.complete) continue;
      const obs = observeWave({
        run_id, wave, strategy: options.strategy,
        agents: agents.map((a) => ({ agent_id: a.agent_id, failed: result.failed.has(a.agent_id) })),
        finals: result.finals, plan: result.plan, steals: result.steals,
        started_at: result.started_at, ended_at: result.ended_at,
      });
      const { record, verdict, signals } = concludeWave(obs, result.plan, monitor, deps.clock.now());
      markFailed(agents, verdict.failed_next_wave);
      count(totals, record);
      for (const s of signals) committer.record({ kind: "signal", row: { run_id, wave, id: s.signal_id, document: s } });
      for (const a of verdict.anomalies) committer.record({ kind: "anomaly", row: { run_id, wave, id: a.anomaly_id, document: a } });
      committer.report({ kind: "wave_ended", row: { run_id, wave, record } }, JSON.stringify(record));
    }
    committer.flush();
  } finally {
    interrupt.dispose();
    await pool?.close({ now: interrupt.requested() });
  }
  const status = interrupt.requested() ? "interrupted" : halted ? "halted" : totals.finals.length === run.task_count && totals.finals.every((f) => f.status === "succeeded") ? "completed" : "failed";
  const summary = summaryRecord(run, status, totals, monitor, deps.clock.now() - started, deps.store.location);
  committer.report({ kind: "run_ended", run_id, status, at: deps.clock.now(), summary }, JSON.stringify(summary));
  committer.flush();
  return { summary, exitCode: status === "interrupted" ? interruptedExitCode(deps.signal) : EXIT_BY_STATUS[status] };
}

function taskContext(run: RunRow, deps: HarnessDeps, committer: Committer, attempt: TaskContext["attempt"]): TaskContext {
  const options = run.options as RunOptions;
  return {
    run_id: run.run_id,
    seed: run.seed,
    simulate: options.simulate,
    timeScale: options.time_scale,
    clock: deps.clock,
    signal: deps.signal,
    defaults: {
      timeout_ms: options.timeout_ms,
      memory_mb: options.memory_mb,
      max_retries: options.max_retries,
      retry: { strategy: options.retry, base_delay_ms: options.base_delay_ms, max_delay_ms: options.max_delay_ms, jitter: options.jitter },
    },
    attempt,
    gate: (task: Task, n: number) => {
      const decisions = evaluateGates(task, { min_confidence: options.min_confidence, live: options.live, attempt: n });
      committer.record({ kind: "gate_decisions", rows: decisions.map((d) => ({ run_id: run.run_id, ...d })) });
      return rejected(decisions)?.reason;
    },
    record: (write) => committer.record(write),
  };
}

/** A wave finished before a crash: its record is stored; the monitor sees it again to rebuild its history. */
function replayWave(done: WaveRow, finals: ReturnType<typeof finalOfRow>[], agents: AgentState[], monitor: Monitor, totals: RunTotals): void {
  const record = done.record as unknown as WaveRecord;
  const failed = new Set(record.failed_agents);
  const obs = observeWave({
    run_id: done.run_id, wave: done.wave, strategy: record.strategy,
    agents: agents.map((a) => ({ agent_id: a.agent_id, failed: failed.has(a.agent_id) })),
    finals, plan: record.plan, steals: record.steals,
    started_at: Date.parse(record.started_at), ended_at: Date.parse(record.ended_at),
  });
  const verdict = monitor.observe(obs);
  markFailed(agents, verdict.failed_next_wave);
  totals.finals.push(...finals.map(tallyOf));
  count(totals, record);
}

function markFailed(agents: AgentState[], failedNextWave: readonly string[]): void {
  for (const a of agents) a.failed_flag = failedNextWave.includes(a.agent_id);
}

function count(totals: RunTotals, record: WaveRecord): void {
  totals.anomalies += record.anomalies.length;
  totals.signals += record.signals.length;
  totals.trajectory = record.confidence_trajectory;
}

function summaryRecord(run: RunRow, status: SummaryRecord["status"], totals: RunTotals, monitor: Monitor, duration_ms: number, db: string): SummaryRecord {
  const t = tally(totals.finals, run.task_count);
  const scores = monitor.history.health_scores;
  const health_score = scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
  // Rejected tasks never ran, so they never tested their prediction.
  const calibration = calibrate(totals.finals.filter((f) => f.status !== "rejected").map((f) => ({ p: f.predicted, outcome: f.status === "succeeded" ? 1 : 0 })));
  return {
    type: "summary",
    run_id: run.run_id,
    status,
    totals: t.totals,
    success_rate: t.success_rate,
    health_score,
    health_status: health_score === null ? null : healthStatus(health_score),
    confidence_trajectory: totals.trajectory,
    brier: calibration.brier,
    calibration,
    waves: run.wave_count,
    anomalies: totals.anomalies,
    signals: totals.signals,
    seed: run.seed,
    duration_ms,
    db,
  };
}
