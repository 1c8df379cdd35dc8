/**
 * Side effects come in through one Deps value with real defaults, so tests can pass a fake
 * clock instead of waiting on real time.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface Deps {
  clock: Clock;
  logger: Logger;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** An epoch-ms time as buddy writes times everywhere: ISO 8601 in UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
