/** The `assignments` table: which agent a task was given to, and why (SPEC 4.2). */
import type { Database } from "bun:sqlite";
import type { AssignmentRow } from "../types";

const COLUMNS = `a.run_id, a.task_id, a.agent_id, a.wave, a.strategy, a.predicted_success_probability, a.priority,
  a.assigned_at, a.reason`;

export function assignmentStatements(db: Database) {
  // One assignment per task: assigning again (a resumed wave) replaces the earlier one.
  const upsert = db.prepare<void, [string, string, string, number, string, number, number, number, string]>(
    `INSERT INTO assignments
       (run_id, task_id, agent_id, wave, strategy, predicted_success_probability, priority, assigned_at, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, task_id) DO UPDATE SET
       agent_id = excluded.agent_id, wave = excluded.wave, strategy = excluded.strategy,
       predicted_success_probability = excluded.predicted_success_probability, priority = excluded.priority,
       assigned_at = excluded.assigned_at, reason = excluded.reason`,
  );
  // Joined with tasks for input order; a wave's assignments are found through the tasks'
  // (run_id, wave, seq) index, so no second index slows down the assignment writes.
  const ofRun = db.prepare<AssignmentRow, [string]>(
    `SELECT ${COLUMNS} FROM assignments a JOIN tasks t ON t.run_id = a.run_id AND t.task_id = a.task_id
     WHERE a.run_id = ? ORDER BY a.wave, t.seq`,
  );
  const ofWave = db.prepare<AssignmentRow, [string, number]>(
    `SELECT ${COLUMNS} FROM tasks t JOIN assignments a ON a.run_id = t.run_id AND a.task_id = t.task_id
     WHERE t.run_id = ?1 AND t.wave = ?2 AND a.wave = ?2 ORDER BY t.seq`,
  );

  return {
    upsert(r: AssignmentRow): void {
      upsert.run(
        r.run_id,
        r.task_id,
        r.agent_id,
        r.wave,
        r.strategy,
        r.predicted_success_probability,
        r.priority,
        r.assigned_at,
        r.reason,
      );
    },
    // Every column is a plain value, so the records are the rows.
    list: (run_id: string, wave?: number): AssignmentRow[] =>
      wave === undefined ? ofRun.all(run_id) : ofWave.all(run_id, wave),
  };
}
