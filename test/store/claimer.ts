/**
 * A separate process claiming a run's lease, for the race test: waits until the start time
 * given (so all claimants hit the store together), claims, prints "won TOKEN" or "refused".
 *
 * usage: bun store-claimer.ts DB RUN_ID START_AT_MS
 */
import { BuddyError } from "../../src/core";
import { openStore } from "../../src/store";

const [db = "", runId = "", startAt = "0"] = process.argv.slice(2);
const store = await openStore(db);
while (Date.now() < Number(startAt)) {
  // spin: a timer would add its own jitter to the start
}
try {
  const holder = { owner: crypto.randomUUID(), host: "claimer", pid: process.pid, process_started: null };
  const { lease } = await store.acquireLease(runId, { holder, period_ms: 60_000, holderIsDead: () => false });
  console.log(`won ${lease.token}`);
} catch (error) {
  if (!(error instanceof BuddyError) || error.code !== "STORE") throw error;
  console.log("refused");
}
await store.close();
