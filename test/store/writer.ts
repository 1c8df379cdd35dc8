/**
 * A separate process writing to a store, for the tests that need real concurrency or a real
 * `kill -9`: ingests a run of TASKS tasks, then finalises them BATCH at a time, printing
 * "committed N" after each batch returns — i.e. only once those N finals are committed.
 *
 * usage: bun store-writer.ts DB RUN_ID TASKS BATCH
 */
import { openStore } from "../../src/store";
import { ingest, newRun, task, taskFinal } from "../contract/store/data";

const [db = "", runId = "", tasksArg = "0", batchArg = "1"] = process.argv.slice(2);
const total = Number(tasksArg);
const batch = Number(batchArg);

const store = await openStore(db);
await ingest(store, newRun({ run_id: runId, created_at: Date.now() }), Array.from({ length: total }, (_, i) => task(i)));
console.log("ingested");
for (let start = 0; start < total; start += batch) {
  const end = Math.min(total, start + batch);
  const writes = [];
  for (let i = start; i < end; i++) writes.push(taskFinal(runId, `task-${i}`));
  await store.apply(writes);
  console.log(`committed ${end}`);
}
await store.close();
