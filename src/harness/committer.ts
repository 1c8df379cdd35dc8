/**
 * Batches store writes into transactions so persistence is not the bottleneck, and holds each
 * output record back until the transaction carrying its state has committed: nothing is reported
 * that a crash could lose (SPEC 9.1). Writes gather for up to `BATCH_WINDOW_MS`, or until
 * `BATCH_MAX_WRITES` are waiting, and then go out in one transaction: a commit costs about as
 * much as a hundred row writes, so one per task would halve throughput, while a few
 * milliseconds of delay on a printed line is invisible (50 ms measured ~7 % faster than 16 ms).
 */
const BATCH_WINDOW_MS = 50;
const BATCH_MAX_WRITES = 4000;
/** Full batches that may wait behind the commit in flight before the run waits for them. */
const MAX_PENDING_COMMITS = 2;

import type { RunOutput } from "../records";
import type { Lease, Store, StoreWrite } from "../store";

export class Committer {
  private writes: StoreWrite[] = [];
  /** Writes of which only the newest counts (a state snapshot), by key: one per transaction. */
  private latest = new Map<string, StoreWrite>();
  private records: RunOutput[] = [];
  private scheduled = false;
  /** The commit in flight, if any: the next one waits for it. */
  private committing: Promise<void> = Promise.resolve();
  /** Commits asked for and not done yet, and who waits for fewer (`pace`). */
  private pending = 0;
  private paced: (() => void)[] = [];
  /** The first store error; the run stops on it. */
  failure: unknown;

  /** @param fence the run's lease: every commit is refused once another process took it over. */
  constructor(
    private readonly store: Store,
    private readonly emit: (record: RunOutput) => void,
    private readonly fence: Lease,
  ) {}

  /** Stops the run on an error found outside a commit (the heartbeat lost the lease). */
  fail(error: unknown): void {
    this.failure ??= error;
  }

  record(write: StoreWrite): void {
    if (this.failure) throw this.failure;
    this.writes.push(write);
    if (this.writes.length >= BATCH_MAX_WRITES) this.flushSafely();
    else this.schedule();
  }

  /** Records `write`, replacing a pending write with the same key (a newer snapshot of the same state). */
  recordLatest(key: string, write: StoreWrite): void {
    if (this.failure) throw this.failure;
    this.latest.set(key, write);
    this.schedule();
  }

  /** Records `write` and emits `output` once it is committed. */
  report(write: StoreWrite, output: RunOutput): void {
    this.record(write);
    this.records.push(output);
  }

  /** Emits `output` after the next commit, for records whose state is already stored (replay). */
  echo(output: RunOutput): void {
    this.records.push(output);
    this.schedule();
  }

  /**
   * Commits everything pending now, then prints what it carried. Commits go out one at a time,
   * in the order they were asked for, so records print in the order they were reported.
   */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.failure) return Promise.reject(this.failure);
    const writes = this.latest.size === 0 ? this.writes : [...this.writes, ...this.latest.values()];
    const records = this.records;
    this.writes = [];
    this.latest.clear();
    this.records = [];
    this.pending++;
    const commit = this.committing.then(async () => {
      if (this.failure) throw this.failure;
      try {
        // Records with no writes (replay) are checked too: nothing is printed unless the lease is
        // still ours and the store still the one opened, right now.
        if (writes.length > 0 || records.length > 0) await this.store.apply(writes, this.fence);
      } catch (error) {
        this.failure ??= error;
        throw error;
      }
      for (const output of records) this.emit(output);
    });
    // The chain itself never rejects: a failure is kept in `failure` for the next caller.
    this.committing = commit.catch(() => {}).finally(() => {
      this.pending--;
      if (this.pending <= MAX_PENDING_COMMITS) for (const go of this.paced.splice(0)) go();
    });
    return commit;
  }

  /**
   * A promise while more commits are waiting than MAX_PENDING_COMMITS, for the producer of
   * writes to wait on: without it a run that finishes tasks faster than the store commits them
   * would hold every batch in memory (a million simulated tasks). Undefined when there is room.
   */
  pace(): Promise<void> | undefined {
    if (this.pending <= MAX_PENDING_COMMITS) return undefined;
    return new Promise((resolve) => this.paced.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      if (this.scheduled) this.flushSafely();
    }, BATCH_WINDOW_MS);
  }

  /** A failure here is kept in `failure` and rethrown to the run by the next record or flush. */
  private flushSafely(): void {
    this.flush().catch(() => {});
  }
}
