/** Everything the store can say about one run, read through every read method. */
import type { Store } from "../../../src/store";

export async function snapshot(store: Store, run_id: string) {
  return {
    run: await store.getRun(run_id),
    runs: (await store.listRuns()).map((r) => r.run_id),
    waves: await store.waves(run_id),
    tasks: await store.tasks(run_id),
    attempts: await store.attempts(run_id),
    assignments: await store.assignments(run_id),
    waveRecords: await store.waveRecords(run_id),
    violations: await store.violations(run_id),
    gateDecisions: await store.gateDecisions(run_id),
    signals: await store.signals(run_id),
    anomalies: await store.anomalies(run_id),
    providerState: await store.providerState(run_id),
    lease: await store.currentLease(run_id),
  };
}
