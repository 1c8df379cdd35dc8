/**
 * The provider calls of one attempt, host side (SPEC 6; guest/providers.ts is the guest side).
 * Each call gets the next `seq` (0, 1, 2… in the order the guest makes them), a guest promise
 * from `context.newPromise()`, and is handed to the `SandboxHost`, at most
 * `PROVIDER_CALLS_IN_FLIGHT` at a time (the rest wait their turn, in order). Answers only ever
 * arrive while the attempt's drain loop awaits `wait` (host promises settle on the event loop),
 * and are queued; `deliver` hands them to the guest from inside that loop, so nothing enters the
 * QuickJS module while another call into it is on the stack (sandbox-notes 2.7: this is the
 * bridge that replaces asyncify).
 *
 * Handle hygiene: a promise handed to the guest is consumed by the bridge callback; the deferred's
 * resolve and reject functions are disposed once delivered, and `close` disposes every deferred
 * still waiting, on every path (a kept one aborts `rt.dispose`, 2.6). After `close`, new calls are
 * refused and late answers ignored.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from "quickjs-emscripten-core";
import { PROVIDER_CALLS_IN_FLIGHT } from "../limits";
import { answerEnvelope, type CallCoordinates } from "../provider-answer";
import { nextTurn } from "../turns";
import type { SandboxHost } from "../types";

interface Pending extends CallCoordinates {
  deferred: QuickJSDeferredPromise;
}

interface Unsent extends CallCoordinates {
  seq: number;
  argsJson: string;
}

export class HostCalls {
  private nextSeq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Answers in arrival order; `undefined` text: the host failed to answer. */
  private readonly arrived: { seq: number; text: string | undefined }[] = [];
  /** Calls waiting for a place among the ones in flight. */
  private readonly unsent: Unsent[] = [];
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private closed = false;

  /** @param answerLimit largest answer (UTF-8 bytes of its envelope) copied into the module */
  constructor(
    private readonly ctx: QuickJSContext,
    private readonly host: SandboxHost,
    private readonly answerLimit: number,
  ) {}

  /** Starts a call: the guest promise for its answer, or undefined once the attempt's calls closed. */
  start(provider: string, method: string, argsJson: string): QuickJSHandle | undefined {
    if (this.closed) return undefined;
    const seq = this.nextSeq++;
    const deferred = this.ctx.newPromise();
    this.pending.set(seq, { provider, method, deferred });
    this.unsent.push({ seq, provider, method, argsJson });
    this.sendNext();
    return deferred.handle;
  }

  /** Hands waiting calls to the host while places are free. Touches no guest value. */
  private sendNext(): void {
    while (!this.closed && this.inFlight < PROVIDER_CALLS_IN_FLIGHT && this.unsent.length > 0) {
      const { seq, provider, method, argsJson } = this.unsent.shift()!;
      this.inFlight++;
      const arrive = (text: string | undefined) => {
        this.inFlight--;
        if (this.closed) return;
        this.arrived.push({ seq, text });
        this.wake?.();
        this.sendNext();
      };
      let answer: Promise<string>;
      try {
        answer = this.host.call(provider, method, argsJson, seq);
      } catch {
        answer = Promise.reject(new Error("the host refused the call"));
      }
      answer.then(
        (text) => arrive(typeof text === "string" ? text : undefined),
        () => arrive(undefined),
      );
    }
  }

  /** Some call has not been answered, or its answer is not delivered yet. */
  get outstanding(): boolean {
    return this.pending.size > 0;
  }

  get hasArrived(): boolean {
    return this.arrived.length > 0;
  }

  /**
   * Resolves when an answer arrives, or after `ms` (the time left to the attempt's deadline),
   * always on a turn of the event loop of its own (turns.ts): attempts woken together then resume
   * one after another, each running on until it waits again or ends before the next one resumes,
   * so the attempt its executor announces as holding the thread (`onResume`) is the one that
   * does, and answers sent meanwhile are read between two of them.
   */
  wait(ms: number): Promise<void> {
    if (this.arrived.length > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout>;
      // Woken by its deadline timer, the attempt's own time still counts: it goes first.
      const done = (byTimer: boolean) => {
        clearTimeout(timer);
        this.wake = undefined;
        void nextTurn(byTimer).then(resolve);
      };
      // +1: the deadline test is `now > deadline`, so wake just past it, not on it.
      const wakeAt = performance.now() + Math.max(0, Math.ceil(ms)) + 1;
      // A timer that fires late found the thread held by other attempts past the deadline: an
      // answer sent before it may still wait in the pipe, unread. The turn it is let in on comes
      // after the event loop has read input again, so that answer is known by then (its wait
      // for the thread counted by SandboxHost.onResume, not taken for its own time).
      const onTimer = () => done(true);
      timer = setTimeout(onTimer, wakeAt - performance.now());
      this.wake = () => done(false);
    });
  }

  /**
   * Resolves the guest promises of the answers that arrived, in arrival order, each with the JSON
   * text of its envelope: a string runs no guest code on its way into a promise. Throws only
   * when the engine itself fails (the attempt then discards the module).
   */
  deliver(): void {
    for (const { seq, text } of this.arrived.splice(0)) {
      const call = this.pending.get(seq);
      if (call === undefined) continue;
      this.pending.delete(seq);
      const envelope = this.ctx.newString(answerEnvelope(text, call, this.answerLimit));
      try {
        call.deferred.resolve(envelope);
      } finally {
        envelope.dispose();
        call.deferred.dispose();
      }
    }
  }

  /** Ends the attempt's calls: refuses new ones, ignores late answers, disposes every deferred. */
  close(): void {
    this.closed = true;
    this.arrived.length = 0;
    this.unsent.length = 0;
    this.wake?.();
    for (const call of this.pending.values()) call.deferred.dispose();
    this.pending.clear();
  }
}
