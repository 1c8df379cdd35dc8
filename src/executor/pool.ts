/**
 * The supervised pool of executor processes (SPEC 5 "Where attempts run"). Attempts wait in one
 * queue; each executor holds up to `depth` of them so the pipe round trip overlaps with work.
 * An executor whose current attempt has not answered by twice its deadline (at least deadline
 * + 1 s) is killed with SIGKILL and replaced: native built-ins that never poll the interrupt
 * handler cannot be stopped any other way. The killed attempt ends as TIMEOUT, an executor that
 * died by itself costs its attempt AGENT_CRASH, and attempts queued behind either run elsewhere.
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
  resolve: (outcome: SandboxOutcome) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  proc: ExecutorProcess;
  inflight: Job[];
  /** When the head of `inflight` started running (the previous answer, or its dispatch). */
  headSince: number;
  killed: boolean;
  answered: boolean;
}

/** The deadline after which a silent executor is killed. */
export const killAfterMs = (timeoutMs: number) => Math.max(2 * timeoutMs, timeoutMs + 1000);

const failedOutcome = (code: "TIMEOUT" | "AGENT_CRASH", message: string, durationMs: number): SandboxOutcome => ({
  ok: false,
  error: { code, message },
  console: [],
  consoleTruncated: false,
  violations: [],
  durationMs,
});

export class ExecutorPool {
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private readonly depth: number;
  private nextId = 1;
  private crashesWithoutAnswer = 0;
  private broken: BuddyError | undefined;
  private closing = false;
  private readonly watchdog: ReturnType<typeof setInterval>;

  constructor(private readonly options: PoolOptions) {
    this.depth = options.depth ?? 2;
    for (let i = 0; i < options.size; i++) this.spawn();
    this.watchdog = setInterval(() => this.killStuck(), 25);
  }

  run(request: SandboxRequest, host?: SandboxHost): Promise<SandboxOutcome> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, host, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every executor: politely (they finish their attempt), or at once with `now`. */
  async close(options: { now?: boolean } = {}): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
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
      headSince: 0,
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
        if (slot.inflight.length === 0) slot.headSince = this.options.clock.now();
        slot.inflight.push(job);
        this.send(slot, { type: "attempt", id: job.id, request: job.request });
      }
    }
  }

  private onMessage(slot: Slot, message: FromExecutor): void {
    switch (message.type) {
      case "outcome": {
        const job = slot.inflight.shift();
        if (job?.id !== message.id) throw new BuddyError("INTERNAL", `executor answered ${message.id}, expected ${job?.id}`);
        slot.answered = true;
        this.crashesWithoutAnswer = 0;
        slot.headSince = this.options.clock.now();
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

  private killStuck(): void {
    const now = this.options.clock.now();
    for (const slot of this.slots) {
      const head = slot.inflight[0];
      if (head && !slot.killed && now - slot.headSince > killAfterMs(head.request.timeoutMs)) {
        slot.killed = true;
        slot.proc.kill("SIGKILL");
      }
    }
  }

  private onExit(slot: Slot): void {
    this.slots.delete(slot);
    const [head, ...queued] = slot.inflight;
    slot.inflight = [];
    this.queue.unshift(...queued);
    const ranFor = this.options.clock.now() - slot.headSince;
    if (head && slot.killed) {
      head.resolve(failedOutcome("TIMEOUT", `no answer within ${killAfterMs(head.request.timeoutMs)} ms; the executor was killed`, ranFor));
    } else if (head) {
      head.resolve(failedOutcome("AGENT_CRASH", "the executor process died during the attempt", ranFor));
    }
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
