/**
 * Reports that never contradict themselves (issue 13, point 10): an interrupted run's rates are
 * over its finished tasks with the rest counted as not run, in Markdown, HTML and JSON alike; a
 * wave the run stopped in is still shown, marked cut off, and so are its agents; empty charts and
 * tables say "no data"; gate decisions are counted, not listed row by row.
 */
import { describe, expect, test } from "bun:test";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import type { FinishedTask } from "../../src/core";
import { evaluateGates } from "../../src/manager";
import { htmlReport, jsonReport, markdownReport, ReportRecordSchema, type ReportTask, type RunReport } from "../../src/report";
import { reportTask, runReport, taskObs, wave, type TaskSpec } from "../builders";

/** A task the run never finished; `attempt` gives it one attempt cut short on that agent. */
function unfinished(waveNo: number, i: number, attempt?: number): ReportTask {
  const base = reportTask(taskObs(waveNo, i, [0, "succeeded", 0.7]));
  const { result: _none, ...rest } = base;
  const attempts = attempt === undefined ? [] : [{ ...base.attempts[0]!, agent_id: `agent_${attempt}`, ended_at: null, duration_ms: null, status: "running" as const, error: null }];
  return { ...rest, agent_id: null, status: "pending", attempts, error: null, started_at: null, ended_at: null, duration_ms: null };
}

/**
 * Wave 1 (4 tasks) concluded; wave 2 (5 tasks) stopped after 2 finished, one attempt in flight;
 * wave 3 (4 tasks) never started: 13 tasks, 6 finished, 4 succeeded, 7 not run.
 */
function interrupted(): RunReport {
  const w1 = wave(1, 2, [[0, "succeeded", 0.9], [1, "succeeded", 0.9], [0, "failed", 0.5], [1, "succeeded", 0.8]]);
  const finished2: FinishedTask[] = [taskObs(2, 0, [0, "succeeded", 0.9]), taskObs(2, 1, [1, "failed", 0.4, 30])];
  const { plan: _plan, steals: _steals, ...cut } = wave(2, 2, finished2);
  const tasks = [
    ...w1.tasks.map((t) => reportTask(t)),
    ...finished2.map((t) => reportTask(t)),
    unfinished(2, 2, 1), unfinished(2, 3), unfinished(2, 4),
    ...[0, 1, 2, 3].map((i) => unfinished(3, i)),
  ];
  const base = runReport([w1]);
  return runReport([w1], { run: { ...base.run, status: "interrupted", ended_at: null }, cut_off_waves: [{ wave: 2, observation: cut }], tasks });
}

const HEADLINE = "4 of 6 finished tasks succeeded (66.7 %), 7 not run";

describe("an interrupted run", () => {
  const r = interrupted();
  const md = markdownReport(r);
  const html = htmlReport(r);
  const doc = JSON.parse(jsonReport(r));

  test("rates are over finished tasks and the rest is not run, the same sentence in Markdown, HTML and JSON", () => {
    expect(doc.summary).toMatchObject({ headline: HEADLINE, finished: 6, totals: { tasks: 13, succeeded: 4, pending: 7 } });
    expect(md).toContain(`Run \`run-1\` interrupted: ${HEADLINE}.`);
    expect(html).toContain(`Run run-1 interrupted: ${HEADLINE}.`);
    for (const text of [md, html, JSON.stringify(doc)]) expect(text).not.toContain("of 13 tasks");
    expect(md).toContain("| Tasks | 13: 4 succeeded, 2 failed, 0 rejected, 7 not run |");
    expect(html).toContain("Succeeded<b>4 of 6 finished</b>");
    expect(html).toContain("Not run<b>7</b>");
  });

  test("the wave it stopped in is listed, marked cut off, with its tasks not run; the wave never started is counted", () => {
    expect(md).toContain("| Waves | 3: 1 concluded, 1 cut off, 1 not run |");
    expect(md).toContain("| 2 | 5 | 1 | 1 | 0 | 3 | 50.0 % | 0.65 | — | cut off | — | — | — | — |");
    expect(md).toContain("Wave 2 was cut off: the run stopped before it concluded");
    expect(html).toContain("<td>cut off</td>");
    expect(html).toContain("wave 2 (cut off)");
    expect(doc.summary.waves).toEqual({ total: 3, concluded: 1, cut_off: 1, not_run: 1 });
    expect(doc.cut_off_waves).toHaveLength(1);
    expect(doc.cut_off_waves[0]).toMatchObject({ wave: 2, success_rate: 0.5, totals: { tasks: 5, succeeded: 1, failed: 1, pending: 3 } });
    expect(doc.cut_off_waves[0].observation.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(["w2-t0", "w2-t1"]);
  });

  test("its agents count the tasks they finished in the cut-off wave", () => {
    const agent1 = doc.agents.find((a: { agent_id: string }) => a.agent_id === "agent_1");
    expect(agent1).toMatchObject({ tasks: 3, succeeded: 2, failed: 1 });
    expect(md).toMatch(/\| agent_1 \| 3 \| 2 \| 1 \|/);
  });

  test("the JSON report conforms to its schema", () => {
    const first = TypeCompiler.Compile(ReportRecordSchema).Errors(doc).First();
    expect(first ? `${first.path}: ${first.message}` : "conforms").toBe("conforms");
  });

  test("the advice says how to finish the run, instead of that no action is needed", () => {
    expect(doc.recommendations[0]).toBe("7 task(s) not run: `buddy resume run-1` finishes the run");
    expect(md).not.toContain("No action needed");
  });

  test("the attempt cut short is on the timeline, in the colour its legend names", () => {
    expect(html).toContain("w2-t2 attempt 1: running");
    expect(html).toContain("unfinished (run stopped)");
  });
});

describe("empty charts and tables", () => {
  test("a run where nothing ran: every chart says no data, every table says so in words", () => {
    const r = runReport([]);
    const html = htmlReport(r);
    const charts = html.match(/<svg [\s\S]*?<\/svg>/g)!;
    expect(charts).toHaveLength(5);
    for (const chart of charts) expect(chart).toContain(">no data</text>");
    const md = markdownReport(r);
    // A header row with no rows under it is never printed.
    expect(md).not.toMatch(/\|---[|-]*\n\n/);
    expect(md).not.toMatch(/\|---[|-]*\n?$/);
    // The calibration bins: none has a task.
    expect(md).toContain("No data.");
  });

  test("only the chart without data says so: a run whose tasks were all rejected has no calibration", () => {
    const r = runReport([wave(1, 1, [[0, "rejected", 0.05]])]);
    const html = htmlReport(r);
    const diagram = html.match(/<svg [^>]*aria-label="Reliability diagram"[\s\S]*?<\/svg>/)![0];
    expect(diagram).toContain(">no data</text>");
    expect(html.match(/<svg [^>]*aria-label="Health score per wave"[\s\S]*?<\/svg>/)![0]).not.toContain("no data");
  });
});

describe("charts carry legends and axis titles", () => {
  const html = htmlReport(runReport([wave(1, 2, [[0, "succeeded", 0.9], [1, "failed", 0.4]]), wave(2, 2, [[0, "succeeded", 0.8]])]));
  const chart = (label: string) => html.match(new RegExp(`<svg [^>]*aria-label="${label}"[\\s\\S]*?</svg>`))![0];

  test("each colour is named", () => {
    for (const status of ["EXCELLENT ≥ 90", "GOOD ≥ 70", "FAIR ≥ 50", "POOR &lt; 50"]) expect(chart("Health score per wave")).toContain(status);
    expect(chart("Predicted vs observed success per wave")).toContain(">mean predicted</text>");
    expect(chart("Reliability diagram")).toContain(">perfect calibration</text>");
    expect(chart("Busy time per agent")).toContain(">wave 2</text>");
    for (const outcome of ["succeeded", "failed"]) expect(chart("Attempts per agent over time")).toContain(`>${outcome}</text>`);
  });

  test("the reliability diagram titles both axes", () => {
    const diagram = chart("Reliability diagram");
    expect(diagram).toMatch(/transform="rotate\(-90[^"]*"[^>]*>observed success rate<\/text>/);
    expect(diagram).toContain(">mean predicted probability</text>");
  });
});

describe("gate decisions", () => {
  /** Dry run: every task of a HIGH-risk, low-p wave would be rejected by two gates. */
  function gated(): RunReport {
    const obs = wave(1, 2, Array.from({ length: 30 }, (_, i): TaskSpec => [i % 2, "succeeded", 0.3]));
    const tasks = obs.tasks.map((t) => reportTask(t, [
      ...evaluateGates({ ...t.task, risk_assessment: "HIGH" }, { min_confidence: 0.5, live: false, attempt: 1 }),
      ...evaluateGates({ ...t.task, risk_assessment: "HIGH" }, { min_confidence: 0.5, live: false, attempt: 2 }),
    ]));
    return runReport([obs], { tasks });
  }

  test("counted per gate and decision, each task once; the decisions one by one only in <details>", () => {
    const r = gated();
    const html = htmlReport(r);
    expect(html).toContain("<tr><td>min_confidence</td><td>0</td><td>30</td><td>0</td></tr>");
    expect(html).toContain("<tr><td>risk</td><td>0</td><td>30</td><td>0</td></tr>");
    const details = html.match(/<details>[\s\S]*?<\/details>/)![0];
    expect(details).toContain("<summary>60 decision(s) that did not pass, task by task</summary>");
    expect(details.match(/<td>would_reject<\/td>/g)).toHaveLength(60);
    expect(html.replace(details, "")).not.toContain("<td>would_reject</td>");
    const md = markdownReport(r);
    expect(md).toContain("| min_confidence | 0 | 30 | 0 |");
    expect(md).not.toContain("| would_reject |");
    expect(JSON.parse(jsonReport(r)).gate_counts).toContainEqual({ gate: "risk", pass: 0, would_reject: 30, reject: 0 });
    expect(JSON.parse(jsonReport(r)).recommendations).toContain("30 task(s) would be rejected by a safety gate in live mode: review them before running with --live");
  });

  test("the failed tasks come before the gates in both reports", () => {
    const r = gated();
    const html = htmlReport(r);
    expect(html.indexOf("<h2>Failed tasks</h2>")).toBeLessThan(html.indexOf("<h2>Health and predictions</h2>"));
    expect(html.indexOf("<h2>Failed tasks</h2>")).toBeLessThan(html.indexOf("<h2>Safety gates</h2>"));
    const md = markdownReport(r);
    expect(md.indexOf("## Failed Tasks")).toBeLessThan(md.indexOf("### Safety gates"));
  });
});

describe("long values wrap", () => {
  test("a cell holding a long unbroken id breaks anywhere, short cells only at spaces; charts shrink to the page", () => {
    const long = `id-${"x".repeat(80)}`;
    const html = htmlReport(runReport([wave(1, 1, [taskObs(1, 0, [0, "failed", 0.5], { task: { task_id: long } })])]));
    expect(html).toMatch(/td\.long\{overflow-wrap:anywhere/);
    expect(html).toContain(`<td class="long">${long}</td>`);
    expect(html).toContain("<td>TASK_ERROR</td>");
    expect(html).toMatch(/svg\{max-width:100%/);
  });
});
