/**
 * `Store.apply` on PostgreSQL: a batch of state changes in one transaction. The statements of a
 * batch are sent together without waiting for each answer (Bun pipelines queries on the
 * transaction's connection), so a batch of thousands of writes costs a few round trips, not
 * one per write. Each UPDATE that must find its row is checked afterwards; one that found none
 * throws, and the transaction rolls back whole.
 *
 * A batch carries a random id, recorded in the same transaction: when a lost connection leaves
 * unknown whether the commit landed, the batch is sent again and, if its id is already there,
 * not applied twice.
 */
import type { SQL, TransactionSQL } from "bun";
import { BuddyError, durationMs } from "../../core";
import { toJson, toJsonOrNull } from "../codec";
import { storedDecision } from "../documents";
import type { Lease, StoreWrite } from "../types";
import { lostLease } from "./leases";
import { NOW_MS } from "./migrations";

/** A statement sent, and what its answer must show: the row it names exists. */
interface Sent {
  answer: Promise<{ count: number }>;
  /** Set when the statement must have changed a row: what it names, for the error. */
  mustFind?: string;
}

/** Applies the batch once; returns without writing when this batch id was applied already. */
export async function applyBatch(sql: SQL, batchId: string, writes: readonly StoreWrite[], fence: Lease | undefined): Promise<void> {
  await sql.begin(async (tx) => {
    const fresh = await tx.unsafe(`INSERT INTO applied_batches (batch_id, applied_at) VALUES ($1, ${NOW_MS}) ON CONFLICT DO NOTHING`, [batchId]);
    if (fresh.count === 0) return;
    if (fence !== undefined) {
      // The fence: the lease row stays locked by this UPDATE until the commit, so no takeover
      // can come between the check and the writes.
      const renewed = await tx.unsafe(`UPDATE run_leases SET heartbeat_at = ${NOW_MS} WHERE run_id = $1 AND owner = $2 AND token = $3`, [fence.run_id, fence.owner, fence.token]);
      if (renewed.count === 0) throw await lostLease(tx, fence);
    }
    const sent: Sent[] = [];
    for (const write of writes) send(tx, write, sent);
    const answers = await Promise.all(sent.map((s) => s.answer));
    answers.forEach((answer, i) => {
      const what = sent[i]!.mustFind;
      if (what !== undefined && answer.count === 0) throw new BuddyError("STORE", `${what} is not in the store`);
    });
  });
}

const taskName = (run_id: string, task_id: string) => `task ${task_id} of run ${run_id}`;

function send(tx: TransactionSQL, w: StoreWrite, sent: Sent[]): void {
  const q = (text: string, params: unknown[], mustFind?: string) => {
    sent.push({ answer: tx.unsafe(text, params) as unknown as Promise<{ count: number }>, ...(mustFind === undefined ? {} : { mustFind }) });
  };
  switch (w.kind) {
    case "run_started":
      return q("UPDATE runs SET status = 'running', started_at = coalesce(started_at, $1), ended_at = NULL WHERE run_id = $2", [w.at, w.run_id], `run ${w.run_id}`);
    case "assignment": {
      const r = w.row;
      q("UPDATE tasks SET agent_id = $1 WHERE run_id = $2 AND task_id = $3", [r.agent_id, r.run_id, r.task_id], taskName(r.run_id, r.task_id));
      return q(
        `INSERT INTO assignments (run_id, task_id, agent_id, wave, strategy, predicted_success_probability, priority, assigned_at, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (run_id, task_id) DO UPDATE SET agent_id = excluded.agent_id, wave = excluded.wave, strategy = excluded.strategy,
           predicted_success_probability = excluded.predicted_success_probability, priority = excluded.priority,
           assigned_at = excluded.assigned_at, reason = excluded.reason`,
        [r.run_id, r.task_id, r.agent_id, r.wave, r.strategy, r.predicted_success_probability, r.priority, r.assigned_at, r.reason],
      );
    }
    case "attempt_started":
      // The agent that runs the attempt may not be the one assigned (work stealing, SPEC 4.1).
      q("UPDATE tasks SET state = 'running', agent_id = $1, attempts = $2, started_at = coalesce(started_at, $3) WHERE run_id = $4 AND task_id = $5", [w.agent_id, w.attempt, w.at, w.run_id, w.task_id], taskName(w.run_id, w.task_id));
      // An attempt started again after a crash starts afresh.
      return q(
        `INSERT INTO attempts (run_id, task_id, attempt, agent_id, state, started_at) VALUES ($1, $2, $3, $4, 'running', $5)
         ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET agent_id = excluded.agent_id, state = 'running', started_at = excluded.started_at,
           ended_at = NULL, duration_ms = NULL, result_json = NULL, error = NULL, console = '[]', console_truncated = 0`,
        [w.run_id, w.task_id, w.attempt, w.agent_id, w.at],
      );
    case "attempt_ended":
      return q(
        `UPDATE attempts SET state = $1, ended_at = $2, duration_ms = $3, result_json = $4, error = $5, console = $6, console_truncated = $7
         WHERE run_id = $8 AND task_id = $9 AND attempt = $10`,
        [w.error === null ? "succeeded" : "failed", w.at, w.duration_ms, w.result_json, toJsonOrNull(w.error), toJson(w.console), w.console_truncated ? 1 : 0, w.run_id, w.task_id, w.attempt],
        `attempt ${w.attempt} of task ${w.task_id} of run ${w.run_id}`,
      );
    case "task_finished": {
      const f = w.finished;
      return q(
        `UPDATE tasks SET state = $1, agent_id = $2, attempts = $3, result_json = $4, error = $5, started_at = $6, ended_at = $7, duration_ms = $8
         WHERE run_id = $9 AND task_id = $10`,
        [f.status, f.agent_id, f.attempts, f.result_json, toJsonOrNull(f.error), f.started_at, f.ended_at, durationMs(f), w.run_id, f.task.task_id],
        taskName(w.run_id, f.task.task_id),
      );
    }
    case "violation": {
      const r = w.row;
      // Through a SELECT of the task, so an unknown task is "not in the store" like every other write.
      return q(
        `INSERT INTO violations (run_id, task_id, attempt, execution_id, violation_type, details, code_preview, timestamp)
         SELECT run_id, task_id, $1, $2, $3, $4, $5, $6 FROM tasks WHERE run_id = $7 AND task_id = $8`,
        [r.attempt, r.execution_id, r.violation_type, r.details, r.code_preview, r.timestamp, r.run_id, r.task_id],
        taskName(r.run_id, r.task_id),
      );
    }
    case "gate_decisions": {
      const first = w.decisions[0];
      if (!first) return;
      return q(
        `INSERT INTO gate_decisions (run_id, task_id, attempt, decisions) SELECT run_id, task_id, $1, $2 FROM tasks WHERE run_id = $3 AND task_id = $4
         ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET decisions = excluded.decisions`,
        [first.attempt, toJson(w.decisions.map(storedDecision)), w.run_id, first.task_id],
        taskName(w.run_id, first.task_id),
      );
    }
    case "signal":
    case "anomaly": {
      const [table, id, doc] = w.kind === "signal" ? ["signals", "signal_id", "signal"] : ["anomalies", "anomaly_id", "anomaly"];
      const r = w.row;
      // A wave finished again after a resume produces the same ids: the newer document wins.
      return q(
        `INSERT INTO ${table} (run_id, wave, ${id}, ${doc}) SELECT run_id, $1, $2, $3 FROM runs WHERE run_id = $4
         ON CONFLICT (run_id, ${id}) DO UPDATE SET wave = excluded.wave, ${doc} = excluded.${doc}`,
        [r.wave, r.id, toJson(r.document), r.run_id],
        `run ${r.run_id}`,
      );
    }
    case "provider_state":
      return q(
        "INSERT INTO provider_state (run_id, state) SELECT run_id, $1 FROM runs WHERE run_id = $2 ON CONFLICT (run_id) DO UPDATE SET state = excluded.state",
        [toJson(w.state), w.run_id],
        `run ${w.run_id}`,
      );
    case "wave_ended":
      return q(
        "INSERT INTO waves (run_id, wave, record) SELECT run_id, $1, $2 FROM runs WHERE run_id = $3 ON CONFLICT (run_id, wave) DO UPDATE SET record = excluded.record",
        [w.row.wave, toJson(w.row.record), w.row.run_id],
        `run ${w.row.run_id}`,
      );
    case "run_ended":
      return q("UPDATE runs SET status = $1, ended_at = $2, summary = $3 WHERE run_id = $4", [w.status, w.at, toJson(w.summary), w.run_id], `run ${w.run_id}`);
    default:
      return unreachable(w);
  }
}

function unreachable(w: never): never {
  throw new Error(`unknown store write ${JSON.stringify(w)}`);
}
