/** The `tasks` table: the ingested task (spec JSON) and its current state, one row per task. */
import type { Database } from "bun:sqlite";
import type { AttemptError, Task } from "../../core";
import type { TaskRow, TaskState } from "../types";
import { fromJson, fromJsonOrNull, toJson, toJsonOrNull } from "./codec";
import { expectChanged } from "./errors";
import type { Write } from "./write";

interface TaskRecord {
  run_id: string;
  spec: string;
  state: TaskState;
  agent_id: string | null;
  attempts: number;
  result_json: string | null;
  error: string | null;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
}

const SELECT =
  "SELECT run_id, spec, state, agent_id, attempts, result_json, error, started_at, ended_at, duration_ms FROM tasks";

export function taskStatements(db: Database) {
  const insert = db.prepare<void, [string, string, number, number, string]>(
    "INSERT INTO tasks (run_id, task_id, seq, wave, spec) VALUES (?, ?, ?, ?, ?)",
  );
  const assigned = db.prepare<void, [string, string, string]>(
    "UPDATE tasks SET agent_id = ? WHERE run_id = ? AND task_id = ?",
  );
  // The agent that runs the attempt may not be the one assigned (work stealing, SPEC 4.1).
  const attemptStarted = db.prepare<void, [string, number, number, string, string]>(
    `UPDATE tasks SET state = 'running', agent_id = ?, attempts = ?, started_at = coalesce(started_at, ?)
     WHERE run_id = ? AND task_id = ?`,
  );
  // An UPDATE of the one row: applying the same final twice leaves one final record.
  const final = db.prepare<
    void,
    [string, string, number, string | null, string | null, number, number, number, string, string]
  >(
    `UPDATE tasks SET state = ?, agent_id = ?, attempts = ?, result_json = ?, error = ?,
       started_at = ?, ended_at = ?, duration_ms = ?
     WHERE run_id = ? AND task_id = ?`,
  );
  const ofWave = db.prepare<TaskRecord, [string, number]>(`${SELECT} WHERE run_id = ? AND wave = ? ORDER BY seq`);
  const all = db.prepare<TaskRecord, [string]>(`${SELECT} WHERE run_id = ? ORDER BY seq`);
  // Hops from each wave to the next through the (run_id, wave, seq) index: one lookup per wave
  // instead of a DISTINCT over every task of a million-task run.
  const waves = db.prepare<{ wave: number }, [string]>(
    `WITH RECURSIVE w(wave) AS (
       SELECT min(wave) FROM tasks WHERE run_id = ?1
       UNION ALL
       SELECT (SELECT min(wave) FROM tasks WHERE run_id = ?1 AND wave > w.wave) FROM w WHERE w.wave IS NOT NULL
     )
     SELECT wave FROM w WHERE wave IS NOT NULL`,
  );

  return {
    insert(run_id: string, task: Task): void {
      insert.run(run_id, task.task_id, task.seq, task.wave, toJson(task));
    },
    assigned(run_id: string, task_id: string, agent_id: string): void {
      expectChanged(assigned.run(agent_id, run_id, task_id), `task ${task_id} of run ${run_id}`);
    },
    attemptStarted(w: Write<"attempt_started">): void {
      const changes = attemptStarted.run(w.agent_id, w.attempt, w.at, w.run_id, w.task_id);
      expectChanged(changes, `task ${w.task_id} of run ${w.run_id}`);
    },
    final(w: Write<"task_final">): void {
      const changes = final.run(
        w.state,
        w.agent_id,
        w.attempts,
        w.result_json,
        toJsonOrNull(w.error),
        w.started_at,
        w.ended_at,
        w.duration_ms,
        w.run_id,
        w.task_id,
      );
      expectChanged(changes, `task ${w.task_id} of run ${w.run_id}`);
    },
    ofWave: (run_id: string, wave: number): TaskRow[] => ofWave.all(run_id, wave).map(toTaskRow),
    all: (run_id: string): TaskRow[] => all.all(run_id).map(toTaskRow),
    waves: (run_id: string): number[] => waves.all(run_id).map((r) => r.wave),
  };
}

export type TaskStatements = ReturnType<typeof taskStatements>;

function toTaskRow(r: TaskRecord): TaskRow {
  return {
    run_id: r.run_id,
    task: fromJson<Task>(r.spec),
    state: r.state,
    agent_id: r.agent_id,
    attempts: r.attempts,
    result_json: r.result_json,
    error: fromJsonOrNull<AttemptError>(r.error),
    started_at: r.started_at,
    ended_at: r.ended_at,
    duration_ms: r.duration_ms,
  };
}
