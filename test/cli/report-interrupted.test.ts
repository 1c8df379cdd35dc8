/**
 * Reports of runs that did not finish, through the compiled binary (issue 13, point 10): rates
 * over finished tasks with the rest counted as not run, the wave the run stopped in shown cut
 * off, the same in Markdown, HTML and JSON; charts with nothing to draw say "no data"; gate
 * decisions counted per gate.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BUDDY, buddy, fixture, ofType, tempDir } from "./helpers";

/**
 * 16 tasks on one agent in input order: wave 1 (6 tasks, 3 predicted 0.3) succeeds, the third task
 * of wave 2 fails and --fail-fast halts the run there, wave 3 never starts.
 */
const HALTS = fixture("reports/halts-mid-wave.jsonl");
const ONE_LANE = ["--agents", "1", "--strategy", "round_robin", "--max-retries", "0", "--threads", "1", "--quiet"];

interface Reports {
  md: string;
  html: string;
  /** The JSON report, parsed. */
  doc: any;
}

async function reports(db: string, run: string): Promise<Reports> {
  const md = await buddy(["report", run, "--db", db, "--format", "md"]);
  const html = await buddy(["report", run, "--db", db, "--format", "html"]);
  const json = await buddy(["report", run, "--db", db, "--format", "json"]);
  for (const r of [md, html, json]) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return { md: md.stdout, html: html.stdout, doc: json.records[0] };
}

/** One chart of an HTML report, by its label. */
const chart = (html: string, label: string) => html.match(new RegExp(`<svg [^>]*aria-label="${label}"[\\s\\S]*?</svg>`))![0];

describe("a run halted by --fail-fast in its second wave", () => {
  let ran: Awaited<ReturnType<typeof buddy>>;
  let md: string, html: string, doc: any;
  beforeAll(async () => {
    const db = join(tempDir(), "b.db");
    ran = await buddy(["run", HALTS, "--db", db, "--run-id", "h1", "--fail-fast", ...ONE_LANE]);
    ({ md, html, doc } = await reports(db, "h1"));
  });
  const headline = "8 of 9 finished tasks succeeded (88.9 %), 7 not run";

  test("the summary on stdout and all three reports count the same tasks", () => {
    expect(ran.code).toBe(3);
    expect(ofType(ran.records, "summary")[0].totals).toMatchObject({ tasks: 16, succeeded: 8, failed: 1, pending: 7 });
    expect(doc.summary).toMatchObject({ headline, finished: 9, success_rate: 0.8889 }); // 8 / 9, rounded for people
  });

  test("the rate is over finished tasks and the rest is not run, in the same words everywhere", () => {
    expect(md).toContain(`Run \`h1\` halted: ${headline}.`);
    expect(html).toContain(`Run h1 halted: ${headline}.`);
    for (const text of [md, html]) expect(text).not.toMatch(/\d+ of 16 tasks succeeded/);
    expect(md).toContain("| Tasks | 16: 8 succeeded, 1 failed, 0 rejected, 7 not run |");
  });

  test("wave 2 is shown, cut off, with its tasks not run; wave 3 is counted as not run", () => {
    expect(md).toContain("| Waves | 3: 1 concluded, 1 cut off, 1 not run |");
    expect(md).toContain("| 2 | 6 | 2 | 1 | 0 | 3 | 66.7 % | 0.80 | — | cut off | — | — | — | — |");
    expect(html).toContain("<td>cut off</td>");
    expect(html).toContain("wave 2 (cut off)");
    expect(doc.summary.waves).toEqual({ total: 3, concluded: 1, cut_off: 1, not_run: 1 });
    expect(doc.waves.map((w: { wave: number }) => w.wave)).toEqual([1]);
    expect(doc.cut_off_waves).toHaveLength(1);
    expect(doc.cut_off_waves[0]).toMatchObject({ wave: 2, totals: { tasks: 6, succeeded: 2, failed: 1, pending: 3 } });
  });

  test("the agent's figures include what it ran in the cut-off wave", () => {
    expect(doc.agents).toHaveLength(1);
    expect(doc.agents[0]).toMatchObject({ agent_id: "agent_0", tasks: 9, succeeded: 8, failed: 1 });
    const wave2 = doc.cut_off_waves[0].observation.agents[0];
    expect(wave2.busy_ms).toBeGreaterThan(0);
    expect(html).toMatch(/agent_0 wave 2 \(cut off\): \d+ ms busy/);
  });

  test("the failed task comes first; gate decisions are counted per gate, one by one only behind <details>", () => {
    expect(md.indexOf("## Failed Tasks")).toBeLessThan(md.indexOf("## Wave Breakdown"));
    expect(md).toContain("| risk | 6 | 3 | 0 |");
    expect(md).not.toContain("| would_reject |");
    expect(html).toContain("<tr><td>risk</td><td>6</td><td>3</td><td>0</td></tr>");
    expect(html).toContain("<summary>3 decision(s) that did not pass, task by task</summary>");
    expect(doc.gate_counts).toContainEqual({ gate: "risk", pass: 6, would_reject: 3, reject: 0 });
  });

  test("the advice says how to run what was left", () => {
    expect(doc.recommendations[0]).toBe("7 task(s) not run after --fail-fast halted the run: `buddy export h1 --status pending | buddy run -` runs them");
  });
});

describe("a run stopped by SIGTERM in its first wave", () => {
  let code: number;
  let md: string, html: string, doc: any;
  beforeAll(async () => {
    const dir = tempDir();
    const db = join(dir, "b.db");
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ task_id: `t${i}`, predicted_success_probability: 1, predicted_execution_time: 0.05 }));
    await Bun.write(join(dir, "slow.jsonl"), `${lines.join("\n")}\n`);
    const proc = Bun.spawn([BUDDY, "run", "slow.jsonl", "--db", db, "--run-id", "s1", "--simulate", "--time-scale", "1", "--agents", "2", "--quiet"], {
      cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "ignore", env: { ...process.env, BUDDY_DB: "" },
    });
    // Stopped once a first task is reported: the wave has begun, and 30 tasks of 50 ms on 2 agents cannot have ended it.
    await proc.stdout.getReader().read();
    proc.kill("SIGTERM");
    code = await proc.exited;
    ({ md, html, doc } = await reports(db, "s1"));
  });

  test("no wave concluded, yet the wave and both agents are in every report", () => {
    expect(code).toBe(143);
    const { finished, totals } = doc.summary;
    expect(finished).toBeGreaterThan(0);
    expect(totals.pending).toBe(30 - finished);
    expect(doc.summary.headline).toBe(`${totals.succeeded} of ${finished} finished tasks succeeded (100.0 %), ${totals.pending} not run`);
    expect(md).toContain(`Run \`s1\` interrupted: ${doc.summary.headline}.`);
    expect(doc.waves).toEqual([]);
    expect(doc.cut_off_waves.map((w: { wave: number }) => w.wave)).toEqual([1]);
    expect(md).not.toContain("No wave ran.");
    expect(md).toMatch(/\| 1 \| 30 \| \d+ \| 0 \| 0 \| \d+ \| 100\.0 % \| 1\.00 \| — \| cut off \|/);
    expect(doc.agents.map((a: { agent_id: string }) => a.agent_id)).toEqual(["agent_0", "agent_1"]);
    expect(md).not.toContain("No agent ran a task.");
    expect(chart(html, "Busy time per agent")).toMatch(/agent_1 wave 1 \(cut off\): \d+ ms busy/);
    expect(doc.recommendations[0]).toBe(`${totals.pending} task(s) not run: \`buddy resume s1\` finishes the run`);
  });
});

describe("a run where nothing ran (every task rejected in live mode)", () => {
  let code: number;
  let md: string, html: string;
  beforeAll(async () => {
    const db = join(tempDir(), "b.db");
    code = (await buddy(["run", fixture("reports/all-rejected.jsonl"), "--db", db, "--run-id", "r1", "--live", "--quiet"])).code;
    ({ md, html } = await reports(db, "r1"));
  });

  test("the charts with nothing to draw say no data; the tables say so in words", () => {
    expect(code).toBe(1);
    for (const label of ["Predicted vs observed success per wave", "Reliability diagram", "Busy time per agent", "Attempts per agent over time"]) {
      expect({ label, noData: chart(html, label).includes(">no data</text>") }).toEqual({ label, noData: true });
    }
    // The wave concluded (every task rejected), so it has a health score to draw.
    expect(chart(html, "Health score per wave")).not.toContain("no data");
    // No calibration bin has a task: the bin table is not printed as headers over nothing.
    expect(md).not.toContain("| Bin | n |");
    expect(md).toContain("No data.");
    expect(md).toContain("| min_confidence | 0 | 0 | 3 |");
  });
});
