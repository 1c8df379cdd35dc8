/**
 * `Store.apply` on PostgreSQL: a batch of state changes in one transaction, written as a few
 * set-based statements rather than one per write. The batch is grouped by kind into phases run in
 * the order a task's life has them (assignment, attempt start, attempt end, final state), each
 * phase one statement over arrays (`unnest`), with fixed SQL text so the server plans it once per
 * connection. Times go in as float8 and are rounded to the bigint columns (SQLite keeps a
 * fraction of a millisecond; every record rounds it). Within a kind the batch's last write of a
 * key wins, as applying the writes one by one would leave it. Every row a write names must exist: each statement returns the keys it
 * touched, and one missing throws, rolling the whole transaction back.
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
import type { Write } from "../write";
import { lostLease } from "./leases";
import { NOW_MS } from "./migrations";

/** The batch's last write of each key, in the order the keys first appeared. */
function lastOf<W>(writes: readonly W[], key: (w: W) => string): W[] {
  const byKey = new Map<string, W>();
  for (const w of writes) {
    const k = key(w);
    byKey.delete(k);
    byKey.set(k, w);
  }
  return [...byKey.values()];
}

const task = (run_id: string, task_id: string) => `${run_id}\u0000${task_id}`;
const attemptKey = (w: { run_id: string; task_id: string; attempt: number }) => `${task(w.run_id, w.task_id)}\u0000${w.attempt}`;

/** The writes of a batch by kind, in batch order. */
class Kinds {
  readonly of = new Map<StoreWrite["kind"], StoreWrite[]>();
  constructor(writes: readonly StoreWrite[]) {
    for (const w of writes) {
      let list = this.of.get(w.kind);
      if (!list) this.of.set(w.kind, (list = []));
      list.push(w);
    }
  }
  get<K extends StoreWrite["kind"]>(kind: K): Write<K>[] {
    return (this.of.get(kind) ?? []) as Write<K>[];
  }
}

/** A statement sent, and the keys its answer must contain: one per row it must have found. */
interface Sent {
  answer: Promise<unknown[]>;
  /** Each expected key, and what to call it in the error when it is missing. */
  expect: [key: string, what: string][];
  keyOf(row: Record<string, unknown>): string;
}

export async function applyBatch(sql: SQL, batchId: string, writes: readonly StoreWrite[], fence: Lease | undefined): Promise<void> {
  const kinds = new Kinds(writes);
  await sql.begin(async (tx) => {
    const fresh = await tx.unsafe(`INSERT INTO applied_batches (batch_id, applied_at) VALUES ($1, ${NOW_MS}) ON CONFLICT DO NOTHING`, [batchId]);
    if (fresh.count === 0) return;
    if (fence !== undefined) {
      // The fence: the lease row stays locked by this UPDATE until the commit, so no takeover
      // can come between the check and the writes.
      const renewed = await tx.unsafe(`UPDATE run_leases SET heartbeat_at = ${NOW_MS} WHERE run_id = $1 AND owner = $2 AND token = $3`, [fence.run_id, fence.owner, fence.token]);
      if (renewed.count === 0) throw await lostLease(tx, fence);
    }
    // Sent together, answered in order on the transaction's connection.
    const sent = statements(tx, kinds);
    const answers = await Promise.all(sent.map((s) => s.answer));
    sent.forEach((s, i) => {
      const found = new Set((answers[i] as Record<string, unknown>[]).map(s.keyOf));
      const missing = s.expect.find(([key]) => !found.has(key));
      if (missing) throw new BuddyError("STORE", `${missing[1]} is not in the store`);
    });
  });
}

const taskName = (run_id: string, task_id: string) => `task ${task_id} of run ${run_id}`;
const byTask = (r: Record<string, unknown>) => task(String(r.run_id), String(r.task_id));
const byRun = (r: Record<string, unknown>) => String(r.run_id);

function statements(tx: TransactionSQL, kinds: Kinds): Sent[] {
  const sent: Sent[] = [];
  const send = (text: string, params: unknown[][], expect: [string, string][], keyOf: Sent["keyOf"]) => {
    if (params[0]!.length === 0) return;
    sent.push({ answer: tx.unsafe(text, params) as unknown as Promise<unknown[]>, expect, keyOf });
  };
  const runs = (ws: readonly { run_id: string }[]) => ws.map((w): [string, string] => [w.run_id, `run ${w.run_id}`]);
  const tasks = (ws: readonly { run_id: string; task_id: string }[]) => ws.map((w): [string, string] => [task(w.run_id, w.task_id), taskName(w.run_id, w.task_id)]);

  const started = lastOf(kinds.get("run_started"), (w) => w.run_id);
  send(
    `UPDATE runs r SET status = 'running', started_at = coalesce(r.started_at, v.at), ended_at = NULL
     FROM unnest($1::text[], $2::float8[]) AS v(run_id, at) WHERE r.run_id = v.run_id RETURNING r.run_id`,
    [started.map((w) => w.run_id), started.map((w) => w.at)],
    runs(started),
    byRun,
  );

  // A task's final state overwrites its assignment's agent and its attempt's start on the task
  // row: for a task that finishes in this batch (most start, run and finish within one), those
  // two are left out; each write still finds its row, through the final state's check.
  const finishing = new Set(kinds.get("task_finished").map((w) => task(w.run_id, w.finished.task.task_id)));
  const unfinished = <T extends { run_id: string; task_id: string }>(rows: T[]) => rows.filter((r) => !finishing.has(task(r.run_id, r.task_id)));
  const assigned = lastOf(kinds.get("assignment").map((w) => w.row), (r) => task(r.run_id, r.task_id));
  const reassigned = unfinished(assigned);
  send(
    `UPDATE tasks t SET agent_id = v.agent_id FROM unnest($1::text[], $2::text[], $3::text[]) AS v(run_id, task_id, agent_id)
     WHERE t.run_id = v.run_id AND t.task_id = v.task_id RETURNING t.run_id, t.task_id`,
    [reassigned.map((r) => r.run_id), reassigned.map((r) => r.task_id), reassigned.map((r) => r.agent_id)],
    tasks(reassigned),
    byTask,
  );
  send(
    `INSERT INTO assignments (run_id, task_id, agent_id, wave, strategy, predicted_success_probability, priority, assigned_at, reason)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::float8[], $7::integer[], $8::float8[], $9::text[])
     ON CONFLICT (run_id, task_id) DO UPDATE SET agent_id = excluded.agent_id, wave = excluded.wave, strategy = excluded.strategy,
       predicted_success_probability = excluded.predicted_success_probability, priority = excluded.priority,
       assigned_at = excluded.assigned_at, reason = excluded.reason
     RETURNING run_id, task_id`,
    [
      assigned.map((r) => r.run_id), assigned.map((r) => r.task_id), assigned.map((r) => r.agent_id), assigned.map((r) => r.wave),
      assigned.map((r) => r.strategy), assigned.map((r) => r.predicted_success_probability), assigned.map((r) => r.priority),
      assigned.map((r) => r.assigned_at), assigned.map((r) => r.reason),
    ],
    [],
    byTask,
  );

  // A task that starts several attempts in the batch ends with the last one's agent and number,
  // and started when the first one did.
  const starts = kinds.get("attempt_started");
  const firstAt = new Map<string, number>();
  for (const w of starts) if (!firstAt.has(task(w.run_id, w.task_id))) firstAt.set(task(w.run_id, w.task_id), w.at);
  const running = unfinished(lastOf(starts, (w) => task(w.run_id, w.task_id)));
  send(
    `UPDATE tasks t SET state = 'running', agent_id = v.agent_id, attempts = v.attempt, started_at = coalesce(t.started_at, v.at)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::float8[]) AS v(run_id, task_id, agent_id, attempt, at)
     WHERE t.run_id = v.run_id AND t.task_id = v.task_id RETURNING t.run_id, t.task_id`,
    [running.map((w) => w.run_id), running.map((w) => w.task_id), running.map((w) => w.agent_id), running.map((w) => w.attempt), running.map((w) => firstAt.get(task(w.run_id, w.task_id))!)],
    tasks(running),
    byTask,
  );

  // An attempt that starts and ends in the batch is written once, whole; one started again
  // (its process crashed) starts afresh.
  const ends = new Map(lastOf(kinds.get("attempt_ended"), attemptKey).map((w) => [attemptKey(w), w]));
  const attempts = lastOf(starts, attemptKey);
  const endOf = (w: Write<"attempt_started">) => ends.get(attemptKey(w));
  const col = <T>(f: (s: Write<"attempt_started">, e: Write<"attempt_ended"> | undefined) => T) => attempts.map((w) => f(w, endOf(w)));
  send(
    `INSERT INTO attempts (run_id, task_id, attempt, agent_id, state, started_at, ended_at, duration_ms, result_json, error, console, console_truncated)
     SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::text[], $11::text[], $12::integer[])
     ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET agent_id = excluded.agent_id, state = excluded.state, started_at = excluded.started_at,
       ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, result_json = excluded.result_json, error = excluded.error,
       console = excluded.console, console_truncated = excluded.console_truncated
     RETURNING run_id, task_id`,
    [
      col((s) => s.run_id), col((s) => s.task_id), col((s) => s.attempt), col((s) => s.agent_id),
      col((_, e) => (e === undefined ? "running" : e.error === null ? "succeeded" : "failed")), col((s) => s.at),
      col((_, e) => e?.at ?? null), col((_, e) => e?.duration_ms ?? null), col((_, e) => e?.result_json ?? null),
      col((_, e) => (e === undefined ? null : toJsonOrNull(e.error))), col((_, e) => toJson(e?.console ?? [])), col((_, e) => (e?.console_truncated ? 1 : 0)),
    ],
    [],
    byTask,
  );
  for (const w of attempts) ends.delete(attemptKey(w));

  const ended = [...ends.values()];
  send(
    `UPDATE attempts a SET state = v.state, ended_at = v.at, duration_ms = v.duration_ms, result_json = v.result_json, error = v.error,
       console = v.console, console_truncated = v.console_truncated
     FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::integer[])
       AS v(run_id, task_id, attempt, state, at, duration_ms, result_json, error, console, console_truncated)
     WHERE a.run_id = v.run_id AND a.task_id = v.task_id AND a.attempt = v.attempt RETURNING a.run_id, a.task_id, a.attempt`,
    [
      ended.map((w) => w.run_id), ended.map((w) => w.task_id), ended.map((w) => w.attempt), ended.map((w) => (w.error === null ? "succeeded" : "failed")),
      ended.map((w) => w.at), ended.map((w) => w.duration_ms), ended.map((w) => w.result_json), ended.map((w) => toJsonOrNull(w.error)),
      ended.map((w) => toJson(w.console)), ended.map((w) => (w.console_truncated ? 1 : 0)),
    ],
    ended.map((w) => [attemptKey(w), `attempt ${w.attempt} of task ${w.task_id} of run ${w.run_id}`]),
    (r) => attemptKey(r as { run_id: string; task_id: string; attempt: number }),
  );

  const finals = lastOf(kinds.get("task_finished"), (w) => task(w.run_id, w.finished.task.task_id));
  const f = finals.map((w) => w.finished);
  send(
    `UPDATE tasks t SET state = v.state, agent_id = v.agent_id, attempts = v.attempts, result_json = v.result_json, error = v.error,
       started_at = v.started_at, ended_at = v.ended_at, duration_ms = v.duration_ms
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::float8[])
       AS v(run_id, task_id, state, agent_id, attempts, result_json, error, started_at, ended_at, duration_ms)
     WHERE t.run_id = v.run_id AND t.task_id = v.task_id RETURNING t.run_id, t.task_id`,
    [
      finals.map((w) => w.run_id), f.map((x) => x.task.task_id), f.map((x) => x.status), f.map((x) => x.agent_id), f.map((x) => x.attempts),
      f.map((x) => x.result_json), f.map((x) => toJsonOrNull(x.error)), f.map((x) => x.started_at), f.map((x) => x.ended_at), f.map((x) => durationMs(x)),
    ],
    finals.map((w) => [task(w.run_id, w.finished.task.task_id), taskName(w.run_id, w.finished.task.task_id)]),
    byTask,
  );

  // Every violation is kept, in the order recorded; one of a task the store does not have is
  // "not in the store" like every other write.
  const v = kinds.get("violation").map((w) => w.row);
  send(
    `INSERT INTO violations (run_id, task_id, attempt, execution_id, violation_type, details, code_preview, timestamp)
     SELECT t.run_id, t.task_id, v.attempt, v.execution_id, v.violation_type, v.details, v.code_preview, v.timestamp
     FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])
       WITH ORDINALITY AS v(run_id, task_id, attempt, execution_id, violation_type, details, code_preview, timestamp, n)
     JOIN tasks t ON t.run_id = v.run_id AND t.task_id = v.task_id ORDER BY v.n
     RETURNING run_id, task_id`,
    [v.map((r) => r.run_id), v.map((r) => r.task_id), v.map((r) => r.attempt), v.map((r) => r.execution_id), v.map((r) => r.violation_type), v.map((r) => r.details), v.map((r) => r.code_preview), v.map((r) => r.timestamp)],
    tasks(v),
    byTask,
  );

  const gates = lastOf(
    kinds.get("gate_decisions").filter((w) => w.decisions.length > 0),
    (w) => attemptKey({ run_id: w.run_id, task_id: w.decisions[0]!.task_id, attempt: w.decisions[0]!.attempt }),
  );
  send(
    `INSERT INTO gate_decisions (run_id, task_id, attempt, decisions)
     SELECT t.run_id, t.task_id, v.attempt, v.decisions FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[]) AS v(run_id, task_id, attempt, decisions)
     JOIN tasks t ON t.run_id = v.run_id AND t.task_id = v.task_id
     ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET decisions = excluded.decisions
     RETURNING run_id, task_id`,
    [gates.map((w) => w.run_id), gates.map((w) => w.decisions[0]!.task_id), gates.map((w) => w.decisions[0]!.attempt), gates.map((w) => toJson(w.decisions.map(storedDecision)))],
    gates.map((w) => [task(w.run_id, w.decisions[0]!.task_id), taskName(w.run_id, w.decisions[0]!.task_id)]),
    byTask,
  );

  for (const [kind, table, id, doc] of [["signal", "signals", "signal_id", "signal"], ["anomaly", "anomalies", "anomaly_id", "anomaly"]] as const) {
    // A wave finished again after a resume produces the same ids: the newer document wins.
    const rows = lastOf(kinds.get(kind).map((w) => w.row), (r) => `${r.run_id}\u0000${r.id}`);
    send(
      `INSERT INTO ${table} (run_id, wave, ${id}, ${doc})
       SELECT r.run_id, v.wave, v.id, v.doc FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[]) WITH ORDINALITY AS v(run_id, wave, id, doc, n)
       JOIN runs r ON r.run_id = v.run_id ORDER BY v.n
       ON CONFLICT (run_id, ${id}) DO UPDATE SET wave = excluded.wave, ${doc} = excluded.${doc}
       RETURNING run_id`,
      [rows.map((r) => r.run_id), rows.map((r) => r.wave), rows.map((r) => r.id), rows.map((r) => toJson(r.document))],
      runs(rows),
      byRun,
    );
  }

  const states = lastOf(kinds.get("provider_state"), (w) => w.run_id);
  send(
    `INSERT INTO provider_state (run_id, state) SELECT r.run_id, v.state FROM unnest($1::text[], $2::text[]) AS v(run_id, state) JOIN runs r ON r.run_id = v.run_id
     ON CONFLICT (run_id) DO UPDATE SET state = excluded.state RETURNING run_id`,
    [states.map((w) => w.run_id), states.map((w) => toJson(w.state))],
    runs(states),
    byRun,
  );

  const waves = lastOf(kinds.get("wave_ended").map((w) => w.row), (r) => `${r.run_id}\u0000${r.wave}`);
  send(
    `INSERT INTO waves (run_id, wave, record) SELECT r.run_id, v.wave, v.record FROM unnest($1::text[], $2::integer[], $3::text[]) AS v(run_id, wave, record)
     JOIN runs r ON r.run_id = v.run_id ON CONFLICT (run_id, wave) DO UPDATE SET record = excluded.record RETURNING run_id`,
    [waves.map((r) => r.run_id), waves.map((r) => r.wave), waves.map((r) => toJson(r.record))],
    runs(waves),
    byRun,
  );

  const endedRuns = lastOf(kinds.get("run_ended"), (w) => w.run_id);
  send(
    `UPDATE runs r SET status = v.status, ended_at = v.at, summary = v.summary FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[]) AS v(run_id, status, at, summary)
     WHERE r.run_id = v.run_id RETURNING r.run_id`,
    [endedRuns.map((w) => w.run_id), endedRuns.map((w) => w.status), endedRuns.map((w) => w.at), endedRuns.map((w) => toJson(w.summary))],
    runs(endedRuns),
    byRun,
  );
  return sent;
}
