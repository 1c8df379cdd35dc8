/**
 * The columns `--format table` shows of each record, and `show`'s summary lines. Built from the
 * very records `--format json` prints, so a table never says something the JSON does not; the
 * JSON has every field, the table the ones a person scans for. Headers are the names of the
 * fields they show, upper-cased (shortened where long: PREDICTED); keys are the names as they are.
 */
import type { AttemptRecord, RunRecord, SummaryRecord, TaskRecord, ViolationRecord, WaveRecord } from "../records";
import type { Colour } from "./colour";
import { humanDuration, percent, shortTime, type Column } from "./table";

/** How many failed tasks `show`'s summary names; `show --tasks` has them all. */
const FAILED_NAMED = 5;

const OUTCOME_COLOURS: Record<string, Colour> = {
  succeeded: "green",
  completed: "green",
  failed: "red",
  halted: "red",
  rejected: "yellow",
  interrupted: "yellow",
};
const statusColour = (r: { status: string }): Colour | undefined => OUTCOME_COLOURS[r.status];

const HEALTH_COLOURS: Record<string, Colour> = { EXCELLENT: "green", GOOD: "green", FAIR: "yellow", POOR: "red" };

/** `TASK_ERROR at task.js:3:9: Error: order not ok`: the place first, as a long message is cut. */
function errorText(error: TaskRecord["error"] | AttemptRecord["error"]): string | null {
  if (!error) return null;
  const at = error.location ? ` at ${error.location.file}:${error.location.line}:${error.location.column}` : "";
  return `${error.code}${at}: ${error.message}`;
}

const elapsed = (from: string | null, to: string | null) => (from === null || to === null ? null : humanDuration(Date.parse(to) - Date.parse(from)));

export const RUN_COLUMNS: Column<RunRecord>[] = [
  { header: "RUN_ID", cell: (r) => r.run_id, kind: "id" },
  { header: "STATUS", cell: (r) => r.status, colour: statusColour },
  { header: "TASKS", cell: (r) => r.tasks, kind: "number" },
  { header: "WAVES", cell: (r) => r.waves, kind: "number" },
  { header: "SUCCESS_RATE", cell: (r) => percent(r.success_rate), kind: "number" },
  { header: "DURATION", cell: (r) => elapsed(r.started_at, r.ended_at), kind: "number" },
  { header: "CREATED_AT", cell: (r) => shortTime(r.created_at) },
  { header: "INPUT", cell: (r) => r.input, kind: "path" },
];

export const WAVE_COLUMNS: Column<WaveRecord>[] = [
  { header: "WAVE", cell: (w) => w.wave, kind: "number" },
  { header: "STRATEGY", cell: (w) => w.strategy },
  { header: "TASKS", cell: (w) => w.totals.tasks, kind: "number" },
  { header: "SUCCEEDED", cell: (w) => w.totals.succeeded, kind: "number" },
  { header: "FAILED", cell: (w) => w.totals.failed, kind: "number" },
  { header: "REJECTED", cell: (w) => w.totals.rejected, kind: "number" },
  { header: "RETRIES", cell: (w) => w.totals.retries, kind: "number" },
  { header: "SUCCESS_RATE", cell: (w) => percent(w.success_rate), kind: "number" },
  { header: "HEALTH_SCORE", cell: (w) => w.health_score.toFixed(1), kind: "number" },
  { header: "HEALTH_STATUS", cell: (w) => w.health_status, colour: (w) => HEALTH_COLOURS[w.health_status] },
  { header: "ANOMALIES", cell: (w) => w.anomalies.length, kind: "number" },
  { header: "DURATION", cell: (w) => humanDuration(w.duration_ms), kind: "number" },
];

export const TASK_COLUMNS: Column<TaskRecord>[] = [
  { header: "TASK_ID", cell: (t) => t.task_id, kind: "id" },
  { header: "WAVE", cell: (t) => t.wave, kind: "number" },
  { header: "AGENT_ID", cell: (t) => t.agent_id, kind: "id" },
  { header: "STATUS", cell: (t) => t.status, colour: statusColour },
  { header: "ATTEMPTS", cell: (t) => t.attempts, kind: "number" },
  { header: "PREDICTED", cell: (t) => percent(t.predicted_success_probability), kind: "number" },
  { header: "DURATION", cell: (t) => humanDuration(t.duration_ms), kind: "number" },
  { header: "ERROR", cell: (t) => errorText(t.error) },
];

export const ATTEMPT_COLUMNS: Column<AttemptRecord>[] = [
  { header: "TASK_ID", cell: (a) => a.task_id, kind: "id" },
  { header: "ATTEMPT", cell: (a) => a.attempt, kind: "number" },
  { header: "AGENT_ID", cell: (a) => a.agent_id, kind: "id" },
  { header: "STATUS", cell: (a) => a.status, colour: statusColour },
  { header: "DURATION", cell: (a) => humanDuration(a.duration_ms), kind: "number" },
  { header: "RETRY_DELAY", cell: (a) => humanDuration(a.retry_delay_ms), kind: "number" },
  { header: "CONSOLE", cell: (a) => `${a.console.length}${a.console_truncated ? "+" : ""}`, kind: "number" },
  { header: "ERROR", cell: (a) => errorText(a.error) },
];

export const VIOLATION_COLUMNS: Column<ViolationRecord>[] = [
  { header: "TIMESTAMP", cell: (v) => shortTime(v.timestamp) },
  { header: "RUN_ID", cell: (v) => v.run_id, kind: "id" },
  { header: "TASK_ID", cell: (v) => v.task_id, kind: "id" },
  { header: "ATTEMPT", cell: (v) => v.attempt, kind: "number" },
  { header: "VIOLATION_TYPE", cell: (v) => v.violation_type, colour: () => "red" },
  { header: "DETAILS", cell: (v) => v.details },
  { header: "CODE_PREVIEW", cell: (v) => v.code_preview },
];

type Pair = readonly [string, string | number | null | undefined, Colour?];

/** `show`'s first block: the run, and once it has one, its summary, as `key  value` lines. */
export function summaryPairs(run: RunRecord, summary: SummaryRecord | undefined): Pair[] {
  const pairs: Pair[] = [
    ["run_id", run.run_id],
    ["status", summary?.exit_code === undefined ? run.status : `${run.status} (exit code ${summary.exit_code})`, statusColour(run)],
    ["input", run.input],
  ];
  if (summary === undefined) pairs.push(["tasks", run.tasks]);
  else {
    const t = summary.totals;
    pairs.push(
      ["tasks", `${t.tasks}: ${t.succeeded} succeeded, ${t.failed} failed, ${t.rejected} rejected, ${t.pending} pending`],
      ["attempts", `${t.attempts} (${t.retries} retries)`],
    );
  }
  pairs.push(["waves", run.waves]);
  if (summary !== undefined) {
    const health = summary.health_score === null ? null : `${summary.health_score.toFixed(1)} ${summary.health_status ?? ""}`;
    pairs.push(
      ["success_rate", percent(summary.success_rate)],
      ["health", health, summary.health_status === null ? undefined : HEALTH_COLOURS[summary.health_status]],
      ["brier", summary.brier === null ? null : summary.brier.toFixed(4)],
      ["anomalies", summary.anomalies],
    );
    const failed = summary.failed_tasks ?? [];
    if (failed.length > 0) {
      const total = summary.totals.failed + summary.totals.rejected;
      const named = failed.slice(0, FAILED_NAMED).map((f) => `${f.task_id} (${f.code})`).join(", ");
      pairs.push(["failed_tasks", total > FAILED_NAMED ? `${named} and ${total - FAILED_NAMED} more` : named]);
    }
    if (summary.halted_by) pairs.push(["halted_by", `${summary.halted_by.task_id} (${summary.halted_by.code})`]);
  }
  pairs.push(
    ["seed", run.seed],
    ["created_at", shortTime(run.created_at)],
    ["started_at", shortTime(run.started_at)],
    ["ended_at", shortTime(run.ended_at)],
    ["duration", summary === undefined ? elapsed(run.started_at, run.ended_at) : humanDuration(summary.duration_ms)],
  );
  return pairs;
}
