/** Reports (SPEC 9.2, 9.3): Markdown sections, JSON, self-contained HTML, JUnit XML, the --out tree. */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SIGNAL_TYPES } from "../../src/feedback";
import { evaluateGates } from "../../src/manager";
import { buildRunReport, htmlReport, jsonReport, junitXml, markdownReport, outDirFiles, writeOutDir, type RunReport } from "../../src/report";
import { reportTask, runReport, taskObs, wave, type TaskSpec } from "../builders";
import { all, parseXml } from "./xml";

/** Two waves on 4 agents; agent_1 fails all of wave 1 (predicted 0.3) and sits out wave 2. */
function sample(): RunReport {
  const w1 = wave(1, 4, Array.from({ length: 16 }, (_, i): TaskSpec => (i % 4 === 1 ? [1, "failed", 0.3, 20 + i] : [i % 4, "succeeded", 0.95, 20 + i])));
  const w2 = wave(2, 4, Array.from({ length: 6 }, (_, i): TaskSpec => [[0, 2, 3][i % 3]!, "succeeded", 0.7, 30]), { failed: [1] });
  const report = runReport([w1, w2], {
    violations: [{ timestamp: "2026-01-01T00:00:01.000Z", run_id: "run-1", task_id: "w1-t1", attempt: 1, execution_id: "run-1/w1-t1/1", violation_type: "NETWORK_ACCESS_ATTEMPT", details: "fetch", code_preview: "return fetch('x')" }],
  });
  // One more task, outside the observations, whose id and error need escaping everywhere.
  const odd = taskObs(2, 9, [0, "failed", 0.6], {
    task: { task_id: `odd <&"'|> \u0001` },
    error: { code: "TASK_ERROR", message: 'bad <tag> & "quote" \u0007 ]]>', retryable: false },
  });
  const gates = evaluateGates(
    { task_id: odd.task.task_id, seq: 0, wave: 2, priority: 2, predicted_success_probability: 0.6, predicted_execution_time: 1, risk_assessment: "HIGH", uses: [], meta: {}, code: "providers.ghl.x()" },
    { min_confidence: 0.1, live: false, attempt: 1 },
  );
  const oddTask = {
    ...reportTask(odd, gates),
    attempts: [{ attempt: 1, agent_id: "agent_0", started_at: odd.started_at, ended_at: odd.ended_at, duration_ms: 10, status: "failed" as const, error: odd.error, console: ["line <1>", "line & 2"] }],
  };
  return buildRunReport({ ...report, tasks: [...report.tasks, oddTask] });
}

describe("markdownReport", () => {
  test("has the sections of SPEC 9.3, in order, the failed tasks right after the summary", () => {
    const md = markdownReport(sample());
    const headings = md.split("\n").filter((l) => l.startsWith("## ")).map((l) => l.slice(3));
    expect(headings).toEqual(["Executive Summary", "Failed Tasks", "Wave Breakdown", "Agent Performance", "Anomalies & Alerts", "Learning Signals", "Calibration", "Recommendations"]);
  });

  test("states the run's figures, its anomalies and its alerts", () => {
    const md = markdownReport(sample());
    expect(md).toContain("18 of 23 tasks succeeded (78.3 %)");
    expect(md).toContain("| 1 | HIGH | agent_failure | agent_1 succeeded 0 of 4 tasks");
    expect(md).toContain("NETWORK_ACCESS_ATTEMPT");
    expect(md).toContain("| risk | 0 | 1 | 0 |");
    expect(md).toContain("- [HIGH] wave 1 agent_failure: agent_1 is marked failed and gets no tasks in wave 2");
  });

  test("table cells escape pipes, HTML and the rest of a task's text, so a value never breaks its row or the terminal", () => {
    const md = markdownReport(sample());
    expect(md).toContain("odd \\<&\"'\\|>");
    const hostile = sample();
    hostile.run.input = "in\rput\u001b[31m|[x](javascript:y)`z`\u202e";
    const row = markdownReport(hostile).split("\n").find((line) => line.startsWith("| Input |"))!;
    expect(row).toBe("| Input | in put\\u001b\\[31m\\|\\[x\\](javascript:y)\\`z\\`\\u202e |");
  });
});

describe("jsonReport", () => {
  test("is the report with per-agent figures and recommendations", () => {
    const parsed = JSON.parse(jsonReport(sample()));
    expect(parsed.type).toBe("report");
    expect(parsed.summary.totals).toMatchObject({ tasks: 23, succeeded: 18, failed: 5, rejected: 0 });
    expect(parsed.waves).toHaveLength(2);
    expect(parsed.agents.map((a: { agent_id: string }) => a.agent_id)).toEqual(["agent_0", "agent_1", "agent_2", "agent_3"]);
    expect(parsed.agents[1].waves_sat_out).toBe(1);
    expect(parsed.recommendations.length).toBeGreaterThan(0);
  });
});

describe("htmlReport", () => {
  const html = htmlReport(sample());
  test("one self-contained file: inline SVG charts, no script, nothing fetched", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|url\(/i);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:/);
  });

  test("every chart and table of SPEC 9.3 is there", () => {
    for (const label of ["Health score per wave", "Predicted vs observed success per wave", "Reliability diagram", "Busy time per agent", "Attempts per agent over time"]) {
      expect(html).toContain(`aria-label="${label}"`);
    }
    expect(html).toContain("<h2>Anomalies</h2>");
    expect(html).toContain("<h2>Sandbox violations</h2>");
    expect(html).toContain("NETWORK_ACCESS_ATTEMPT");
  });

  test("its sections come in the Markdown report's order, learning signals included", () => {
    const h2 = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(h2).toEqual(["Failed tasks", "Health and predictions", "Waves", "Agents", "Attempt timeline", "Anomalies", "Safety gates", "Sandbox violations", "Learning signals", "Calibration", "Recommendations"]);
    const md = markdownReport(sample());
    expect(html).toContain("agent_performance");
    expect(md.indexOf("## Learning Signals")).toBeLessThan(md.indexOf("## Calibration"));
  });

  test("the attempt timeline of a huge run draws at most 5,000 bars and says so", () => {
    const big = sample();
    const task = big.tasks[0]!;
    const attempt = task.attempts[0]!;
    big.tasks = [{ ...task, attempts: Array.from({ length: 6000 }, (_, i) => ({ ...attempt, attempt: i + 1, started_at: attempt.started_at + i })) }];
    const timeline = htmlReport(big).split('aria-label="Attempts per agent over time"')[1]!.split("</svg>")[0]!;
    expect(timeline.match(/<rect /g)!.length).toBeLessThanOrEqual(5000 + 20);
    expect(timeline).toContain("the first 5000 of 6000 attempts");
  });

  test("a bidirectional override in a task's text is written out, not obeyed", () => {
    const hostile = sample();
    hostile.run.input = "\u202egnp.exe";
    expect(htmlReport(hostile)).toContain("\\u202egnp.exe");
  });

  test("task text is escaped", () => {
    expect(html).not.toContain("<tag>");
    expect(html).toContain("bad &lt;tag&gt; &amp; &quot;quote&quot;");
  });
});

describe("junitXml", () => {
  const report = sample();
  const root = parseXml(junitXml(report));

  test("well-formed, one testsuite per wave and one testcase per task", () => {
    expect(root.name).toBe("testsuites");
    expect(all(root, "testsuite").map((s) => s.attrs.name)).toEqual(["wave_1", "wave_2"]);
    const cases = all(root, "testcase");
    expect(cases).toHaveLength(report.tasks.length);
    expect(cases.map((c) => c.attrs.name)).toEqual(report.tasks.map((t) => t.task_id.replace("\u0001", "\uFFFD")));
    expect(cases.every((c) => c.attrs.classname === `wave_${report.tasks.find((t) => t.task_id.replace("\u0001", "\uFFFD") === c.attrs.name)!.wave}`)).toBe(true);
    expect(root.attrs).toMatchObject({ tests: "23", failures: "5", errors: "0" });
  });

  test("failures carry the error code and message; text round-trips through escaping", () => {
    const failures = all(root, "failure");
    expect(failures).toHaveLength(5);
    expect(failures[0]!.attrs).toEqual({ type: "TASK_ERROR", message: "boom" });
    const odd = all(root, "testcase").find((c) => c.attrs.name!.startsWith("odd"))!;
    expect(odd.attrs.name).toBe(`odd <&"'|> \uFFFD`);
    expect(odd.children[0]!.attrs.message).toBe('bad <tag> & "quote" \uFFFD ]]>');
    expect(odd.children[1]!.text).toBe("line <1>\nline & 2");
  });

  test("an unfinished task is skipped, not failed", () => {
    const r = sample();
    r.tasks[0] = { ...r.tasks[0]!, status: "pending", attempts: [] };
    const parsed = parseXml(junitXml(r));
    expect(all(parsed, "skipped")).toHaveLength(1);
    expect(parsed.attrs.skipped).toBe("1");
  });
});

describe("a run with nothing in it", () => {
  test("every format still renders, and the tree has its run-level files", () => {
    const empty = runReport([]);
    expect(markdownReport(empty)).toContain("No wave ran.");
    expect(htmlReport(empty)).toContain(">no data</text>");
    expect(all(parseXml(junitXml(empty)), "testcase")).toEqual([]);
    expect(JSON.parse(jsonReport(empty)).summary).toMatchObject({ success_rate: null, health_score: null, confidence_trajectory: "stable" });
    expect(outDirFiles(empty).map((f) => f.path)).toContain("phase21_execution_summary.json");
  });
});

describe("writeOutDir", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  /** Every path of SPEC 9.2 for a run of `waves` waves on agent_0..agent_3. */
  const spec92 = (waves: number) => [
    ...Array.from({ length: waves }, (_, w) => [
      ...[0, 1, 2, 3].flatMap((a) => ["agent_assignments.jsonl", "executed_tasks.jsonl", "agent_metrics.jsonl", "agent_feedback.jsonl"].map((f) => `wave_${w + 1}/agent_${a}/${f}`)),
      ...["system_health.json", "learning_signals.jsonl", "anomalies.jsonl", "coordination_plan.json"].map((f) => `wave_${w + 1}/${f}`),
    ]).flat(),
    "phase21_system_health.json", "phase21_execution_summary.json", "phase21_learning_signals.jsonl", "PHASE_21_AUTONOMOUS_EXECUTION.md",
    "report.html", "phase16/phase21_feedback.jsonl", "phase18/phase21_feedback.jsonl", "phase20/phase21_feedback.jsonl", "sandbox_violation_log.jsonl",
  ];

  test("writes every file of SPEC 9.2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "buddy-out-"));
    dirs.push(dir);
    const written = await writeOutDir(dir, sample());
    expect([...written].sort()).toEqual(spec92(2).sort());
    for (const path of spec92(2)) expect((await stat(join(dir, path))).isFile()).toBe(true);
  });

  test("every signal type is in phase21_learning_signals.jsonl and in its phase's file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "buddy-out-"));
    dirs.push(dir);
    await writeOutDir(dir, sample());
    const rows = async (path: string) => (await readFile(join(dir, path), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    const typesIn = async (path: string) => [...new Set((await rows(path)).map((s: { signal_type: string }) => s.signal_type))].sort();
    expect(await typesIn("phase21_learning_signals.jsonl")).toEqual([...SIGNAL_TYPES].sort());
    expect(await typesIn("phase16/phase21_feedback.jsonl")).toEqual(["heuristic_feedback"]);
    expect(await typesIn("phase18/phase21_feedback.jsonl")).toEqual(["agent_performance", "multi_agent_coordination"]);
    expect(await typesIn("phase20/phase21_feedback.jsonl")).toEqual(["prediction_validation"]);
    expect(await typesIn("wave_1/learning_signals.jsonl")).toEqual([...SIGNAL_TYPES].sort());
  });

  test("file contents: per-agent records, health, anomalies and the violation log", async () => {
    const dir = await mkdtemp(join(tmpdir(), "buddy-out-"));
    dirs.push(dir);
    await writeOutDir(dir, sample());
    const text = (path: string) => readFile(join(dir, path), "utf8");
    const executed = (await text("wave_1/agent_1/executed_tasks.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
    expect(executed).toHaveLength(4);
    expect(executed[0]).toMatchObject({ agent_id: "agent_1", wave: 1, status: "failed", success: false, actual_success: 0, error_code: "TASK_ERROR" });
    expect(await text("wave_2/agent_1/executed_tasks.jsonl")).toBe(""); // sat out wave 2
    const assignment = JSON.parse((await text("wave_1/agent_0/agent_assignments.jsonl")).split("\n")[0]!);
    expect(assignment).toMatchObject({ task_id: "w1-t0", agent_id: "agent_0", predicted_success_rate: 0.95 });
    const health = JSON.parse(await text("wave_1/system_health.json"));
    expect(health[0]).toMatchObject({ wave: 1, anomalies: 1, failed_next_wave: ["agent_1"] });
    expect((await text("wave_1/anomalies.jsonl")).trim().split("\n").map((l) => JSON.parse(l).anomaly_type)).toEqual(["agent_failure"]);
    expect(JSON.parse(await text("sandbox_violation_log.jsonl")).violation_type).toBe("NETWORK_ACCESS_ATTEMPT");
    const metrics = (await text("wave_1/agent_1/agent_metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
    expect(metrics.find((m) => m.metric_name === "success_rate")).toMatchObject({ agent_id: "agent_1", value: 0, unit: "ratio", wave: 1 });
    const summary = JSON.parse(await text("phase21_execution_summary.json"));
    expect(summary).toMatchObject({ total_tasks: 23, completed_tasks: 18, failed_tasks: 5, anomalies_detected: 1, learning_signals_generated: 8 });
  });

  test("the same report gives the same files", () => {
    expect(JSON.stringify(outDirFiles(sample()))).toBe(JSON.stringify(outDirFiles(sample())));
  });
});
