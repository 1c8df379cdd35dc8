/**
 * `Store.apply`: a batch of state changes in one transaction. This is the harness's hot path —
 * it batches thousands of writes per commit — so the work per write is one exhaustive switch
 * and one or two prepared statements.
 */
import type { Database } from "bun:sqlite";
import type { Lease, StoreWrite } from "../types";
import type { Write } from "../write";
import type { StoreIdentity } from "./identity";
import type { LeaseStatements } from "./leases";
import type { Statements } from "./statements";

/** What every commit checks before it counts: the store is still this one, the lease still ours. */
export interface CommitChecks {
  leases: LeaseStatements;
  identity: StoreIdentity;
}

export type Applier = (writes: readonly StoreWrite[], fence?: Lease) => void;

export function batchApplier(db: Database, sql: Statements, checks: CommitChecks | undefined): Applier {
  const applyAll = db.transaction((writes: readonly StoreWrite[], fence: Lease | undefined) => {
    // Inside the transaction, under the write lock: no other process can take the lease over
    // or swap the content between these checks and the commit.
    checks?.identity.checkContent();
    if (fence !== undefined) checks?.leases.check(fence);
    const batch = new Batch(writes);
    for (const write of writes) applyOne(sql, write, batch);
  });
  // IMMEDIATE takes the write lock up front, where the busy timeout applies. A deferred
  // transaction that reads before it writes fails at once (SQLITE_BUSY_SNAPSHOT) when another
  // process committed in between.
  return (writes, fence) => {
    if (writes.length === 0 && fence === undefined) return;
    applyAll.immediate(writes, fence);
    // After the commit: the files it went to must still be the ones at the path, or what it
    // carried is lost to everyone else and must not be reported.
    checks?.identity.checkFiles();
  };
}

/**
 * What later writes of the same batch make redundant: most tasks start, run and finish within one
 * 50 ms batch, and a state that a later write of the same transaction replaces need not be
 * written first (nobody can read between them). A task's final state overwrites its assignment
 * and its attempt's start; an attempt that ends in the batch is written once, whole. About 7
 * statements per task become 4. Each kept statement still checks that its row exists.
 */
class Batch {
  private readonly finishing = new Set<string>();
  private readonly ending = new Map<string, Write<"attempt_ended">>();
  private readonly written = new Set<Write<"attempt_ended">>();

  constructor(writes: readonly StoreWrite[]) {
    for (const w of writes) {
      if (w.kind === "task_finished") this.finishing.add(taskKey(w.run_id, w.finished.task.task_id));
      else if (w.kind === "attempt_ended") this.ending.set(attemptKey(w), w);
    }
  }

  /** The task reaches its final state later in this batch. */
  finishes(run_id: string, task_id: string): boolean {
    return this.finishing.has(taskKey(run_id, task_id));
  }

  /** The end of an attempt that starts in this batch, taken to be written with its start. */
  takeEnd(started: Write<"attempt_started">): Write<"attempt_ended"> | undefined {
    const ended = this.ending.get(attemptKey(started));
    if (ended !== undefined) this.written.add(ended);
    return ended;
  }

  /** The attempt end was written with its start. */
  writtenWithStart(ended: Write<"attempt_ended">): boolean {
    return this.written.has(ended);
  }
}

const taskKey = (run_id: string, task_id: string) => `${run_id}\u0000${task_id}`;
const attemptKey = (w: { run_id: string; task_id: string; attempt: number }) => `${taskKey(w.run_id, w.task_id)}\u0000${w.attempt}`;

function applyOne(sql: Statements, w: StoreWrite, batch: Batch): void {
  switch (w.kind) {
    case "run_started":
      return sql.runs.started(w);
    // The task first: for an unknown task its "not in the store" says more than the
    // foreign-key failure the child row would get.
    case "assignment":
      if (!batch.finishes(w.row.run_id, w.row.task_id)) sql.tasks.assigned(w.row.run_id, w.row.task_id, w.row.agent_id);
      return sql.assignments.upsert(w.row);
    case "attempt_started": {
      if (!batch.finishes(w.run_id, w.task_id)) sql.tasks.attemptStarted(w);
      const ended = batch.takeEnd(w);
      return ended === undefined ? sql.attempts.started(w) : sql.attempts.whole(w, ended);
    }
    case "attempt_ended":
      return batch.writtenWithStart(w) ? undefined : sql.attempts.ended(w);
    case "task_finished":
      return sql.tasks.finished(w);
    case "violation":
      return sql.violations.insert(w.row);
    case "gate_decisions":
      return sql.feedback.gates(w.run_id, w.decisions);
    case "signal":
      return sql.feedback.signals.upsert(w.row);
    case "anomaly":
      return sql.feedback.anomalies.upsert(w.row);
    case "provider_state":
      return sql.feedback.setProviderState(w.run_id, w.state);
    case "wave_ended":
      return sql.waves.upsert(w.row);
    case "run_ended":
      return sql.runs.ended(w);
    default:
      return unreachable(w);
  }
}

function unreachable(w: never): never {
  throw new Error(`unknown store write ${JSON.stringify(w)}`);
}
