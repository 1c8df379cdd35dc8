/** What a mock method works with: the run's shared state and this call's own random stream. */
import type { Rng } from "../../core";
import type { ProviderCall } from "../types";
import type { MockState } from "./state";

export interface MockContext {
  state: MockState;
  /** The run seed, for draws that belong to data rather than to a call (Mployer's people). */
  seed: number;
  /** This call's stream (see draw.ts `callRng`). */
  rng: Rng;
  call: ProviderCall;
  /** The mock clock, as an ISO string: every timestamp of this call. */
  timestamp: string;
  /** Scale of the error rates (`--mock-error-rate`). */
  errorScale: number;
}
