/**
 * The store's two hot paths (SPEC 10, 9.1): TASKS ingests in one run, then TASKS task finals in
 * batches of BATCH, with `synchronous` NORMAL (what buddy uses) and FULL. Prints one JSON
 * object, which bench/run.ts adds to its own; it throws, and prints nothing, if a write is lost.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type StoreOptions, type StoreWrite } from "../src/store";
import { newRun, task, taskFinal } from "../test/contract/store/data";

const TASKS = Number(process.env.BENCH_STORE_TASKS ?? 100_000);
const BATCH = 2_000;

const perSecond = (count: number, startMs: number) => Math.round(count / ((performance.now() - startMs) / 1000));

async function measure(options: StoreOptions): Promise<{ ingest: number; finals: number }> {
  const dir = mkdtempSync(join(tmpdir(), "buddy-bench-store-"));
  const store = await openStore(join(dir, "buddy.db"), options);
  try {
    const run = newRun();
    const tasks = Array.from({ length: TASKS }, (_, i) => task(i, { wave: 1 + (i % 10) }));
    let start = performance.now();
    const ingest = await store.beginRun(run);
    for (const t of tasks) await ingest.addTask(t);
    await ingest.commit();
    const ingestRate = perSecond(TASKS, start);

    const finals: StoreWrite[] = tasks.map((t) => taskFinal(run.run_id, t.task_id));
    start = performance.now();
    for (let i = 0; i < TASKS; i += BATCH) await store.apply(finals.slice(i, i + BATCH));
    const finalRate = perSecond(TASKS, start);

    // A figure for writes that did not all arrive would be no figure at all.
    const stored = (await store.getRun(run.run_id))?.task_count;
    const waves = await Promise.all([...Array(10).keys()].map((w) => store.tasksOfWave(run.run_id, w + 1)));
    const finished = waves.reduce((n, wave) => n + wave.filter((t) => t.status === "succeeded").length, 0);
    if (stored !== TASKS || finished !== TASKS) throw new Error(`store bench lost writes: ${stored} tasks stored, ${finished} finished of ${TASKS}`);
    return { ingest: ingestRate, finals: finalRate };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const normal = await measure({ synchronous: "NORMAL" });
const full = await measure({ synchronous: "FULL" });
console.log(JSON.stringify({
  store_tasks: TASKS,
  store_ingest_tasks_per_second: normal.ingest,
  store_task_finals_per_second: normal.finals,
  store_full_sync_ingest_tasks_per_second: full.ingest,
  store_full_sync_task_finals_per_second: full.finals,
}));
