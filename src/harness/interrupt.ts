/**
 * Interruption (SPEC 3): once the signal aborts, no new attempt starts, waits between attempts
 * end at once, and attempts in flight get `INTERRUPT_GRACE_MS` to finish; after that they are
 * abandoned (their tasks stay unfinished, and `buddy resume` runs them again).
 */
import { BuddyError, type Clock } from "../core";

const INTERRUPT_GRACE_MS = 2000;

const abandoned = () => new BuddyError("INTERNAL", "interrupted: attempt abandoned after the grace period");

export interface Interruptible {
  requested(): boolean;
  /** `work`, or a rejection once the grace period after an interruption has passed. */
  race<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

export function interruptible(signal: AbortSignal | undefined, clock: Clock): Interruptible {
  if (!signal) return { requested: () => false, race: (work) => work, dispose: () => {} };
  const stop = new AbortController();
  // Attempts in flight, each with a way to abandon it. An attempt leaves the set when it ends,
  // so a long run keeps nothing per finished attempt.
  const inFlight = new Set<(error: Error) => void>();
  let expired = false;
  const abandonAll = () => {
    expired = true;
    const error = abandoned();
    for (const abandon of inFlight) abandon(error);
    inFlight.clear();
  };
  const onAbort = () => clock.sleep(INTERRUPT_GRACE_MS, stop.signal).then(abandonAll, () => {});
  if (signal.aborted) void onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return {
    requested: () => signal.aborted,
    race: <T>(work: Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        if (expired) return reject(abandoned());
        inFlight.add(reject);
        work.then(resolve, reject).finally(() => inFlight.delete(reject));
      }),
    dispose: () => stop.abort(),
  };
}
