/** Contract: gate decisions, signals, anomalies and provider state are kept with their run. */
import { describe, expect, test } from "bun:test";
import { ingest, newRun, task } from "./data";
import { freshStore, type MakeStoreFixture } from "./fixtures";

export function feedbackContract(make: MakeStoreFixture): void {
  describe("gate decisions, signals, anomalies, provider state", () => {
    const fresh = freshStore(make);

    test("an attempt's gate decisions come back in the order recorded; recording the attempt again replaces them", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0), task(1)]);
      const row = (task_id: string, gate: string, decision: "pass" | "would_reject") =>
        ({ run_id: run.run_id, task_id, attempt: 1, gate, decision, reason: `${gate} ${decision}` }) as const;
      await fresh.store.apply([
        { kind: "gate_decisions", rows: [row("task-1", "risk", "would_reject"), row("task-1", "capability", "pass")] },
        { kind: "gate_decisions", rows: [row("task-0", "risk", "pass")] },
        { kind: "gate_decisions", rows: [row("task-1", "risk", "pass"), row("task-1", "capability", "pass")] },
      ]);
      expect(await fresh.store.gateDecisions(run.run_id)).toEqual([row("task-1", "risk", "pass"), row("task-1", "capability", "pass"), row("task-0", "risk", "pass")]);
    });

    test("signals and anomalies are kept per wave, in wave order; the same id replaces its document", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const doc = (wave: number, id: string, n: number) => ({ run_id: run.run_id, wave, id, document: { id, n } });
      await fresh.store.apply([
        { kind: "signal", row: doc(2, "s-2", 1) },
        { kind: "signal", row: doc(1, "s-1", 1) },
        { kind: "signal", row: doc(1, "s-1", 2) },
        { kind: "anomaly", row: doc(1, "a-1", 1) },
      ]);
      expect(await fresh.store.signals(run.run_id)).toEqual([doc(1, "s-1", 2), doc(2, "s-2", 1)]);
      expect(await fresh.store.anomalies(run.run_id)).toEqual([doc(1, "a-1", 1)]);
      expect(await fresh.store.signals("no-such-run")).toEqual([]);
    });

    test("provider state is one document per run, replaced as it changes", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      expect(await fresh.store.providerState(run.run_id)).toBeUndefined();
      await fresh.store.apply([{ kind: "provider_state", run_id: run.run_id, state: { contacts: [1] } }]);
      await fresh.store.apply([{ kind: "provider_state", run_id: run.run_id, state: { contacts: [1, 2] } }]);
      expect(await fresh.store.providerState(run.run_id)).toEqual({ contacts: [1, 2] });
    });
  });
}
