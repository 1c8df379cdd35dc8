/**
 * `Store.apply`: a batch of state changes in one transaction. This is the harness's hot path —
 * it batches thousands of writes per commit — so the work per write is one exhaustive switch
 * and one or two prepared statements.
 */
import type { Database } from "bun:sqlite";
import type { Lease, StoreWrite } from "../types";
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
    for (const write of writes) applyOne(sql, write);
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

function applyOne(sql: Statements, w: StoreWrite): void {
  switch (w.kind) {
    case "run_started":
      return sql.runs.started(w);
    // The task first: for an unknown task its "not in the store" says more than the
    // foreign-key failure the child row would get.
    case "assignment":
      sql.tasks.assigned(w.row.run_id, w.row.task_id, w.row.agent_id);
      return sql.assignments.upsert(w.row);
    case "attempt_started":
      sql.tasks.attemptStarted(w);
      return sql.attempts.started(w);
    case "attempt_ended":
      return sql.attempts.ended(w);
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
