/**
 * The kill times of the attempts an executor holds, and its one kernel alarm (kernel.ts), always
 * armed for the earliest of them. Attempts interleave, so whichever attempt holds the thread when
 * some attempt's deadline + KILL_GRACE_MS passes, the process ends then: every attempt ends within
 * its own deadline + 250 ms, even one waiting for the thread while another is stuck in a native
 * loop. The supervisor knows the same kill times (from the `started` messages, dated on this
 * process's monotonic clock), so it can tell which attempt an alarm was for.
 */
import { setAlarm } from "./kernel";

export class Deadlines {
  /** Attempt id → performance.now() at which it must have ended. */
  private readonly killAt = new Map<number, number>();
  /** Attempts answered and waiting for the thread: their own time stands still (thread.ts). */
  private readonly paused = new Set<number>();

  constructor(private readonly report: (problem: string | undefined) => void) {}

  add(id: number, killAt: number): void {
    this.killAt.set(id, killAt);
  }

  /** The attempt's kill time moves later by `ms` (time other attempts kept it off the thread). */
  shift(id: number, ms: number): void {
    const at = this.killAt.get(id);
    if (at !== undefined) this.killAt.set(id, at + ms);
  }

  /** The attempt's own time stops (until `resume`): its kill time is no deadline for now. */
  pause(id: number): void {
    this.paused.add(id);
  }

  resume(id: number): void {
    this.paused.delete(id);
  }

  remove(id: number): void {
    this.killAt.delete(id);
    this.paused.delete(id);
  }

  /** The attempt whose kill time comes first (the earlier started on a tie), paused ones aside. */
  get first(): number | undefined {
    let first: number | undefined;
    let earliest = Infinity;
    for (const [id, at] of this.killAt) {
      if (at < earliest && !this.paused.has(id)) [first, earliest] = [id, at];
    }
    return first;
  }

  /** Arms the alarm for the first kill time, or disarms it when no attempt is held. */
  arm(): void {
    const first = this.first;
    if (first === undefined) {
      setAlarm(0);
      return;
    }
    // Never 0, which would disarm it: a kill time already passed ends the process at once.
    this.report(setAlarm(Math.max(this.killAt.get(first)! - performance.now(), 0.001)));
  }
}
