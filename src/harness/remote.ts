/**
 * Attempts run by workers (SPEC 11). The run's coordinator — the process holding its lease —
 * executes the run exactly as a local run, but each attempt goes into the backend's work queue
 * instead of a local executor, and its outcome comes back from whichever worker claimed it.
 * Waves stay barriers because only the coordinator queues attempts, and it queues a wave's only
 * once the previous wave is concluded; gates, retries and every record stay the coordinator's.
 *
 * A worker that stops renewing its claim (killed, paused, cut off) loses the job: the
 * coordinator takes it back, and the attempt ends as AGENT_CRASH, retried as any crash is.
 * Attempts queue in the order the lanes start them, which is the strategy's claim order.
 */
import { ATTEMPT_ERROR_CODES, BuddyError, type Logger } from "../core";
import { failedOutcome } from "../sandbox/failed";
import { VIOLATION_TYPES, type SandboxOutcome, type SandboxRequest } from "../sandbox";
import type { Harvested, WorkQueue } from "../store";
import type { AttemptRunner } from "./deps";

/**
 * With at least LINGER_FROM attempts out, attempts started within SEND_MS go in one statement and
 * outcomes are collected at most that often: a statement costs the backend as much as dozens of
 * rows. With fewer out, each goes at once, as nothing would join it.
 */
const SEND_MS = 4;
const LINGER_FROM = 16;
/** Outcomes are looked for this often even without a notification (one lost with a connection). */
const POLL_MS = 200;

interface Waiting {
  resolve(outcome: SandboxOutcome): void;
  reject(error: unknown): void;
  /** Its job is in the queue: the enqueue committed. */
  sent: boolean;
}

const keyOf = (task_id: string, attempt: number) => `${task_id}\u0000${attempt}`;

export class RemoteAttempts implements AttemptRunner {
  readonly #waiting = new Map<string, Waiting>();
  #toSend: { task_id: string; attempt: number; request: string }[] = [];
  #sendScheduled = false;
  #sending: Promise<void> = Promise.resolve();
  #ready: Promise<void> | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #harvesting = false;
  #harvestAgain = false;
  /** The queue's outages this coordinator has recovered from. */
  #outagesSeen = 0;
  #failure: unknown;
  #closed = false;

  constructor(
    private readonly queue: WorkQueue,
    private readonly run_id: string,
    /** A worker's claim lives this long without a heartbeat (`--lease-ms`). */
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  run(request: SandboxRequest): Promise<SandboxOutcome> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new BuddyError("INTERNAL", "the remote attempt runner is closed"));
    this.#ready ??= this.#start();
    const { id: task_id, attempt } = request.task;
    return new Promise((resolve, reject) => {
      this.#waiting.set(keyOf(task_id, attempt), { resolve, reject, sent: false });
      this.#toSend.push({ task_id, attempt, request: JSON.stringify(request) });
      this.#scheduleSend();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#sending;
    await this.#unsubscribe?.().catch(() => {});
    // Whatever is still queued or claimed belongs to attempts this process no longer waits for:
    // removed, so no worker runs them and any outcome still coming is refused.
    if (this.#ready !== undefined && this.#failure === undefined) await this.queue.purge(this.run_id).catch(() => {});
  }

  /** Jobs left by an earlier coordinator of this run are dropped: their attempts count as crashed. */
  async #start(): Promise<void> {
    await this.queue.purge(this.run_id);
    this.#unsubscribe = await this.queue.subscribe({ onDone: (run) => run === this.run_id && this.#harvest() });
    this.#timer = setInterval(() => this.#waiting.size > 0 && this.#harvest(), POLL_MS);
  }

  #scheduleSend(): void {
    if (this.#sendScheduled) return;
    this.#sendScheduled = true;
    // Every attempt the lanes start within SEND_MS goes in one INSERT.
    setTimeout(() => {
      this.#sendScheduled = false;
      const batch = this.#toSend;
      this.#toSend = [];
      this.#sending = this.#sending.then(async () => {
        if (this.#failure !== undefined) return;
        try {
          await this.#ready;
          await this.queue.enqueue(this.run_id, batch);
          for (const job of batch) {
            const waiting = this.#waiting.get(keyOf(job.task_id, job.attempt));
            if (waiting) waiting.sent = true;
          }
        } catch (error) {
          this.#fail(error);
        }
      });
    }, this.#linger());
  }

  #linger(): number {
    return this.#waiting.size >= LINGER_FROM ? SEND_MS : 0;
  }

  #harvest(): void {
    if (this.#harvesting) {
      this.#harvestAgain = true;
      return;
    }
    this.#harvesting = true;
    // Outcomes that come in a few milliseconds apart are collected together.
    setTimeout(() => {
      void this.#harvestLoop().finally(() => {
        this.#harvesting = false;
      });
    }, this.#linger());
  }

  async #harvestLoop(): Promise<void> {
    try {
      do {
        this.#harvestAgain = false;
        // Claims are taken back only while the backend has been reachable since the last
        // harvest. A slow harvest is no outage: on a busy machine, slow answers must not keep a
        // silent worker's claims alive for ever.
        const got = await this.queue.harvest(this.run_id, this.queue.outages() === this.#outagesSeen);
        for (const h of got) this.#settle(h.task_id, h.attempt, () => this.#outcome(h));
        // After an outage the workers were cut off as long, and get a whole lease to renew their
        // claims before any is taken back; and what a harvest removed may have been lost with its answer.
        const outages = this.queue.outages();
        if (outages !== this.#outagesSeen) {
          this.#outagesSeen = outages;
          await this.#recover();
        }
      } while (this.#harvestAgain);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** After an outage: fresh leases for the workers, and attempts whose job left the queue unseen end as crashed. */
  async #recover(): Promise<void> {
    await this.queue.extendLeases(this.run_id, this.leaseMs);
    const left = new Set((await this.queue.inQueue(this.run_id)).map((k) => keyOf(k.task_id, k.attempt)));
    for (const [key, waiting] of this.#waiting) {
      if (!waiting.sent || left.has(key)) continue;
      this.#waiting.delete(key);
      waiting.resolve(failedOutcome("AGENT_CRASH", "its outcome was lost with the connection to the backend", 0));
    }
  }

  #settle(task_id: string, attempt: number, outcome: () => SandboxOutcome): void {
    const key = keyOf(task_id, attempt);
    const waiting = this.#waiting.get(key);
    if (waiting === undefined) return;
    this.#waiting.delete(key);
    waiting.resolve(outcome());
  }

  #outcome(h: Harvested): SandboxOutcome {
    if (h.kind === "lost") {
      // A claim no worker made (a row written by hand) has no worker to name.
      const who = h.pid > 0 ? `worker pid ${h.pid} on host ${h.host}` : "a claim no worker made";
      this.logger.warn(`run ${this.run_id}: attempt ${h.attempt} of task ${h.task_id}: ${who} stopped renewing its claim; the attempt counts as AGENT_CRASH and runs again`);
      return failedOutcome("AGENT_CRASH", `the worker running it (${who}) went silent for longer than its lease`, h.held_ms);
    }
    const outcome = readOutcome(h.outcome);
    return outcome ?? failedOutcome("AGENT_CRASH", "the worker sent an outcome this buddy cannot read", 0);
  }

  /** The backend is gone for good (or refused): every attempt waiting fails with its error. */
  #fail(error: unknown): void {
    this.#failure ??= error;
    clearInterval(this.#timer);
    for (const waiting of this.#waiting.values()) waiting.reject(this.#failure);
    this.#waiting.clear();
  }
}

const ERROR_CODES = new Set<unknown>(ATTEMPT_ERROR_CODES);

/** A result is stored and printed as the JSON it is: text that does not parse would break both. */
function isJsonText(text: unknown): boolean {
  if (typeof text !== "string") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
const VIOLATIONS = new Set<unknown>(VIOLATION_TYPES);

/**
 * An outcome from the shared backend, checked as the executor's own are not: any process that
 * can write there could have sent it, and what it says ends up in records with schemas.
 */
function readOutcome(text: string): SandboxOutcome | undefined {
  try {
    const o = JSON.parse(text) as Partial<SandboxOutcome> | null;
    const ok =
      o !== null && typeof o === "object" && typeof o.ok === "boolean" && Number.isFinite(o.durationMs) && (o.durationMs ?? -1) >= 0 &&
      Array.isArray(o.console) && o.console.every((line) => typeof line === "string") && typeof o.consoleTruncated === "boolean" &&
      Array.isArray(o.violations) && o.violations.every((v) => VIOLATIONS.has(v?.violation_type) && typeof v.details === "string") &&
      (o.ok ? o.resultJson === undefined || isJsonText(o.resultJson) : ERROR_CODES.has(o.error?.code) && typeof o.error?.message === "string");
    return ok ? (o as SandboxOutcome) : undefined;
  } catch {
    return undefined;
  }
}
