/** Figures in records are rounded for people (issue 13): whole ms, 4 decimals; a task's own prediction as given. */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "./helpers";

/** Every number under `value` with the key it is found at. */
function numbers(value: unknown, key = ""): [string, number][] {
  if (typeof value === "number") return [[key, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => numbers(v, Array.isArray(value) ? key : k));
}

const decimals = (x: number) => (Number.isInteger(x) ? 0 : (String(x).split(".")[1]?.length ?? 99));

test("wave, summary and report figures: durations whole ms, the rest at most 4 decimals", async () => {
  const cwd = tempDir();
  const odd = join(cwd, "odd.jsonl");
  writeFileSync(odd, `${JSON.stringify({ task_id: "odd", predicted_success_probability: 0.123456789, code: "return 1" })}\n`);
  const ran = await buddy(["run", fixture("demo.jsonl"), "--seed", "3", "--quiet"], { cwd });
  const figures = [...ofType(ran.records, "wave"), ...ofType(ran.records, "summary")];
  expect(figures.length).toBeGreaterThan(1);
  const report = JSON.parse((await buddy(["report", "latest", "--format", "json"], { cwd })).stdout);
  const { tasks: _tasks, ...reportFigures } = report;
  const all = [...numbers(figures), ...numbers(reportFigures)].filter(([key]) => key !== "predicted_success_probability");
  expect(all.length).toBeGreaterThan(100);
  expect(all.filter(([key, x]) => key.endsWith("_ms") && !Number.isInteger(x))).toEqual([]);
  expect(all.filter(([, x]) => decimals(x) > 4)).toEqual([]);
  const own = await buddy(["run", odd, "--quiet"], { cwd });
  expect(ofType(own.records, "task")[0].predicted_success_probability).toBe(0.123456789);
});
