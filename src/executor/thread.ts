/**
 * Who holds an executor's one thread, and for how long each attempt was kept off it (SPEC 5:
 * CPU work is one attempt at a time per process; deadlines are per attempt). An attempt that
 * waits on provider calls can run again once one is answered; if other attempts hold the thread
 * then (a long slice of guest code, or one stuck in a native loop), that wait is theirs, not its
 * own: its deadline and kill time move by it. The supervisor is told the holder and the moved
 * time in `running` messages (protocol.ts), so that it charges a killed executor to the right
 * attempt and keeps its own backstop kill in step.
 *
 * While an answered attempt waits for the thread, its own time stands still: its kill time is
 * left out of the alarm (`ready`), and counts again, moved, when it runs (`running`). Without
 * that, 20 attempts answered at once that each compute 150 ms would see the alarm end their
 * executor for the last ones' deadlines, though none overran its own time.
 *
 * When did an answered attempt become able to run? From the moment the supervisor sent the
 * answer (its `Date.now()`; the answer may have waited in the pipe while another attempt held the
 * thread), but never before the attempt began to wait: what elapses while an attempt runs its own
 * code is its own time. Wall-clock steps cannot stretch a deadline past the attempt's real wait:
 * the held-off time is clamped between the start of the wait and now.
 */
import type { FromExecutor } from "./protocol";
import type { Deadlines } from "./deadlines";

export class ThreadLedger {
  /** The attempt holding the thread, as last told to the supervisor. */
  private holder: number | undefined;
  /** Per waiting attempt: the earliest moment (performance.now()) one of its answers was ready. */
  private readonly readySince = new Map<number, number>();
  /** Per attempt: the time it was kept off the thread in all, in whole ms. */
  private readonly heldOff = new Map<number, number>();
  /** Per attempt: answers announced whose text is still arriving (writer.ts). */
  private readonly inTransit = new Map<number, number>();
  /** Attempts with an answer handed to the sandbox since they last resumed: they run guest code. */
  private readonly delivered = new Set<number>();

  constructor(
    private readonly deadlines: Deadlines,
    private readonly send: (message: FromExecutor) => void,
  ) {}

  /** The attempt starts: its `started` message says it holds the thread. */
  started(id: number): void {
    this.holder = id;
    this.heldOff.set(id, 0);
  }

  /**
   * An answer for attempt `id`, sent by the supervisor at its `sentAt` (Date.now()), arrived: it
   * can run again, and its own time stands still until it does. The supervisor is told before
   * the alarm stops counting it (a kill time due in between would have ended this process
   * already: the attempt was not running, so nothing kept it from being due).
   */
  answered(id: number, sentAt: number, textFollows = false): void {
    if (textFollows) this.inTransit.set(id, (this.inTransit.get(id) ?? 0) + 1);
    else this.delivered.add(id);
    if (this.readySince.has(id)) return;
    const now = performance.now();
    const inPipe = Date.now() - sentAt;
    this.readySince.set(id, now - (Number.isFinite(inPipe) ? Math.max(0, inPipe) : 0));
    this.deadlines.pause(id);
    this.send({ type: "ready", id, alarmFor: this.deadlines.first });
    this.deadlines.arm();
  }

  /** The text of an answer announced with `textFollows` has arrived whole. */
  arrived(id: number): void {
    const left = (this.inTransit.get(id) ?? 0) - 1;
    if (left > 0) this.inTransit.set(id, left);
    else this.inTransit.delete(id);
    this.delivered.add(id);
  }

  /**
   * Attempt `id` waits on its calls again, its guest code done for now: with an answer's text
   * still arriving (one answer of a Promise.all came whole, the others not yet), its own time
   * stands still from now, as from an answer's news.
   */
  waiting(id: number): void {
    if (!this.inTransit.has(id) || this.readySince.has(id)) return;
    this.readySince.set(id, performance.now());
    this.deadlines.pause(id);
    this.send({ type: "ready", id, alarmFor: this.deadlines.first });
    this.deadlines.arm();
  }

  /**
   * Attempt `id` takes the thread again after waiting since `waitedFrom`: the ms it was held
   * off, which its deadline moves by (0 when it was woken by its own deadline timer). Not
   * rounded: an attempt its timer wakes again and again while an answer's text arrives would
   * lose up to 1 ms each time, and time out though it never ran.
   * Woken by its timer while an answer's text is still arriving, and with no answer handed to
   * it, it runs no guest code (it only moves its deadline and waits on): its own time still
   * stands. With an answer handed to it, it runs, and counts, and is under the alarm, as always.
   */
  resumed(id: number, waitedFrom: number): number {
    const now = performance.now();
    const ready = this.readySince.get(id);
    this.readySince.delete(id);
    const held = ready === undefined ? 0 : now - Math.min(now, Math.max(waitedFrom, ready));
    const total = (this.heldOff.get(id) ?? 0) + held;
    this.heldOff.set(id, total);
    this.deadlines.shift(id, held);
    const runsGuestCode = this.delivered.delete(id);
    if (this.inTransit.has(id) && !runsGuestCode) {
      this.readySince.set(id, now);
      return held;
    }
    this.deadlines.resume(id);
    if (ready !== undefined || this.holder !== id) {
      this.holder = id;
      // Written before the alarm counts it again, with its kill time moved by `held`.
      this.send({ type: "running", id, heldOffMs: Math.floor(total), alarmFor: this.deadlines.first });
      this.deadlines.arm();
    }
    return held;
  }

  /** The attempt ended: its `outcome` message says it no longer holds the thread. */
  ended(id: number): void {
    if (this.holder === id) this.holder = undefined;
    this.readySince.delete(id);
    this.heldOff.delete(id);
    this.inTransit.delete(id);
    this.delivered.delete(id);
  }
}
