/**
 * Every random choice of the mocks. Each call gets its own stream, derived from the run seed and
 * the call's coordinates (provider, method, task, attempt, index in the attempt), so what a call
 * draws never depends on the order in which concurrent tasks happen to reach the mocks.
 */
import { createRng, deriveSeed, type Rng } from "../../core";
import { ProviderFailure } from "../failure";
import type { ProviderCall } from "../types";

/** An error the original mocks injected at random, with its rate at `--mock-error-rate 1`. */
export interface Fault {
  status: number;
  rate: number;
  message: string;
  /** Seconds, as the original mocks sent them. */
  retry_after?: number;
}

/**
 * The originals' error scenarios, method by method (reference/providers.md 5.2–5.4). The rates
 * apply where the originals applied them, not to every call, so a workload sees the mix it saw.
 */
export const FAULTS: Readonly<Record<string, readonly Fault[]>> = {
  "mployer.login": [{ status: 401, rate: 0.05, message: "Invalid email or password" }],
  "mployer.searchContacts": [{ status: 429, rate: 0.05, message: "Rate limit exceeded", retry_after: 60 }],
  "ghl.createContact": [{ status: 429, rate: 0.03, message: "Rate limit exceeded", retry_after: 60 }],
  "ghl.searchContact": [{ status: 408, rate: 0.02, message: "Request timeout" }],
  "ghl.updateContact": [{ status: 401, rate: 0.01, message: "Unauthorized" }],
  "msgraph.sendEmail": [
    { status: 408, rate: 0.02, message: "Request timeout" },
    { status: 429, rate: 0.01, message: "Rate limit exceeded", retry_after: 300 },
  ],
  "msgraph.searchMessages": [{ status: 401, rate: 0.01, message: "Unauthorized" }],
};

/** Mployer's addToGoHighLevel dropped this share of contacts without trying them. */
export const MPLOYER_ADD_FAILURE_RATE = 0.05;

export function callRng(seed: number, c: ProviderCall): Rng {
  return createRng(deriveSeed(seed, c.provider, c.method, c.task_id, c.attempt, c.seq));
}

/**
 * Draws once (always, even at scale 0, so ids drawn afterwards do not depend on the error rate)
 * and throws the fault the draw lands in, if any.
 */
export function injectFault(key: string, rng: Rng, scale: number): void {
  const u = rng.next();
  let edge = 0;
  for (const f of FAULTS[key] ?? []) {
    edge += f.rate * scale;
    if (u < edge) throw new ProviderFailure(f.status, f.message, f.retry_after);
  }
}

/** True with probability `rate × scale`; one draw either way. */
export function chance(rng: Rng, rate: number, scale = 1): boolean {
  return rng.next() < rate * scale;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextU32() % items.length]!;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `prefix` + `n` characters of [a-z0-9], the originals' id format. */
export function randomId(rng: Rng, prefix: string, n = 12): string {
  let id = prefix;
  for (let i = 0; i < n; i++) id += ALNUM[rng.nextU32() % ALNUM.length];
  return id;
}

/** A fresh id not in `taken`: a repeat (say, an attempt re-run after a crash) draws again. */
export function uniqueId(rng: Rng, prefix: string, taken: (id: string) => boolean): string {
  let id = randomId(rng, prefix);
  while (taken(id)) id = randomId(rng, prefix);
  return id;
}

export function digits(rng: Rng, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String(rng.nextU32() % 10);
  return out;
}
