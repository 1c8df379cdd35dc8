/**
 * Virtual time for the harness's unit tests: `sleep` resolves at once in real time, in the
 * order its virtual deadline comes, and moves `now` to that deadline. Sleepers that start in
 * the same turn of the event loop are woken earliest first, so concurrent waits interleave as
 * they would in real time.
 */
import type { Clock } from "../../src/core";

export class VirtualClock implements Clock {
  #now: number;
  #sleepers: { at: number; seq: number; wake: () => void }[] = [];
  #seq = 0;
  #ticking = false;

  constructor(start = Date.UTC(2026, 11, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (an attempt's work, which real code would spend running). */
  advance(ms: number): void {
    this.#now += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { at: this.#now + Math.max(0, ms), seq: this.#seq++, wake: () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      } };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#tick();
    });
  }

  #tick(): void {
    if (this.#ticking) return;
    this.#ticking = true;
    setImmediate(() => {
      this.#ticking = false;
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#sleepers.shift();
      if (!next) return;
      this.#now = Math.max(this.#now, next.at);
      next.wake();
      if (this.#sleepers.length > 0) this.#tick();
    });
  }
}
