/** The failed and rejected tasks of a run, as both reports list them (SPEC 9.3), first in each. */
import { isoOrDash } from "./format";
import type { ReportTask, RunReport } from "./types";

export const FAILED_TASK_HEAD = ["Task", "Wave", "Agent", "Status", "Error", "Where", "Message", "Ended"] as const;

const failing = (t: ReportTask) => t.status === "failed" || t.status === "rejected";

/** `file:line:column` of the error in the task's own code, or "—". */
function where(t: ReportTask): string {
  const at = t.error?.location;
  return at === undefined ? "—" : `${at.file}:${at.line}:${at.column}`;
}

export function failedTaskRows(r: RunReport): string[][] {
  return r.tasks.filter(failing).map((t) => [t.task_id, String(t.wave), t.agent_id ?? "—", t.status, t.error?.code ?? "—", where(t), t.error?.message ?? "", isoOrDash(t.ended_at)]);
}
