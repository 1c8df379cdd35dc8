/**
 * Gate decisions, signals, anomalies and provider state: what the safety gates, the feedback
 * loop, the monitor and the mocks produce, kept with the run for reports and resume.
 */
import type { Database } from "bun:sqlite";
import type { GateDecision } from "../../core";
import type { WaveDocumentRow } from "../types";
import { fromJson, toJson } from "../codec";
import { readAnomaly, readGateDecisions, readSignal, storedDecision } from "../documents";

/** One table of per-wave JSON documents keyed by id (signals, anomalies), each read through `read`. */
function documentTable<T>(db: Database, table: "signals" | "anomalies", idColumn: string, docColumn: string, read: (text: string, run_id: string) => T) {
  // A wave finished again after a resume produces the same ids: the newer document wins.
  const upsert = db.prepare<void, [string, number, string, string]>(
    `INSERT INTO ${table} (run_id, wave, ${idColumn}, ${docColumn}) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, ${idColumn}) DO UPDATE SET wave = excluded.wave, ${docColumn} = excluded.${docColumn}`,
  );
  const ofRun = db.prepare<Record<string, string | number>, [string]>(
    `SELECT run_id, wave, ${idColumn} AS id, ${docColumn} AS document FROM ${table} WHERE run_id = ? ORDER BY wave, rowid`,
  );
  return {
    upsert: (r: WaveDocumentRow<T>) => void upsert.run(r.run_id, r.wave, r.id, toJson(r.document)),
    list: (run_id: string): WaveDocumentRow<T>[] =>
      ofRun.all(run_id).map((r) => ({ run_id: String(r.run_id), wave: Number(r.wave), id: String(r.id), document: read(String(r.document), run_id) })),
  };
}

export function feedbackStatements(db: Database) {
  const gate = db.prepare<void, [string, string, number, string]>(
    `INSERT INTO gate_decisions (run_id, task_id, attempt, decisions) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET decisions = excluded.decisions`,
  );
  // By task in input order (the task's seq, not its id, nor when the attempt was recorded), then
  // attempt; within an attempt the stored list keeps the order the gates ran in.
  const gatesOfRun = db.prepare<{ run_id: string; task_id: string; attempt: number; decisions: string }, [string]>(
    `SELECT g.run_id, g.task_id, g.attempt, g.decisions
     FROM gate_decisions g JOIN tasks t ON t.run_id = g.run_id AND t.task_id = g.task_id
     WHERE g.run_id = ? ORDER BY t.seq, g.attempt`,
  );
  const setState = db.prepare<void, [string, string]>(
    "INSERT INTO provider_state (run_id, state) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET state = excluded.state",
  );
  const getState = db.prepare<{ state: string }, [string]>("SELECT state FROM provider_state WHERE run_id = ?");
  return {
    /** The decisions of one attempt (all share task and attempt). */
    gates(run_id: string, decisions: readonly GateDecision[]): void {
      const first = decisions[0];
      if (!first) return;
      gate.run(run_id, first.task_id, first.attempt, toJson(decisions.map(storedDecision)));
    },
    gatesOf: (run_id: string): GateDecision[] =>
      gatesOfRun.all(run_id).flatMap((r) =>
        readGateDecisions(r.decisions, run_id).map((d) => ({ task_id: r.task_id, attempt: r.attempt, ...d })),
      ),
    signals: documentTable(db, "signals", "signal_id", "signal", readSignal),
    anomalies: documentTable(db, "anomalies", "anomaly_id", "anomaly", readAnomaly),
    setProviderState: (run_id: string, state: unknown) => void setState.run(run_id, toJson(state)),
    providerState: (run_id: string): unknown => {
      const row = getState.get(run_id);
      return row ? fromJson(row.state) : undefined;
    },
  };
}
