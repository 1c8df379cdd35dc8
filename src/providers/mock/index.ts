/**
 * The dry-run providers (SPEC 6): in-process mocks with the originals' shapes, validation errors
 * and error rates, drawing everything from the run seed. One instance per run: its state is what
 * the run's tasks share, and `snapshot()` is what the run stores so `resume` can continue it.
 */
import { BuddyError, iso, systemClock, type Clock, type Provider } from "../../core";
import { invoke, type MethodTable, parseCall } from "../args";
import { settle } from "../failure";
import type { Providers } from "../types";
import type { MockContext } from "./context";
import { callRng, injectFault } from "./draw";
import { ghlMock } from "./ghl";
import { mployerMock } from "./mployer";
import { msgraphMock } from "./msgraph";
import { initialState, restoreState, snapshotState } from "./state";

/** The mock clock's default: a fixed instant, so that the same seed gives byte-identical results. */
export const MOCK_EPOCH_MS = Date.UTC(2025, 0, 1);

export interface MockProvidersOptions {
  /** The run seed; every draw of the mocks derives from it. */
  seed: number;
  /** Scale of the originals' error rates (`--mock-error-rate`); 0 turns injected errors off. @default 1 */
  errorRate?: number;
  /** A previous `snapshot()` of this run, to continue from on resume. @default a fresh state from `seed` */
  state?: unknown;
  /** Clock of the timestamps in mock responses. @default () => MOCK_EPOCH_MS */
  now?: () => number;
  /** Bound of the state (a full mock answers 507). @default MOCK_LIMITS */
  limits?: { entries: number; bytes: number };
  /** Every call is answered after this many ms (`--mock-latency-ms`), to rehearse an I/O-bound run. @default 0 */
  latencyMs?: number;
  /** What the latency is slept on; the harness passes its own, so tests wait in virtual time. @default systemClock */
  clock?: Pick<Clock, "sleep">;
}

const TABLES: { [P in Provider]: MethodTable<P, MockContext> } = {
  mployer: mployerMock,
  ghl: ghlMock,
  msgraph: msgraphMock,
};

export function createMockProviders(options: MockProvidersOptions): Providers {
  const { seed } = options;
  const errorScale = options.errorRate ?? 1;
  if (!Number.isFinite(errorScale) || errorScale < 0) {
    throw new BuddyError("USAGE", `the mock error rate must be a number ≥ 0, not ${errorScale}`);
  }
  const now = options.now ?? (() => MOCK_EPOCH_MS);
  const state = options.state === undefined ? initialState(seed, now(), options.limits) : restoreState(options.state, options.limits);
  const latencyMs = options.latencyMs ?? 0;
  const clock = options.clock ?? systemClock;

  return {
    call: async (c) => {
      // The latency comes before the answer, as a request's trip would: a call changes nothing
      // until it is answered. Only this call waits; the others go on meanwhile.
      if (latencyMs > 0) await clock.sleep(latencyMs);
      // Synchronous from here: a call reads and changes the shared state without interleaving with another.
      return settle(c, () => {
        const params = parseCall(c);
        const rng = callRng(seed, c);
        // After validation, as a malformed call is refused whatever the dice say.
        injectFault(`${c.provider}.${c.method}`, rng, errorScale);
        const ctx: MockContext = { state, seed, rng, call: c, timestamp: iso(now()), errorScale };
        return invoke(TABLES[c.provider], c.method, params, ctx);
      });
    },
    snapshot: () => snapshotState(state),
  };
}
