/**
 * A stored task as an input line again (`buddy export`, SPEC 1): what `toTask` made of the line,
 * undone, so the line validates and runs as the task did. Defaults stay written out (a later
 * build's defaults must not change a re-run); a risk level equal to the one its probability
 * derives is left out, since ingest derives it again; unknown fields come back verbatim.
 */
import { deriveRisk, type Task } from "../core";
import { scriptPathIn } from "./script-place";

/** Where a `script` of the exported file is found: relative to `dir`, as ingest will read it. */
export interface ScriptPlace {
  /** The directory the exported file's scripts resolve from. */
  dir: string;
  /** Called for a task of a run stored before script locations were kept: its code goes inline. */
  onInlined(task_id: string): void;
}

export function exportLine(task: Task, place: ScriptPlace): Record<string, unknown> {
  const line: Record<string, unknown> = {
    task_id: task.task_id,
    wave: task.wave,
    priority: task.priority,
    predicted_success_probability: task.predicted_success_probability,
    predicted_execution_time: task.predicted_execution_time,
  };
  if (task.risk_assessment !== deriveRisk(task.predicted_success_probability)) line.risk_assessment = task.risk_assessment;
  Object.assign(line, source(task, place));
  for (const key of ["agent_id", "agent_predictions", "input", "timeout_ms", "memory_mb", "max_retries", "retry", "approved"] as const) {
    if (task[key] !== undefined) line[key] = task[key];
  }
  if (task.uses.length > 0) line.uses = task.uses;
  for (const key of Object.keys(task.meta)) {
    // defineProperty: a `__proto__` field stays a field, as ingest kept it.
    Object.defineProperty(line, key, { value: task.meta[key], enumerable: true, writable: true, configurable: true });
  }
  return line;
}

function source(task: Task, place: ScriptPlace): { code?: string; script?: string } {
  if (task.script === undefined) return task.code === undefined ? {} : { code: task.code };
  if (task.script_file === undefined) {
    place.onInlined(task.task_id);
    return task.code === undefined ? {} : { code: task.code };
  }
  return { script: scriptPathIn(place.dir, task.script_file, task.task_id, "export from a directory that holds it, or with --output FILE in one") };
}
