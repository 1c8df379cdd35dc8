/**
 * The supervised pool of executor processes (SPEC 5 "Where attempts run"). Attempts wait in one
 * queue; each executor holds up to `depth` of them so the pipe round trip overlaps with work.
 *
 * Every attempt ends within its deadline + 250 ms. Native built-ins that never poll the interrupt
 * handler (or poll it too rarely) cannot be stopped but by ending their process: the executor's
 * kernel alarm does that at deadline + KILL_GRACE_MS on the executor's own clock (kernel.ts),
 * however busy this process is. Where no alarm can be armed, this pool kills the executor at the
 * same time by its own timer (and, as a backstop, later when an alarm failed). Either way the
 * stuck attempt ends as TIMEOUT and the executor is replaced; an executor that died by itself
 * costs its attempt AGENT_CRASH; attempts queued behind either run elsewhere, uncharged.
 */
import { BuddyError, type Clock, type Logger } from "../core";
import { NO_PROVIDERS_HOST, unansweredCall } from "../sandbox/provider-answer";
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "../sandbox/types";
import { KILL_GRACE_MS, killAfterMs, readLines, type FromExecutor, type ToExecutor } from "./protocol";
import { spawnExecutor, type ExecutorProcess } from "./spawn";

export interface PoolOptions {
  /** Executor processes (`--threads`). */
  size: number;
  /** The command that starts the binary in executor mode. */
  command: readonly string[];
  env?: Record<string, string | undefined>;
  /** Attempts queued in one executor at once. @default 2 */
  depth?: number;
  clock: Clock;
  logger: Logger;
}

interface Job {
  id: number;
  request: SandboxRequest;
  /** Answers the attempt's provider calls. */
  host?: SandboxHost;
  /** performance.now() when the attempt was written to an executor. */
  sentAt: number;
  resolve: (outcome: SandboxOutcome) => void;
  reject: (error: unknown) => void;
}

/** The attempt an executor is running, between its `started` and its `outcome`. */
interface Running {
  job: Job;
  /** performance.now() when it started in the executor. */
  startedAt: number;
  backstop: ReturnType<typeof setTimeout>;
  /** performance.now() when the backstop killed the executor. */
  killedAt?: number;
}

interface Slot {
  proc: ExecutorProcess;
  /** Attempts written to this executor and not answered, in the order it runs them. */
  inflight: Job[];
  running?: Running;
  killed: boolean;
  answered: boolean;
}

/**
 * When an executor has armed its kernel alarm, the supervisor's kill is only a backstop against
 * an alarm that did not end it; it must not race the alarm, whose timing is exact.
 */
const BACKSTOP_AFTER_ALARM_MS = 1000;

const failedOutcome = (code: "TIMEOUT" | "AGENT_CRASH", message: string, durationMs: number): SandboxOutcome => ({
  ok: false,
  error: { code, message },
  console: [],
  consoleTruncated: false,
  violations: [],
  durationMs: Math.round(durationMs),
});

export class ExecutorPool {
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private readonly depth: number;
  private nextId = 1;
  private crashesWithoutAnswer = 0;
  private broken: BuddyError | undefined;
  private closing = false;

  constructor(private readonly options: PoolOptions) {
    this.depth = options.depth ?? 2;
    for (let i = 0; i < options.size; i++) this.spawn();
  }

  run(request: SandboxRequest, host?: SandboxHost): Promise<SandboxOutcome> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, host, sentAt: 0, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every executor: politely (they finish their attempt), or at once with `now`. */
  async close(options: { now?: boolean } = {}): Promise<void> {
    this.closing = true;
    const exits = [...this.slots].map(async (slot) => {
      if (options.now) slot.proc.kill("SIGKILL");
      this.send(slot, { type: "shutdown" });
      try {
        const ended = slot.proc.stdin.end();
        if (ended instanceof Promise) ended.catch(() => {});
      } catch {}
      const timer = setTimeout(() => slot.proc.kill("SIGKILL"), 1000);
      await slot.proc.exited;
      clearTimeout(timer);
    });
    await Promise.all(exits);
  }

  private spawn(): void {
    const slot: Slot = {
      proc: spawnExecutor(this.options.command, this.options.env ?? process.env),
      inflight: [],
      killed: false,
      answered: false,
    };
    this.slots.add(slot);
    // Settled once the process has exited *and* everything it wrote has been read: an outcome
    // written just before it died still counts.
    const messages = readLines(slot.proc.stdout, (line) => this.onMessage(slot, JSON.parse(line) as FromExecutor));
    void readLines(slot.proc.stderr, (line) => this.options.logger.warn(`executor: ${line.slice(0, 500)}`));
    void Promise.all([slot.proc.exited, messages]).then(() => this.onExit(slot), (error) => this.fail(error));
  }

  /**
   * Writing to an executor that just died fails with EPIPE. That is not an error of the run:
   * the exit handler gives its attempts their outcome, so the failed write is dropped here.
   */
  private send(slot: Slot, message: ToExecutor): void {
    try {
      slot.proc.stdin.write(`${JSON.stringify(message)}\n`);
      const flushed = slot.proc.stdin.flush();
      if (flushed instanceof Promise) flushed.catch(() => {});
    } catch {}
  }

  /**
   * Idle executors get work first; only then is work queued behind running attempts, up to
   * `depth` per executor, which keeps the pipe round trip off the critical path without making
   * a short attempt wait behind a long one while another executor sits idle.
   */
  private dispatch(): void {
    for (let level = 1; level <= this.depth && this.queue.length > 0; level++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) break;
        if (slot.killed || slot.inflight.length >= level) continue;
        const job = this.queue.shift()!;
        job.sentAt = performance.now();
        slot.inflight.push(job);
        this.send(slot, { type: "attempt", id: job.id, request: job.request });
      }
    }
  }

  private onMessage(slot: Slot, message: FromExecutor): void {
    // Once the supervisor has killed an executor, its exit decides: what it wrote since is moot.
    if (slot.killed) return;
    switch (message.type) {
      case "started":
        this.onStarted(slot, message.id, message.at, message.alarm);
        break;
      case "outcome": {
        const job = slot.inflight.shift();
        if (job?.id !== message.id) throw new BuddyError("INTERNAL", `executor answered ${message.id}, expected ${job?.id}`);
        clearTimeout(slot.running?.backstop);
        slot.running = undefined;
        slot.answered = true;
        this.crashesWithoutAnswer = 0;
        job.resolve(message.outcome);
        this.dispatch();
        break;
      }
      case "provider_call": {
        const job = slot.inflight.find((j) => j.id === message.id);
        if (!job) break; // the attempt was abandoned; nobody waits for the answer
        const answer = (resultJson: string) => {
          if (!slot.killed) this.send(slot, { type: "provider_result", id: message.id, seq: message.seq, resultJson });
        };
        // The answers the in-process sandbox gives too: no host, no providers; a host that fails, a 500.
        const host = job.host ?? NO_PROVIDERS_HOST;
        const unanswered = () => answer(unansweredCall({ provider: message.provider, method: message.method }));
        host.call(message.provider, message.method, message.argsJson, message.seq).then(answer, unanswered);
        break;
      }
      case "fatal":
        // A problem the executor reports and survives (e.g. it could not arm its alarm).
        this.options.logger.warn(`executor: ${message.message}`);
        break;
      default: {
        const unknown: never = message;
        throw new BuddyError("INTERNAL", `unknown executor message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Arms the backstop kill of an attempt that has just started. Its deadline runs from its start
   * in the executor, which the supervisor cannot see directly: not from when it was written (the
   * executor may still be finishing the attempt before it, or loading an engine), nor from when
   * this message is read (it may have waited in the pipe while the supervisor was busy). The
   * executor's wall clock says how long the message waited; that wait is clamped to what the
   * monotonic clock allows (not negative, not before the attempt was written), so a wall-clock
   * step can never make the kill early.
   */
  private onStarted(slot: Slot, id: number, at: number, alarm: boolean): void {
    const job = slot.inflight[0];
    if (job?.id !== id) throw new BuddyError("INTERNAL", `executor started ${id}, expected ${job?.id}`);
    const now = performance.now();
    const skew = Date.now() - at;
    const waited = Number.isFinite(skew) ? Math.min(Math.max(skew, 0), now - job.sentAt) : 0;
    const startedAt = now - waited;
    const killAt = startedAt + killAfterMs(job.request.timeoutMs) + (alarm ? BACKSTOP_AFTER_ALARM_MS : 0);
    const backstop = setTimeout(() => this.killStuck(slot), killAt - now);
    slot.running = { job, startedAt, backstop };
  }

  /** Its alarm did not end the executor, or it has none: SIGKILL does. The exit settles the attempt. */
  private killStuck(slot: Slot): void {
    if (!slot.running || slot.killed) return;
    slot.killed = true;
    slot.running.killedAt = performance.now();
    slot.proc.kill("SIGKILL");
  }

  private onExit(slot: Slot): void {
    this.slots.delete(slot);
    const { running } = slot;
    clearTimeout(running?.backstop);
    slot.running = undefined;
    // The attempt the executor was running (or about to run) pays; the others run elsewhere.
    const head = slot.inflight.shift();
    this.queue.unshift(...slot.inflight.splice(0));
    if (head) head.resolve(this.exitOutcome(slot, head, running));
    if (this.closing) return;
    // Executors that die before they ever ran an attempt cannot start at all: stop respawning them.
    if (!slot.answered && !running && !slot.killed && ++this.crashesWithoutAnswer > 3 * this.options.size) {
      this.fail(new BuddyError("INTERNAL", "executor processes keep exiting before answering; see the messages above"));
      return;
    }
    this.spawn();
    this.dispatch();
  }

  /**
   * What an executor's death means for the attempt it held. Its alarm (SIGALRM) fired exactly
   * KILL_GRACE_MS past the deadline on the executor's clock, so that is the attempt's duration;
   * after the backstop, it is the time of the kill. Anything else is a crash.
   */
  private exitOutcome(slot: Slot, job: Job, running: Running | undefined): SandboxOutcome {
    const { timeoutMs } = job.request;
    const now = performance.now();
    if (running?.job === job && slot.proc.signalCode === "SIGALRM") {
      return failedOutcome("TIMEOUT", `the task exceeded its deadline of ${timeoutMs} ms; its executor was stopped ${KILL_GRACE_MS} ms later`, killAfterMs(timeoutMs));
    }
    if (running?.job === job && running.killedAt !== undefined) {
      return failedOutcome("TIMEOUT", `the task exceeded its deadline of ${timeoutMs} ms; the supervisor killed its executor`, running.killedAt - running.startedAt);
    }
    const how = slot.proc.signalCode ? `by ${slot.proc.signalCode}` : `with exit code ${slot.proc.exitCode}`;
    return failedOutcome("AGENT_CRASH", `the executor process died during the attempt (${how})`, running ? now - running.startedAt : 0);
  }

  private fail(cause: unknown): void {
    const error = cause instanceof BuddyError ? cause : new BuddyError("INTERNAL", `executor pool: ${String(cause)}`);
    this.broken = error;
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const slot of this.slots) for (const job of slot.inflight.splice(0)) job.reject(error);
  }
}
