/** The `waves` table: the `wave` output record of each finished wave, as printed. */
import type { Database } from "bun:sqlite";
import type { WaveRow } from "../types";
import { toJson } from "../codec";
import { readWaveRecord } from "../documents";

export function waveStatements(db: Database) {
  // A wave finished again after a resume replaces its record.
  const upsert = db.prepare<void, [string, number, string]>(
    `INSERT INTO waves (run_id, wave, record) VALUES (?, ?, ?)
     ON CONFLICT (run_id, wave) DO UPDATE SET record = excluded.record`,
  );
  const ofRun = db.prepare<{ run_id: string; wave: number; record: string }, [string]>(
    "SELECT run_id, wave, record FROM waves WHERE run_id = ? ORDER BY wave",
  );

  return {
    upsert(r: WaveRow): void {
      upsert.run(r.run_id, r.wave, toJson(r.record));
    },
    list: (run_id: string): WaveRow[] =>
      ofRun.all(run_id).map((r) => ({ run_id: r.run_id, wave: r.wave, record: readWaveRecord(r.record, r.run_id, r.wave) })),
  };
}
