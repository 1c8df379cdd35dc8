/**
 * JUnit XML for CI servers (SPEC 9.2 `--junit`): one testsuite per wave, one testcase per task
 * (classname = the wave), a failure for each failed or rejected task carrying its error code as
 * the type and its message, skipped for a task an interrupted run never finished.
 */
import { iso } from "../core";
import { escapeXml as x } from "./format";
import { replaceFile } from "./outdir/nofollow";
import type { ReportTask, RunReport } from "./types";

const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);
const attr = (name: string, value: string | number) => `${name}="${x(String(value))}"`;

function body(task: ReportTask): string[] {
  const lines: string[] = [];
  if (task.status === "failed" || task.status === "rejected") {
    const code = task.error?.code ?? (task.status === "rejected" ? "SAFETY_GATE_REJECTED" : "FAILED");
    const message = task.error?.message ?? task.status;
    const at = task.error?.location;
    const detail = [
      `${code}: ${message}`,
      ...(at === undefined ? [] : [`at ${at.file}:${at.line}:${at.column}`]),
      ...(task.error?.stack === undefined ? [] : [task.error.stack]),
      `status: ${task.status}, attempts: ${task.attempts.length}, agent: ${task.agent_id ?? "none"}`,
      `predicted_success_probability: ${task.predicted_success_probability}`,
      ...(task.error?.violation_type ? [`violation_type: ${task.error.violation_type}`] : []),
      ...task.gate_decisions.filter((d) => d.decision === "reject").map((d) => `gate ${d.gate}: ${d.reason}`),
    ].join("\n");
    lines.push(`      <failure ${attr("type", code)} ${attr("message", message)}>${x(detail)}</failure>`);
  } else if (task.status === "pending" || task.status === "running") {
    lines.push(`      <skipped ${attr("message", "not finished (run interrupted)")}/>`);
  }
  const output = task.attempts[task.attempts.length - 1]?.console ?? [];
  if (output.length > 0) lines.push(`      <system-out>${x(output.join("\n"))}</system-out>`);
  return lines;
}

function testcase(task: ReportTask): string {
  const open = `    <testcase ${attr("name", task.task_id)} ${attr("classname", `wave_${task.wave}`)} ${attr("time", seconds(task.duration_ms))}`;
  const inner = body(task);
  return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, "    </testcase>"].join("\n");
}

const failing = (t: ReportTask) => t.status === "failed" || t.status === "rejected";
const skipped = (t: ReportTask) => t.status === "pending" || t.status === "running";

export function junitXml(r: RunReport): string {
  const waves = [...new Set(r.tasks.map((t) => t.wave))].sort((a, b) => a - b);
  const total = (tasks: readonly ReportTask[]) => tasks.reduce((s, t) => s + (t.duration_ms ?? 0), 0);
  const suites = waves.map((wave) => {
    const tasks = r.tasks.filter((t) => t.wave === wave);
    const started = r.waves.find((w) => w.wave === wave)?.observation.started_at ?? r.run.started_at ?? r.run.created_at;
    const head = [attr("name", `wave_${wave}`), attr("tests", tasks.length), attr("failures", tasks.filter(failing).length),
      attr("errors", 0), attr("skipped", tasks.filter(skipped).length), attr("time", seconds(total(tasks))),
      attr("timestamp", iso(started))].join(" ");
    return [`  <testsuite ${head}>`, ...tasks.map(testcase), "  </testsuite>"].join("\n");
  });
  const head = [attr("name", `buddy ${r.run.run_id}`), attr("tests", r.tasks.length), attr("failures", r.tasks.filter(failing).length),
    attr("errors", 0), attr("skipped", r.tasks.filter(skipped).length), attr("time", seconds(r.summary.duration_ms ?? total(r.tasks)))].join(" ");
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites ${head}>`, ...suites, "</testsuites>", ""].join("\n");
}

/** Writes the run's JUnit XML to `path`, replacing (never following) what is there. */
export function writeJunit(path: string, r: RunReport): void {
  replaceFile(path, junitXml(r));
}
