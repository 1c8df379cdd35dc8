/**
 * Throughput of the two hot paths, printed for the record and never asserted (STYLE.md: speed is
 * measured by bench/). What is asserted is that every write arrived.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type StoreOptions, type StoreWrite } from "../../src/store";
import { newRun, task, taskFinal } from "../contract/store/data";

const COUNT = 100_000;
const BATCH = 2_000;
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function perSecond(count: number, startMs: number): number {
  return Math.round(count / ((performance.now() - startMs) / 1000));
}

function measure(options: StoreOptions): { ingest: number; finals: number } {
  const dir = mkdtempSync(join(tmpdir(), "buddy-store-speed-"));
  dirs.push(dir);
  const store = openStore(join(dir, "buddy.db"), options);
  try {
    const run = newRun();
    const tasks = Array.from({ length: COUNT }, (_, i) => task(i, { wave: 1 + (i % 10) }));
    let start = performance.now();
    const ingest = store.beginRun(run);
    for (const t of tasks) ingest.addTask(t);
    ingest.commit();
    const ingestRate = perSecond(COUNT, start);

    const finals: StoreWrite[] = tasks.map((t) => taskFinal(run.run_id, t.task_id));
    start = performance.now();
    for (let i = 0; i < COUNT; i += BATCH) store.apply(finals.slice(i, i + BATCH));
    const finalRate = perSecond(COUNT, start);

    expect(store.getRun(run.run_id)?.task_count).toBe(COUNT);
    const wave = store.tasksOfWave(run.run_id, 3);
    expect(wave.length).toBe(COUNT / 10);
    expect(wave.every((t) => t.state === "succeeded")).toBe(true);
    return { ingest: ingestRate, finals: finalRate };
  } finally {
    store.close();
  }
}

test(`throughput of ${COUNT} ingests and ${COUNT} task finals (batches of ${BATCH}), printed`, () => {
  for (const synchronous of ["NORMAL", "FULL"] as const) {
    const { ingest, finals } = measure({ synchronous });
    console.log(`store throughput (synchronous=${synchronous}): ingest ${ingest} tasks/s, task_final ${finals} writes/s`);
  }
});
