/**
 * Interruption (SPEC 3): once the signal aborts, no new attempt starts, waits between attempts
 * end at once, and attempts in flight get `INTERRUPT_GRACE_MS` to finish; after that they are
 * abandoned (their tasks stay unfinished, and `buddy resume` runs them again).
 */
import { BuddyError, type Clock } from "../core";

export const INTERRUPT_GRACE_MS = 2000;

export interface Interruptible {
  requested(): boolean;
  /** `work`, or a rejection once the grace period after an interruption has passed. */
  race<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

export function interruptible(signal: AbortSignal | undefined, clock: Clock): Interruptible {
  if (!signal) return { requested: () => false, race: (work) => work, dispose: () => {} };
  const stop = new AbortController();
  const expired = new Promise<never>((_, reject) => {
    const onAbort = () =>
      clock.sleep(INTERRUPT_GRACE_MS, stop.signal).then(
        () => reject(new BuddyError("INTERNAL", "interrupted: attempt abandoned after the grace period")),
        () => {},
      );
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  expired.catch(() => {}); // observed through race(); never an unhandled rejection
  return {
    requested: () => signal.aborted,
    race: (work) => Promise.race([work, expired]),
    dispose: () => stop.abort(),
  };
}
