/**
 * Contract: what goes in comes out as written. Records are printed from what the store gives
 * back (`buddy show`, `resume --replay`), so key order, unicode, exact JSON text and number
 * types must survive the round trip — a backend that stores documents in a normalising type
 * (PostgreSQL's jsonb sorts keys) would print different lines than the run did.
 */
import { describe, expect, test } from "bun:test";
import { anomalyRow, attemptEnded, attemptStarted, ingest, newRun, runOptions, signalRow, summaryRecord, task, waveRecord } from "./data";
import { freshStore, type MakeStoreFixture } from "./fixtures";
import { progress, specOf, taskFinal } from "./task-shape";

/** Keys out of alphabetical order, nesting, unicode and characters JSON escapes. */
const DOC = { zeta: 1, alpha: { y: [3, 1.5, -0], b: null }, "ключ": "✓ \u0000 \n \"q\"", big: 1_700_000_000_123 };
/** JSON text that is not what JSON.stringify would write: spacing, key order, an escaped é. */
const RESULT_TEXT = '{ "z" : 1, "a" : [1, 2], "s": "\\u00e9" }';

/** Compares as printed text, so that key order counts (toEqual ignores it). */
const asText = (value: unknown) => JSON.stringify(value);

export function documentsContract(make: MakeStoreFixture): void {
  describe("documents round-trip", () => {
    const fresh = freshStore(make, "documents");

    test("options, task specs, summaries, wave records, signals, anomalies and provider state keep key order and content", async () => {
      const options = runOptions({ agents: 3 });
      const run = newRun({ options });
      const id = run.run_id;
      const spec = task(0, { meta: DOC, input: DOC });
      await ingest(fresh.store, run, [spec]);
      const record = waveRecord(id, 1);
      const signal = signalRow(id, 1, "s-1");
      const anomaly = anomalyRow(id, 1, "a-1");
      anomaly.document.description = DOC["ключ"];
      const summary = summaryRecord(id);
      await fresh.store.apply([
        { kind: "wave_ended", row: { run_id: id, wave: 1, record } },
        { kind: "signal", row: signal },
        { kind: "anomaly", row: anomaly },
        { kind: "provider_state", run_id: id, state: DOC },
        { kind: "run_ended", run_id: id, status: "completed", at: 5, summary },
      ]);
      const row = await fresh.store.getRun(id);
      expect(asText(row?.options)).toBe(asText(options));
      expect(asText(row?.summary)).toBe(asText(summary));
      expect(asText(specOf((await fresh.store.tasks(id))[0]!))).toBe(asText(spec));
      expect(asText((await fresh.store.waveRecords(id))[0]?.record)).toBe(asText(record));
      expect(asText((await fresh.store.signals(id))[0]?.document)).toBe(asText(signal.document));
      expect(asText((await fresh.store.anomalies(id))[0]?.document)).toBe(asText(anomaly.document));
      expect(asText(await fresh.store.providerState(id))).toBe(asText(DOC));
    });

    test("a result's JSON text and console lines come back byte for byte; times are numbers", async () => {
      const run = newRun();
      const id = run.run_id;
      await ingest(fresh.store, run, [task(0)]);
      const lines = ["tab\there", "line\nbreak", "émoji ✓", ""];
      await fresh.store.apply([
        attemptStarted(id, "task-0", 1, 1_700_000_000_001),
        attemptEnded(id, "task-0", 1, { result_json: RESULT_TEXT, console: lines, at: 1_700_000_000_999, duration_ms: 998 }),
        taskFinal(id, "task-0", { result_json: RESULT_TEXT }),
      ]);
      const [attempt] = await fresh.store.attempts(id);
      expect(attempt?.result_json).toBe(RESULT_TEXT);
      expect(attempt?.console).toEqual(lines);
      expect([attempt?.started_at, attempt?.ended_at, attempt?.duration_ms]).toEqual([1_700_000_000_001, 1_700_000_000_999, 998]);
      expect((await progress(fresh.store, id))[0]?.result_json).toBe(RESULT_TEXT);
      const runRow = await fresh.store.getRun(id);
      expect(typeof runRow?.created_at).toBe("number");
      expect(typeof runRow?.seed).toBe("number");
    });
  });
}
