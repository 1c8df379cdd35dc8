/** Contract: gate decisions, signals, anomalies and provider state are kept with their run. */
import { describe, expect, test } from "bun:test";
import type { GateName } from "../../../src/core";
import { anomalyRow, ingest, newRun, signalRow, task } from "./data";
import { freshStore, type MakeStoreFixture } from "./fixtures";

export function feedbackContract(make: MakeStoreFixture): void {
  describe("gate decisions, signals, anomalies, provider state", () => {
    const fresh = freshStore(make, "feedback");

    test("gate decisions: by task in input order, then attempt, then in the order the gates ran; recording an attempt again replaces its decisions", async () => {
      const run = newRun();
      // Input order differs from id order, so sorting by id would show.
      await ingest(fresh.store, run, [task(0, { task_id: "b" }), task(1, { task_id: "a" })]);
      await ingest(fresh.store, newRun(), [task(0, { task_id: "b" })]);
      const row = (task_id: string, attempt: number, gate: GateName, decision: "pass" | "would_reject" = "pass") =>
        ({ task_id, attempt, gate, decision, reason: `${gate} ${decision}` }) as const;
      const decisions = (...rows: ReturnType<typeof row>[]) => ({ kind: "gate_decisions", run_id: run.run_id, decisions: rows }) as const;
      await fresh.store.apply([
        decisions(row("a", 1, "risk", "would_reject"), row("a", 1, "capability")),
        decisions(row("b", 2, "risk"), row("b", 2, "capability")),
        decisions(row("b", 1, "risk")),
      ]);
      await fresh.store.apply([decisions(row("a", 1, "risk"), row("a", 1, "capability"))]);
      expect(await fresh.store.gateDecisions(run.run_id)).toEqual([
        row("b", 1, "risk"),
        row("b", 2, "risk"),
        row("b", 2, "capability"),
        row("a", 1, "risk"),
        row("a", 1, "capability"),
      ]);
      expect(await fresh.store.gateDecisions("no-such-run")).toEqual([]);
    });

    test("signals and anomalies are kept per wave, in wave order; the same id replaces its document", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      // n tells versions of one document apart.
      const signal = (wave: number, id: string, n: number) => {
        const row = signalRow(run.run_id, wave, id);
        return { ...row, document: { ...row.document, confidence: n / 10 } };
      };
      const anomaly = (wave: number, id: string, n: number) => {
        const row = anomalyRow(run.run_id, wave, id);
        return { ...row, document: { ...row.document, value: n } };
      };
      await fresh.store.apply([
        { kind: "signal", row: signal(2, "s-2", 1) },
        { kind: "signal", row: signal(1, "s-1", 1) },
        { kind: "signal", row: signal(1, "s-1", 2) },
        { kind: "anomaly", row: anomaly(1, "a-1", 1) },
      ]);
      expect(await fresh.store.signals(run.run_id)).toEqual([signal(1, "s-1", 2), signal(2, "s-2", 1)]);
      expect(await fresh.store.anomalies(run.run_id)).toEqual([anomaly(1, "a-1", 1)]);
      expect(await fresh.store.signals("no-such-run")).toEqual([]);
      expect(await fresh.store.anomalies("no-such-run")).toEqual([]);
    });

    test("signals and anomalies of two runs do not mix, even under the same ids", async () => {
      const a = newRun();
      const b = newRun();
      await ingest(fresh.store, a, [task(0)]);
      await ingest(fresh.store, b, [task(0)]);
      await fresh.store.apply([
        { kind: "signal", row: signalRow(a.run_id, 1, "s-1") },
        { kind: "signal", row: signalRow(b.run_id, 1, "s-1") },
        { kind: "anomaly", row: anomalyRow(b.run_id, 1, "a-1") },
      ]);
      expect(await fresh.store.signals(a.run_id)).toEqual([signalRow(a.run_id, 1, "s-1")]);
      expect(await fresh.store.signals(b.run_id)).toEqual([signalRow(b.run_id, 1, "s-1")]);
      expect(await fresh.store.anomalies(a.run_id)).toEqual([]);
      expect(await fresh.store.anomalies(b.run_id)).toEqual([anomalyRow(b.run_id, 1, "a-1")]);
    });

    test("provider state is one document per run, replaced as it changes", async () => {
      const run = newRun();
      const other = newRun();
      await ingest(fresh.store, run, [task(0)]);
      await ingest(fresh.store, other, [task(0)]);
      expect(await fresh.store.providerState(run.run_id)).toBeUndefined();
      await fresh.store.apply([{ kind: "provider_state", run_id: run.run_id, state: { contacts: [1] } }]);
      await fresh.store.apply([{ kind: "provider_state", run_id: run.run_id, state: { contacts: [1, 2] } }]);
      await fresh.store.apply([{ kind: "provider_state", run_id: other.run_id, state: [] }]);
      expect(await fresh.store.providerState(run.run_id)).toEqual({ contacts: [1, 2] });
      expect(await fresh.store.providerState(other.run_id)).toEqual([]);
      expect(await fresh.store.providerState("no-such-run")).toBeUndefined();
    });
  });
}
