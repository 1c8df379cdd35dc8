/** The `attempts` table: one row per execution of a task's code. */
import type { Database } from "bun:sqlite";
import type { AttemptRow } from "../types";
import { toJson, toJsonOrNull } from "../codec";
import { expectChanged } from "./errors";
import { type AttemptColumns, toAttemptRow } from "../rows";
import type { Write } from "../write";


const COLUMNS = `a.run_id, a.task_id, a.attempt, a.agent_id, a.state, a.started_at, a.ended_at, a.duration_ms,
  a.result_json, a.error, a.console, a.console_truncated`;

export function attemptStatements(db: Database) {
  // An upsert rather than INSERT OR REPLACE: an attempt started again after a crash starts
  // afresh, without the delete that REPLACE would cascade to rows that reference the attempt.
  const started = db.prepare<void, [string, string, number, string, number]>(
    `INSERT INTO attempts (run_id, task_id, attempt, agent_id, state, started_at) VALUES (?, ?, ?, ?, 'running', ?)
     ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET
       agent_id = excluded.agent_id, state = 'running', started_at = excluded.started_at, ended_at = NULL,
       duration_ms = NULL, result_json = NULL, error = NULL, console = '[]', console_truncated = 0`,
  );
  const ended = db.prepare<
    void,
    [string, number, number, string | null, string | null, string, number, string, string, number]
  >(
    `UPDATE attempts SET state = ?, ended_at = ?, duration_ms = ?, result_json = ?, error = ?, console = ?,
       console_truncated = ?
     WHERE run_id = ? AND task_id = ? AND attempt = ?`,
  );
  // An attempt that started and ended in one batch, in one statement (apply.ts): the row as the
  // start and the end would have left it.
  const whole = db.prepare<
    void,
    [string, string, number, string, string, number, number, number, string | null, string | null, string, number]
  >(
    `INSERT INTO attempts (run_id, task_id, attempt, agent_id, state, started_at, ended_at, duration_ms, result_json, error,
       console, console_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET
       agent_id = excluded.agent_id, state = excluded.state, started_at = excluded.started_at, ended_at = excluded.ended_at,
       duration_ms = excluded.duration_ms, result_json = excluded.result_json, error = excluded.error,
       console = excluded.console, console_truncated = excluded.console_truncated`,
  );
  const ofTask = db.prepare<AttemptColumns, [string, string]>(
    `SELECT ${COLUMNS} FROM attempts a WHERE a.run_id = ? AND a.task_id = ? ORDER BY a.attempt`,
  );
  // "By task" means in input order, so the task's seq decides, not its id.
  const ofRun = db.prepare<AttemptColumns, [string]>(
    `SELECT ${COLUMNS} FROM attempts a JOIN tasks t ON t.run_id = a.run_id AND t.task_id = a.task_id
     WHERE a.run_id = ? ORDER BY t.seq, a.attempt`,
  );

  return {
    started(w: Write<"attempt_started">): void {
      started.run(w.run_id, w.task_id, w.attempt, w.agent_id, w.at);
    },
    whole(start: Write<"attempt_started">, end: Write<"attempt_ended">): void {
      const [state, ...ending] = endColumns(end);
      whole.run(start.run_id, start.task_id, start.attempt, start.agent_id, state, start.at, ...ending);
    },
    ended(w: Write<"attempt_ended">): void {
      const changes = ended.run(...endColumns(w), w.run_id, w.task_id, w.attempt);
      expectChanged(changes, `attempt ${w.attempt} of task ${w.task_id} of run ${w.run_id}`);
    },
    list(run_id: string, task_id?: string): AttemptRow[] {
      const records = task_id === undefined ? ofRun.all(run_id) : ofTask.all(run_id, task_id);
      return records.map(toAttemptRow);
    },
  };
}


/** What an attempt's end sets: state, ended_at, duration_ms, result_json, error, console, console_truncated. */
function endColumns(w: Write<"attempt_ended">): [string, number, number, string | null, string | null, string, number] {
  return [w.error === null ? "succeeded" : "failed", w.at, w.duration_ms, w.result_json, toJsonOrNull(w.error), toJson(w.console), w.console_truncated ? 1 : 0];
}
