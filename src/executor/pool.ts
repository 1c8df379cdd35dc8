/**
 * The supervised pool of executor processes (SPEC 5 "Where attempts run"). Attempts wait in one
 * queue; each executor holds up to `depth` of them so the pipe round trip overlaps with work.
 * An executor whose running attempt has not answered by its deadline + KILL_GRACE_MS is killed
 * with SIGKILL and replaced: native built-ins that never poll the interrupt handler (or poll it
 * too rarely) cannot be stopped any other way, so every attempt ends within deadline + 250 ms.
 * The killed attempt ends as TIMEOUT, an executor that died by itself costs its attempt
 * AGENT_CRASH, and attempts queued behind either run elsewhere, uncharged.
 */
import { BuddyError, type Clock, type Logger } from "../core";
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "../sandbox/types";
import { readLines, type FromExecutor, type ToExecutor } from "./protocol";
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
  kill: ReturnType<typeof setTimeout>;
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
 * How long past its deadline an attempt may go unanswered before its executor is killed. Above
 * the sandbox's own allowance for reading a result settled just before the deadline
 * (POST_BUDGET_MS, 200 ms), so an attempt the sandbox stops answers first; below 250 ms by the
 * time a busy supervisor's timer may fire late, so every attempt ends within deadline + 250 ms.
 */
export const KILL_GRACE_MS = 220;

/** When, after an attempt started, its executor is killed. */
export const killAfterMs = (timeoutMs: number) => timeoutMs + KILL_GRACE_MS;

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
    void readLines(slot.proc.stdout, (line) => this.onMessage(slot, JSON.parse(line) as FromExecutor));
    void readLines(slot.proc.stderr, (line) => this.options.logger.warn(`executor: ${line.slice(0, 500)}`));
    void slot.proc.exited.then(() => this.onExit(slot));
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
    // What a killed executor wrote before it died belongs to attempts already settled or re-queued.
    if (slot.killed) return;
    switch (message.type) {
      case "started":
        this.onStarted(slot, message.id, message.at);
        break;
      case "outcome": {
        const job = slot.inflight.shift();
        if (job?.id !== message.id) throw new BuddyError("INTERNAL", `executor answered ${message.id}, expected ${job?.id}`);
        clearTimeout(slot.running?.kill);
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
        const refused = JSON.stringify({ ok: false, error: { code: "PROVIDER_ERROR", provider: message.provider, method: message.method, status: 403, message: "no providers in this context" } });
        (job.host?.call(message.provider, message.method, message.argsJson, message.seq) ?? Promise.resolve(refused)).then(answer, () => answer(refused));
        break;
      }
      case "fatal":
        this.options.logger.warn(`executor: ${message.message}`);
        break;
      default: {
        const unknown: never = message;
        throw new BuddyError("INTERNAL", `unknown executor message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Arms the kill of an attempt that has just started. Its deadline runs from its start in the
   * executor, which the supervisor cannot see directly: not from when it was written (the
   * executor may still be finishing the attempt before it, or loading an engine), nor from when
   * this message is read (it may have waited in the pipe while the supervisor was busy). The
   * executor's wall clock says how long the message waited; that wait is clamped to what the
   * monotonic clock allows (not negative, not before the attempt was written), so a wall-clock
   * step can never make the kill early, and one between two reads a few ms apart is rare.
   */
  private onStarted(slot: Slot, id: number, at: number): void {
    const job = slot.inflight[0];
    if (job?.id !== id) throw new BuddyError("INTERNAL", `executor started ${id}, expected ${job?.id}`);
    const now = performance.now();
    const waited = Math.min(Math.max(Date.now() - at, 0), now - job.sentAt);
    const startedAt = now - waited;
    const kill = setTimeout(() => this.killStuck(slot, job), startedAt + killAfterMs(job.request.timeoutMs) - now);
    slot.running = { job, startedAt, kill };
  }

  /**
   * The attempt has not answered by its deadline + KILL_GRACE_MS: a native built-in that never
   * polls the interrupt handler (or polls it too rarely) holds the executor, and only SIGKILL
   * stops it. The attempt ends now, as TIMEOUT; the exit handler re-queues the others it held.
   */
  private killStuck(slot: Slot, job: Job): void {
    if (slot.running?.job !== job || slot.killed) return;
    slot.killed = true;
    slot.proc.kill("SIGKILL");
    slot.inflight.shift();
    const ranFor = performance.now() - slot.running.startedAt;
    slot.running = undefined;
    job.resolve(failedOutcome("TIMEOUT", `the task exceeded its deadline of ${job.request.timeoutMs} ms; the executor was killed`, ranFor));
  }

  private onExit(slot: Slot): void {
    this.slots.delete(slot);
    clearTimeout(slot.running?.kill);
    // A killed executor's stuck attempt already ended; what it held behind it runs elsewhere.
    const head = slot.killed ? undefined : slot.inflight.shift();
    this.queue.unshift(...slot.inflight.splice(0));
    if (head) {
      const ranFor = slot.running ? performance.now() - slot.running.startedAt : 0;
      head.resolve(failedOutcome("AGENT_CRASH", "the executor process died during the attempt", ranFor));
    }
    slot.running = undefined;
    if (this.closing) return;
    if (!slot.answered && !slot.killed && ++this.crashesWithoutAnswer > 3 * this.options.size) {
      this.fail(new BuddyError("INTERNAL", "executor processes keep exiting before answering; see the messages above"));
      return;
    }
    this.spawn();
    this.dispatch();
  }

  private fail(error: BuddyError): void {
    this.broken = error;
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const slot of this.slots) for (const job of slot.inflight.splice(0)) job.reject(error);
  }
}
