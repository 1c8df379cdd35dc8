/**
 * Every read of the PostgreSQL store, each one statement, ordered as the Store interface
 * promises (types.ts) so both backends print the same records. Bigint columns are read as
 * float8 where they go out as they are, and through rows.ts where a row is converted.
 */
import type { SQL } from "bun";
import type { GateDecision } from "../../core";
import type { Signal } from "../../feedback";
import type { Anomaly } from "../../monitor";
import { fromJson } from "../codec";
import { readAnomaly, readGateDecisions, readSignal, readWaveRecord } from "../documents";
import { toAttemptRow, toRunRow, toStoredTask, type AttemptColumns, type RunColumns, type TaskColumns } from "../rows";
import type { AssignmentRow, AttemptRow, LeaseRow, RunRow, StoredTask, ViolationRow, WaveDocumentRow, WaveRow } from "../types";

const RUN_COLUMNS = "run_id, created_at, input, input_hash, seed, options, status, started_at, ended_at, task_count, wave_count, summary";

// A finished task's attempt durations are its ended attempts' ones, in the same statement, and
// a failed task's last console (SPEC 3).
const TASKS = `SELECT spec, state, agent_id, attempts, result_json, error, started_at, ended_at,
  CASE WHEN state IN ('succeeded', 'failed', 'rejected') THEN
    coalesce((SELECT json_agg(a.duration_ms ORDER BY a.attempt) FROM attempts a
      WHERE a.run_id = t.run_id AND a.task_id = t.task_id AND a.duration_ms IS NOT NULL)::text, '[]')
  END AS durations,
  CASE WHEN state = 'failed' THEN
    (SELECT a.console FROM attempts a WHERE a.run_id = t.run_id AND a.task_id = t.task_id ORDER BY a.attempt DESC LIMIT 1)
  END AS last_console
  FROM tasks t`;

const ATTEMPT_COLUMNS = `a.run_id, a.task_id, a.attempt, a.agent_id, a.state, a.started_at, a.ended_at, a.duration_ms,
  a.result_json, a.error, a.console, a.console_truncated`;

const ASSIGNMENT_COLUMNS = `a.run_id, a.task_id, a.agent_id, a.wave, a.strategy, a.predicted_success_probability, a.priority,
  a.assigned_at::float8 AS assigned_at, a.reason`;

const VIOLATION_COLUMNS = "run_id, task_id, attempt, execution_id, violation_type, details, code_preview, timestamp::float8 AS timestamp";

const LEASE_COLUMNS = "run_id, token::float8 AS token, owner, host, pid, process_started, acquired_at::float8 AS acquired_at, heartbeat_at::float8 AS heartbeat_at";

export async function getRun(sql: SQL, run_id: string): Promise<RunRow | undefined> {
  const [row] = await sql.unsafe(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`, [run_id]);
  return row === undefined ? undefined : toRunRow(row as RunColumns);
}

/** Newest first; of runs created in the same millisecond, the one ingested last. */
export async function listRuns(sql: SQL, limit: number): Promise<RunRow[]> {
  const rows = await sql.unsafe(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, ord DESC LIMIT $1`, [limit]);
  return (rows as RunColumns[]).map(toRunRow);
}

/** Hops from wave to wave through the (run_id, wave, seq) index, not a DISTINCT over every task. */
export async function waves(sql: SQL, run_id: string): Promise<number[]> {
  const rows = await sql.unsafe(
    `WITH RECURSIVE w(wave) AS (
       SELECT min(wave) FROM tasks WHERE run_id = $1
       UNION ALL
       SELECT (SELECT min(wave) FROM tasks WHERE run_id = $1 AND wave > w.wave) FROM w WHERE w.wave IS NOT NULL
     )
     SELECT wave FROM w WHERE wave IS NOT NULL`,
    [run_id],
  );
  return (rows as { wave: number }[]).map((r) => r.wave);
}

export async function tasks(sql: SQL, run_id: string, wave?: number): Promise<StoredTask[]> {
  const rows =
    wave === undefined
      ? await sql.unsafe(`${TASKS} WHERE t.run_id = $1 ORDER BY t.seq`, [run_id])
      : await sql.unsafe(`${TASKS} WHERE t.run_id = $1 AND t.wave = $2 ORDER BY t.seq`, [run_id, wave]);
  return (rows as TaskColumns[]).map((r) => toStoredTask(r, run_id));
}

export async function attempts(sql: SQL, run_id: string, task_id?: string): Promise<AttemptRow[]> {
  const rows =
    task_id === undefined
      ? await sql.unsafe(
          `SELECT ${ATTEMPT_COLUMNS} FROM attempts a JOIN tasks t ON t.run_id = a.run_id AND t.task_id = a.task_id
           WHERE a.run_id = $1 ORDER BY t.seq, a.attempt`,
          [run_id],
        )
      : await sql.unsafe(`SELECT ${ATTEMPT_COLUMNS} FROM attempts a WHERE a.run_id = $1 AND a.task_id = $2 ORDER BY a.attempt`, [run_id, task_id]);
  return (rows as AttemptColumns[]).map(toAttemptRow);
}

export async function assignments(sql: SQL, run_id: string, wave?: number): Promise<AssignmentRow[]> {
  const join = "FROM assignments a JOIN tasks t ON t.run_id = a.run_id AND t.task_id = a.task_id";
  const rows =
    wave === undefined
      ? await sql.unsafe(`SELECT ${ASSIGNMENT_COLUMNS} ${join} WHERE a.run_id = $1 ORDER BY a.wave, t.seq`, [run_id])
      : await sql.unsafe(`SELECT ${ASSIGNMENT_COLUMNS} ${join} WHERE a.run_id = $1 AND t.wave = $2 AND a.wave = $2 ORDER BY t.seq`, [run_id, wave]);
  return [...(rows as AssignmentRow[])];
}

export async function waveRecords(sql: SQL, run_id: string): Promise<WaveRow[]> {
  const rows = await sql.unsafe("SELECT run_id, wave, record FROM waves WHERE run_id = $1 ORDER BY wave", [run_id]);
  return (rows as { run_id: string; wave: number; record: string }[]).map((r) => ({ run_id: r.run_id, wave: r.wave, record: readWaveRecord(r.record, r.run_id, r.wave) }));
}

export async function violations(sql: SQL, run_id?: string): Promise<ViolationRow[]> {
  const rows =
    run_id === undefined
      ? await sql.unsafe(`SELECT ${VIOLATION_COLUMNS} FROM violations ORDER BY timestamp, ord`)
      : await sql.unsafe(`SELECT ${VIOLATION_COLUMNS} FROM violations WHERE run_id = $1 ORDER BY timestamp, ord`, [run_id]);
  return [...(rows as ViolationRow[])];
}

/** By task in input order, then attempt; within an attempt, the order the gates ran in. */
export async function gateDecisions(sql: SQL, run_id: string): Promise<GateDecision[]> {
  const rows = await sql.unsafe(
    `SELECT g.task_id, g.attempt, g.decisions FROM gate_decisions g JOIN tasks t ON t.run_id = g.run_id AND t.task_id = g.task_id
     WHERE g.run_id = $1 ORDER BY t.seq, g.attempt`,
    [run_id],
  );
  return (rows as { task_id: string; attempt: number; decisions: string }[]).flatMap((r) =>
    readGateDecisions(r.decisions, run_id).map((d) => ({ task_id: r.task_id, attempt: r.attempt, ...d })),
  );
}

async function documents<T>(sql: SQL, table: "signals" | "anomalies", id: string, doc: string, run_id: string, read: (text: string, run_id: string) => T): Promise<WaveDocumentRow<T>[]> {
  const rows = await sql.unsafe(`SELECT run_id, wave, ${id} AS id, ${doc} AS document FROM ${table} WHERE run_id = $1 ORDER BY wave, ord`, [run_id]);
  return (rows as { run_id: string; wave: number; id: string; document: string }[]).map((r) => ({ run_id: r.run_id, wave: r.wave, id: r.id, document: read(r.document, run_id) }));
}

export const signals = (sql: SQL, run_id: string): Promise<WaveDocumentRow<Signal>[]> => documents(sql, "signals", "signal_id", "signal", run_id, readSignal);
export const anomalies = (sql: SQL, run_id: string): Promise<WaveDocumentRow<Anomaly>[]> => documents(sql, "anomalies", "anomaly_id", "anomaly", run_id, readAnomaly);

export async function providerState(sql: SQL, run_id: string): Promise<unknown> {
  const [row] = await sql.unsafe("SELECT state FROM provider_state WHERE run_id = $1", [run_id]);
  return row === undefined ? undefined : fromJson((row as { state: string }).state);
}

export async function currentLease(sql: SQL, run_id: string): Promise<LeaseRow | undefined> {
  const [row] = await sql.unsafe(`SELECT ${LEASE_COLUMNS} FROM run_leases WHERE run_id = $1 AND owner IS NOT NULL`, [run_id]);
  return row as LeaseRow | undefined;
}
