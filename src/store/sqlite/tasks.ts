/** The `tasks` table: the ingested task (spec JSON) and its current state, one row per task. */
import type { Database } from "bun:sqlite";
import { durationMs, type Task } from "../../core";
import type { StoredTask } from "../types";
import { toJson, toJsonOrNull } from "../codec";
import { expectChanged } from "./errors";
import { type TaskColumns, toStoredTask } from "../rows";
import type { Write } from "../write";


// A finished task's attempt durations are its ended attempts' ones, read through the attempts
// primary key in the same statement; a pending task skips the lookup. So is a failed task's
// last console (SPEC 3).
const SELECT = `SELECT spec, state, agent_id, attempts, result_json, error, started_at, ended_at,
  CASE WHEN state IN ('succeeded', 'failed', 'rejected') THEN
    (SELECT json_group_array(a.duration_ms ORDER BY a.attempt) FROM attempts a
     WHERE a.run_id = tasks.run_id AND a.task_id = tasks.task_id AND a.duration_ms IS NOT NULL)
  END AS durations,
  CASE WHEN state = 'failed' THEN
    (SELECT a.console FROM attempts a WHERE a.run_id = tasks.run_id AND a.task_id = tasks.task_id ORDER BY a.attempt DESC LIMIT 1)
  END AS last_console
  FROM tasks`;

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
  // An UPDATE of the one row: applying the same final state twice leaves one final record.
  const finished = db.prepare<
    void,
    [string, string, number, string | null, string | null, number, number, number, string, string]
  >(
    `UPDATE tasks SET state = ?, agent_id = ?, attempts = ?, result_json = ?, error = ?,
       started_at = ?, ended_at = ?, duration_ms = ?
     WHERE run_id = ? AND task_id = ?`,
  );
  const ofWave = db.prepare<TaskColumns, [string, number]>(`${SELECT} WHERE run_id = ? AND wave = ? ORDER BY seq`);
  const all = db.prepare<TaskColumns, [string]>(`${SELECT} WHERE run_id = ? ORDER BY seq`);
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
    finished({ run_id, finished: f }: Write<"task_finished">): void {
      const changes = finished.run(
        f.status,
        f.agent_id,
        f.attempts,
        f.result_json,
        toJsonOrNull(f.error),
        f.started_at,
        f.ended_at,
        durationMs(f),
        run_id,
        f.task.task_id,
      );
      expectChanged(changes, `task ${f.task.task_id} of run ${run_id}`);
    },
    ofWave: (run_id: string, wave: number): StoredTask[] => ofWave.all(run_id, wave).map((r) => toStoredTask(r, run_id)),
    all: (run_id: string): StoredTask[] => all.all(run_id).map((r) => toStoredTask(r, run_id)),
    waves: (run_id: string): number[] => waves.all(run_id).map((r) => r.wave),
  };
}


