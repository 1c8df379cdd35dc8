/**
 * `buddy resume RUN --backend …` while the run's coordinator is alive on another machine
 * (SPEC 11): follow the run, printing its records as the coordinator commits them, each once,
 * and take the run over when the coordinator goes away (its lease freed, or taken over as on
 * SQLite: at once on this host when its pid is gone, after a lease period otherwise).
 */
import { BuddyError, Interruption, isFinished } from "../core";
import { taskRecord } from "../records";
import type { RunRow } from "../store";
import type { HarnessDeps } from "./deps";
import { acquireRunLease, type HeldLease } from "./lease";

/** The store is looked at this often while another process coordinates the run. */
const FOLLOW_MS = 500;

/** Prints what the store holds of a run, each record once, waves in order. */
class Follower {
  readonly #printed = new Set<string>();
  /** Waves whose `wave` record was printed: nothing of theirs changes any more. */
  #done = 0;
  #waves: number[] | undefined;

  constructor(
    private readonly run_id: string,
    private readonly deps: HarnessDeps,
  ) {}

  /** Prints what is new; returns the run once it has ended. */
  async poll(): Promise<RunRow | undefined> {
    const { store, emit } = this.deps;
    this.#waves ??= await store.waves(this.run_id);
    const records = new Map((await store.waveRecords(this.run_id)).map((w) => [w.wave, w.record]));
    for (const wave of this.#waves.slice(this.#done)) {
      // The wave record is read before its tasks: every task it counts is among them.
      const record = records.get(wave);
      for (const t of await store.tasksOfWave(this.run_id, wave)) {
        if (!isFinished(t) || this.#printed.has(t.task.task_id)) continue;
        this.#printed.add(t.task.task_id);
        emit(taskRecord(this.run_id, t));
      }
      if (record === undefined) break;
      emit(record);
      this.#done++;
    }
    // An interrupted run has a summary too, but it is not over: its lease is about to be free.
    const run = await store.getRun(this.run_id);
    return run?.summary && run.status !== "interrupted" ? run : undefined;
  }
}

/** The lease (`followed`: after following the run, whose records are printed so far), or the run that ended meanwhile. */
export type Followed = { held: HeldLease; followed: boolean } | { ended: RunRow };

/**
 * The run's lease, once this process can have it, after printing what the run's coordinator
 * committed meanwhile; or the run, when it ended while it was followed (its summary printed).
 */
export async function leaseOrFollow(run_id: string, deps: HarnessDeps, periodMs: number): Promise<Followed> {
  const follower = new Follower(run_id, deps);
  let told = false;
  for (;;) {
    if (deps.signal?.aborted) throw deps.signal.reason instanceof Interruption ? deps.signal.reason : new Interruption("SIGINT");
    try {
      const held = await acquireRunLease(deps.store, run_id, periodMs, deps.logger);
      // Nothing changes the run any more but this process: what the coordinator left is printed
      // before this process goes on from there.
      if (told) await follower.poll();
      return { held, followed: told };
    } catch (error) {
      const holder = await deps.store.currentLease(run_id);
      if (!(error instanceof BuddyError) || holder === undefined) throw error;
      if (!told) deps.logger.info(`run ${run_id} is being executed by pid ${holder.pid} on host ${holder.host}: following it (and taking it over if it goes away)`);
      told = true;
    }
    const ended = await follower.poll();
    if (ended) {
      deps.emit(ended.summary!);
      return { ended };
    }
    await deps.clock.sleep(FOLLOW_MS, deps.signal).catch(() => {});
  }
}
