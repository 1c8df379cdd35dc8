/** The metrics of a RunReport (`buddy metrics`): escaping, figures that do not exist yet, buckets, the textfile. */
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { metricsText, writeTextfile, type RunReport } from "../../src/report";
import { runReport, wave } from "../builders";
import { parseOpenMetrics, sum } from "../openmetrics";

const withRunId = (r: RunReport, run_id: string): RunReport => ({ ...r, run: { ...r.run, run_id } });

test("a label value with a backslash, a double quote and a line feed is escaped, and reads back as it was", () => {
  const odd = 'a\\b"c\nd';
  const text = metricsText(withRunId(runReport([wave(1, 2, [[0, "succeeded", 0.9], [1, "failed", 0.6]])]), odd));
  expect(text).toContain('buddy_run_status{run_id="a\\\\b\\"c\\nd",status="failed"} 1\n');
  const families = parseOpenMetrics(text);
  for (const s of families.flatMap((f) => f.samples)) expect(s.labels.run_id).toBe(odd);
});

test("help texts need no escapes in OpenMetrics or the Prometheus format: one line, no double quote, no backslash", () => {
  const text = metricsText(runReport([wave(1, 1, [[0, "succeeded", 0.9]])]));
  const help = text.split("\n").filter((l) => l.startsWith("# HELP "));
  expect(help.length).toBeGreaterThan(10);
  for (const line of help) expect(line).not.toMatch(/["\\]/);
});

test("a run cut off before any wave ended: no health, Brier or ECE sample (not 0, not NaN), its tasks pending", () => {
  const base = runReport([]);
  const tasks = runReport([wave(1, 2, [[0, "succeeded", 0.9], [1, "failed", 0.6]])]).tasks;
  const r: RunReport = { ...base, run: { ...base.run, status: "interrupted", ended_at: null }, tasks: tasks.map((t) => ({ ...t, status: "pending", attempts: [], error: null })), summary: { ...base.summary, duration_ms: null } };
  const families = parseOpenMetrics(metricsText(r));
  for (const name of ["buddy_health_score", "buddy_brier_score", "buddy_expected_calibration_error", "buddy_run_duration_seconds", "buddy_wave_health_score"]) {
    expect({ name, samples: families.find((f) => f.name === name)?.samples }).toEqual({ name, samples: [] });
  }
  expect(sum(families, "buddy_tasks_pending", { wave: "1" })).toBe(2);
  expect(sum(families, "buddy_tasks")).toBe(0);
});

test("durations fall in the buckets whose bound they do not exceed; the sum of whole ms is exact", () => {
  const r = runReport([wave(1, 1, [[0, "succeeded", 0.9, 5], [0, "succeeded", 0.9, 6], [0, "failed", 0.5, 2500]])]);
  const families = parseOpenMetrics(metricsText(r));
  const bucket = (le: string) => sum(families, "buddy_attempt_duration_seconds_bucket", { agent_id: "agent_0", le });
  expect([bucket("0.001"), bucket("0.005"), bucket("0.01"), bucket("2.5"), bucket("+Inf")]).toEqual([0, 1, 2, 3, 3]);
  expect(sum(families, "buddy_attempt_duration_seconds_sum", { agent_id: "agent_0" })).toBe(2.511);
});

test("writeTextfile refuses a run id that would name a file elsewhere, and leaves nothing behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "buddy-metrics-"));
  expect(() => writeTextfile(dir, withRunId(runReport([]), "../x"))).toThrow("cannot name a file");
  writeTextfile(dir, runReport([]));
  expect(readdirSync(dir)).toEqual(["buddy_run-1.prom"]);
});
