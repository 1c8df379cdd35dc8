/** The `violations` table: the sandbox's violation log (SPEC 5), one row per recorded touch. */
import type { Database } from "bun:sqlite";
import type { ViolationRow } from "../types";
import { expectChanged } from "./errors";

const COLUMNS = "run_id, task_id, attempt, execution_id, violation_type, details, code_preview, timestamp";

export function violationStatements(db: Database) {
  // Inserted through a SELECT of the task, so that a violation of a task the store does not have
  // fails with the same "not in the store" as every other write, not a bare foreign-key error.
  const insert = db.prepare<void, [number, string, string, string, string, number, string, string]>(
    `INSERT INTO violations (${COLUMNS})
     SELECT run_id, task_id, ?, ?, ?, ?, ?, ? FROM tasks WHERE run_id = ? AND task_id = ?`,
  );
  const ofRun = db.prepare<ViolationRow, [string]>(
    `SELECT ${COLUMNS} FROM violations WHERE run_id = ? ORDER BY timestamp, rowid`,
  );
  const all = db.prepare<ViolationRow, []>(`SELECT ${COLUMNS} FROM violations ORDER BY timestamp, rowid`);

  return {
    insert(r: ViolationRow): void {
      const changes = insert.run(
        r.attempt,
        r.execution_id,
        r.violation_type,
        r.details,
        r.code_preview,
        r.timestamp,
        r.run_id,
        r.task_id,
      );
      expectChanged(changes, `task ${r.task_id} of run ${r.run_id}`);
    },
    list: (run_id?: string): ViolationRow[] => (run_id === undefined ? all.all() : ofRun.all(run_id)),
  };
}
