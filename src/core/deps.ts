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

/** The longest delay one timer honours; above it Bun and Node fire at once (and warn). */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  // A longer wait (a scaled virtual wait, a simulated task's time) is slept in timer-sized
  // steps, so it lasts as long as it says instead of ending at once.
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // Monotonic time, as timers keep: a wall-clock jump must not end or stretch a wait.
      const end = performance.now() + Math.max(0, ms);
      let timer: ReturnType<typeof setTimeout>;
      const step = () => {
        const left = end - performance.now();
        if (left <= 0 && timer !== undefined) {
          signal?.removeEventListener("abort", onAbort);
          return resolve();
        }
        timer = setTimeout(step, Math.min(Math.max(0, left), MAX_TIMER_MS));
      };
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      step();
    }),
};

/** An epoch-ms time as buddy writes times everywhere: ISO 8601 in UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
