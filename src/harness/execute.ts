/**
 * Executes a stored run wave by wave from the store's state, so the same code starts a run and
 * resumes one: a task with a final state is never run again, a wave whose tasks are all final
 * is skipped, and the summary covers the whole run.
 */
import type { RunOptions } from "../config";
import { EXIT } from "../core";
import { ExecutorPool, type TaskContext } from "../executor";
import { createAgents } from "../manager";
import type { RunRow } from "../store";
import { Committer } from "./committer";
import { finalOfRow, isFinal, tallyOf } from "./finals";
import { interruptible } from "./interrupt";
import type { SummaryRecord } from "./records";
import type { HarnessDeps, RunResult } from "./run";
import { tally, type FinalTally } from "./tally";
import { taskRecord } from "./task-record";
import { countFinal, executeWave } from "./wave";

export const EXIT_BY_STATUS = { completed: EXIT.OK, failed: EXIT.TASKS_FAILED, halted: EXIT.HALTED, interrupted: EXIT.INTERRUPTED } as const;

export async function executeRun(run: RunRow, deps: HarnessDeps, replay = false): Promise<RunResult> {
  const { run_id } = run;
  const options = run.options as RunOptions;
  const committer = new Committer(deps.store, deps.emit);
  const interrupt = interruptible(deps.signal, deps.clock);
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
    attempt: (request) => {
      pool ??= new ExecutorPool({ size: options.threads, command: deps.executorCommand, clock: deps.clock, logger: deps.logger });
      return interrupt.race(pool.run(request));
    },
    record: (write) => committer.record(write),
  };
  const agents = createAgents(options.agents);
  const byAgent = new Map(agents.map((a) => [a.agent_id, a]));
  const finals: FinalTally[] = [];
  let halted = false;
  const stopping = () => halted || interrupt.requested() || committer.failure !== undefined;
  try {
    for (const wave of deps.store.waves(run_id)) {
      const rows = deps.store.tasksOfWave(run_id, wave);
      const stored = deps.store.waveRecords(run_id).find((w) => w.wave === wave);
      if (stored && rows.every(isFinal)) {
        // Finished before a crash: its tasks count, nothing runs, nothing prints unless replayed.
        for (const row of rows) countFinal(byAgent, finalOfRow(row));
        finals.push(...rows.map((r) => tallyOf(finalOfRow(r))));
        if (replay) {
          for (const row of rows) committer.echo(JSON.stringify(taskRecord(run_id, finalOfRow(row))));
          committer.echo(JSON.stringify(stored.record));
        }
        continue;
      }
      if (stopping()) {
        finals.push(...rows.filter(isFinal).map((r) => tallyOf(finalOfRow(r))));
        continue;
      }
      const result = await executeWave(run, wave, rows, agents, ctx, committer, {
        replay,
        shouldStop: stopping,
        onFinal: (f) => {
          if (options.fail_fast && f.status !== "succeeded") halted = true;
        },
      });
      finals.push(...result.finals.map(tallyOf));
      // A wave cut short by a stop has no record yet: it gets one when a resume finishes it.
      if (result.complete) committer.report({ kind: "wave_ended", row: { run_id, wave, record: result.record } }, JSON.stringify(result.record));
    }
    committer.flush();
  } finally {
    interrupt.dispose();
    await pool?.close({ now: interrupt.requested() });
  }
  const status = interrupt.requested() ? "interrupted" : halted ? "halted" : finals.length === run.task_count && finals.every((f) => f.status === "succeeded") ? "completed" : "failed";
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
