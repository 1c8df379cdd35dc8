/**
 * A task that reached its final state (SPEC 3 `task`): the one shape the executor ends a task
 * with, the store keeps, the monitor, the feedback loop and the reports read, and the `task`
 * record prints. Conversions happen at the edges only (src/store/<backend>, src/harness/records).
 */
import type { AttemptError, Task, TaskStatus } from "./task";

export interface FinishedTask {
  task: Task;
  /** The agent that ran its last attempt (not always the one assigned: work stealing). */
  agent_id: string;
  status: TaskStatus;
  /** Attempts made; 0 for a task rejected before its first. */
  attempts: number;
  /** JSON text of the code's return value, when it succeeded. */
  result_json: string | null;
  error: AttemptError | null;
  /** When its first attempt really started running, and when it reached its final state (epoch ms). */
  started_at: number;
  ended_at: number;
  /** Each attempt's duration in ms, in order, attempts of an earlier process of the run included. */
  attempt_durations_ms: number[];
  /** A failed task's last attempt's console lines, capped (`capConsole`); absent otherwise. */
  console?: string[];
}

/** What a task record keeps of its last attempt's console: `buddy show --attempts` has it all. */
const TASK_CONSOLE_LIMIT_CHARS = 4096;

/** The first lines of `lines` that fit TASK_CONSOLE_LIMIT_CHARS; a line that does not fit is cut, with "…". */
export function capConsole(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let room = TASK_CONSOLE_LIMIT_CHARS;
  for (const line of lines) {
    if (line.length > room) {
      const cut = line.slice(0, room);
      // Never half of a surrogate pair.
      kept.push(`${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`);
      break;
    }
    kept.push(line);
    room -= line.length;
  }
  return kept;
}

/** What the agent spent on the task: the sum of its attempts' durations (ms). */
export const busyMs = (f: FinishedTask): number => f.attempt_durations_ms.reduce((a, b) => a + b, 0);

/** Wall time from its first attempt's start to its final state, in whole ms (SPEC 3). */
export const durationMs = (f: Pick<FinishedTask, "started_at" | "ended_at">): number => Math.round(f.ended_at - f.started_at);

/**
 * Whether the task's prediction was put to the test. A `rejected` task never ran (a safety gate
 * stopped it), so its outcome says nothing about its prediction: calibration, Brier scores and
 * every rate that measures predictions leave it out. Counting it as a failure would make low
 * predictions look right because the gates reject them.
 */
export const ran = (t: { status: string }): boolean => t.status === "succeeded" || t.status === "failed";

/** 1 for a succeeded task, else 0: the outcome a prediction is scored against. */
export const outcomeOf = (t: { status: string }): 0 | 1 => (t.status === "succeeded" ? 1 : 0);

/** Whether a task has reached its final state (succeeded, failed or rejected). */
export const isFinished = <T extends { status: string }>(t: T): t is T & { status: TaskStatus } =>
  t.status === "succeeded" || t.status === "failed" || t.status === "rejected";
