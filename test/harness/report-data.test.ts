/** loadRunReport: the report read back from the store lists what the run's bounded records do not. */
import { expect, test } from "bun:test";
import { loadRunReport, resumeRun } from "../../src/harness";
import { harness, newWorld, storeRun, task } from "../fakes/harness";

test("a wave's stored prediction signal lists 100 tasks; the report lists every task of the wave", async () => {
  const { db, clock } = newWorld();
  const tasks = Array.from({ length: 150 }, (_, i) => task(`t${i}`, { code: undefined, predicted_success_probability: (i % 10) / 10 }));
  await storeRun(db, "big", tasks, { simulate: true });
  const h = harness(db, clock, {});
  expect((await resumeRun("big", h.deps)).exitCode).toBe(1);
  const stored = (await h.deps.store.signals("big")).find((s) => s.document.signal_type === "prediction_validation")!.document;
  if (stored.signal_type !== "prediction_validation") throw new Error("unreachable");
  expect([stored.content.tasks.length, stored.content.tasks_total]).toEqual([100, 150]);
  const reported = (await loadRunReport(h.deps.store, "big", clock.now())).waves[0]!.signals.find((s) => s.signal_type === "prediction_validation")!;
  if (reported.signal_type !== "prediction_validation") throw new Error("unreachable");
  expect(reported.content.tasks.map((t) => t.task_id)).toEqual(tasks.map((t) => t.task_id));
  expect(reported.content.tasks_total).toBe(150);
});
