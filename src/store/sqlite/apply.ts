/**
 * `Store.apply`: a batch of state changes in one transaction. This is the harness's hot path —
 * it batches thousands of writes per commit — so the work per write is one exhaustive switch
 * and one or two prepared statements.
 */
import type { Database } from "bun:sqlite";
import type { StoreWrite } from "../types";
import type { Statements } from "./statements";

export function batchApplier(db: Database, sql: Statements): (writes: readonly StoreWrite[]) => void {
  const applyAll = db.transaction((writes: readonly StoreWrite[]) => {
    for (const write of writes) applyOne(sql, write);
  });
  // IMMEDIATE takes the write lock up front, where the busy timeout applies. A deferred
  // transaction that reads before it writes fails at once (SQLITE_BUSY_SNAPSHOT) when another
  // process committed in between.
  return (writes) => {
    if (writes.length > 0) applyAll.immediate(writes);
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
    case "task_final":
      return sql.tasks.final(w);
    case "violation":
      return sql.violations.insert(w.row);
    case "gate_decisions":
      return sql.feedback.gates(w.rows);
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
