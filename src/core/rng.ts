/**
 * The one source of randomness. Every random choice of a run (jitter, per-attempt Math.random
 * seeds, simulated outcomes) comes from the run's seed through these functions, so the same seed
 * gives the same run.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An unsigned 32-bit integer. */
  nextU32(): number;
}

/** mulberry32: small, fast and good enough for scheduling decisions (not for secrets). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const nextU32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { nextU32, next: () => nextU32() / 4294967296 };
}

/**
 * A seed derived from the run seed and a path of names (e.g. task id, attempt), so each consumer
 * gets its own independent stream that does not depend on the order in which work happens to run.
 */
export function deriveSeed(seed: number, ...path: Array<string | number>): number {
  // FNV-1a over the seed and the path, then one avalanche round.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const part of path) {
    const text = `\u0000${part}`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A fresh random seed for runs started without `--seed` (recorded with the run). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 0;
}
