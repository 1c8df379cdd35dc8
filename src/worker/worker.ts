/**
 * `buddy worker` (SPEC 11): claims attempts from the backend's work queue in batches, runs them
 * on its own executor processes, and hands their outcomes back, each with the fencing token it
 * claimed with. It renews its claims by heartbeat; a claim the coordinator took back (this worker
 * was silent past its lease) still runs to its end here, but its outcome is refused and reported
 * as not counted. Stopping (SIGTERM, or the run's end with `--exit-when-idle`): no more claims,
 * jobs not started yet go back to the queue, started ones finish and are handed in.
 */
import { hostname } from "node:os";
import { LIMIT_BOUNDS } from "../config";
import { iso, type Clock, type Logger } from "../core";
import type { AttemptRunner } from "../harness";
import type { WorkerRecord } from "../records";
import { failedOutcome } from "../sandbox/failed";
import type { SandboxOutcome, SandboxRequest } from "../sandbox";
import type { ClaimedJob, ClaimRequest, RunRow, Store, WorkerIdentity, WorkQueue } from "../store";
import { jobHost } from "./providers";

/**
 * Jobs handed to the executors at once, per executor: beyond what runs, these hide the pipe's
 * round trip and let attempts that wait on providers interleave. Each worker claims at most
 * twice this, so a worker does not take the whole queue from the others, and on SIGTERM it
 * finishes at most this many per executor.
 */
const STARTED_PER_EXECUTOR = 8;
/** `--exit-when-idle` leaves only after this long without any work. */
const IDLE_GRACE_MS = 5000;
/** At most this many jobs per claim: one statement, one round trip. */
const CLAIM_BATCH = 128;
/**
 * Outcomes are handed in this long after the first of a batch ends: a statement costs the
 * backend about as much as a few dozen rows, so outcomes ending a millisecond apart share one.
 */
const HAND_IN_MS = 5;
const LINGER_PER_EXECUTOR = 4;
/** The queue is looked at this often even without a notification. */
const POLL_MS = 250;

export interface WorkerOptions {
  store: Store;
  queue: WorkQueue;
  /** Only this run's jobs; any run's when omitted. */
  run_id?: string;
  /** Executor processes. */
  threads: number;
  /** A claim lives this long without a heartbeat. */
  leaseMs: number;
  /** Stop once there is no work left: no job queued or claimed, and no run with a live coordinator. */
  exitWhenIdle: boolean;
  /** The executors: the production pool, or a fake in tests. */
  attempts: (threads: number) => AttemptRunner;
  clock: Clock;
  logger: Logger;
  env: Record<string, string | undefined>;
  /** Aborted: stop as described above. */
  signal?: AbortSignal;
  emit(record: WorkerRecord): void;
}

const keyOf = (j: ClaimedJob) => `${j.run_id}\u0000${j.task_id}\u0000${j.attempt}`;

export class Worker {
  readonly identity: WorkerIdentity = { worker: crypto.randomUUID(), host: hostname(), pid: process.pid };
  readonly #o: WorkerOptions;
  readonly #runs = new Map<string, Promise<RunRow | undefined>>();
  /** Claimed, not handed to an executor yet. */
  #pending: ClaimedJob[] = [];
  /** Handed to an executor, by key. */
  readonly #started = new Map<string, ClaimedJob>();
  #finished: { job: ClaimedJob; outcome: SandboxOutcome }[] = [];
  #handing: Promise<void> = Promise.resolve();
  #handScheduled = false;
  #runner: AttemptRunner | undefined;
  #wake: (() => void) | undefined;
  /** Jobs may have been queued since the last claim: a notification came, or a poll is due. */
  #workSignaled = true;
  #failure: unknown;
  /** Since when there has been no work at all, for `--exit-when-idle`. */
  #idleSince: number | undefined;
  /** Stop without waiting for started attempts (their outcomes would no longer count). */
  #abandoned = false;
  /**
   * Requests that claim (a claim, a hand-in that claims more) sent and not yet answered, by
   * number: the backend may already hold their jobs as this worker's while it does not know them.
   */
  readonly #claiming = new Set<number>();
  #claims = 0;
  /** Claims the last heartbeat found unknown, and the claiming requests unanswered then. */
  #suspects: { keys: Set<string>; awaiting: number[] } | undefined;

  constructor(options: WorkerOptions) {
    this.#o = options;
  }

  get #startLimit(): number {
    return Math.max(1, this.#o.threads) * STARTED_PER_EXECUTOR;
  }

  /** Works until stopped or idle; rejects with the backend's error when it is gone for good. */
  async run(): Promise<void> {
    const { queue, leaseMs } = this.#o;
    const unsubscribe = await queue.subscribe({
      onWork: () => {
        this.#workSignaled = true;
        this.#poke();
      },
    });
    const heartbeat = setInterval(() => void this.#heartbeat(), Math.max(10, Math.floor(leaseMs / 3)));
    const onAbort = () => this.#poke();
    this.#o.signal?.addEventListener("abort", onAbort);
    try {
      await this.#loop();
    } finally {
      this.#o.signal?.removeEventListener("abort", onAbort);
      // Not started: back to the queue for the others, now. Started: finish and hand in.
      await this.#releasePending();
      while (this.#started.size > 0 && this.#failure === undefined && !this.#abandoned) await this.#nap(POLL_MS);
      await this.#handInNow();
      await this.#releasePending();
      clearInterval(heartbeat);
      await unsubscribe().catch(() => {});
      await this.#runner?.close({ now: this.#failure !== undefined || this.#abandoned });
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #loop(): Promise<void> {
    const { queue, run_id } = this.#o;
    while (!this.#stopping()) {
      const room = this.#room();
      let claimed: ClaimedJob[] = [];
      // Claims go out when jobs may be there; a hand-in claims with its outcomes already.
      if (room > 0 && this.#pending.length < this.#startLimit && this.#workSignaled) {
        this.#workSignaled = false;
        claimed = await this.#claimingWhile(() => queue.claim(this.#claimRequest(room)), (jobs) => this.#pending.push(...jobs));
        // A full batch: more may be waiting.
        if (claimed.length === Math.min(room, CLAIM_BATCH)) this.#workSignaled = true;
      }
      this.#startPending();
      if (claimed.length > 0 && this.#workSignaled) continue;
      if (this.#o.exitWhenIdle && (await this.#idleLongEnough(claimed.length === 0))) return;
      if (!(await this.#nap(POLL_MS))) this.#workSignaled = true;
    }
  }

  /** Stops now: started attempts are killed, not waited for. */
  abandon(): void {
    this.#abandoned = true;
    this.#poke();
  }

  /**
   * Whether there has been no work for IDLE_GRACE_MS on end: a run just being submitted, or
   * between two waves, has none for a moment, and must not see its workers leave.
   */
  async #idleLongEnough(nothingClaimed: boolean): Promise<boolean> {
    const idle = nothingClaimed && this.#pending.length === 0 && this.#started.size === 0 && !(await this.#o.queue.hasWork(this.#o.run_id));
    if (!idle) {
      this.#idleSince = undefined;
      return false;
    }
    this.#idleSince ??= this.#o.clock.now();
    return this.#o.clock.now() - this.#idleSince >= IDLE_GRACE_MS;
  }

  /** How many more jobs this worker takes: twice what its executors are handed, so the next are at hand. */
  #room(): number {
    return this.#stopping() ? 0 : 2 * this.#startLimit - this.#pending.length - this.#started.size;
  }

  #claimRequest(room: number): ClaimRequest {
    const { leaseMs, run_id } = this.#o;
    return { who: this.identity, limit: Math.max(0, Math.min(room, CLAIM_BATCH)), leaseMs, ...(run_id === undefined ? {} : { run_id }) };
  }

  #stopping(): boolean {
    return this.#o.signal?.aborted === true || this.#failure !== undefined || this.#abandoned;
  }

  #startPending(): void {
    while (this.#pending.length > 0 && this.#started.size < this.#startLimit && !this.#stopping()) {
      const job = this.#pending.shift()!;
      this.#started.set(keyOf(job), job);
      void this.#runJob(job);
    }
  }

  async #runJob(job: ClaimedJob): Promise<void> {
    let outcome: SandboxOutcome;
    const run = await this.#run(job.run_id).catch((error: unknown) => this.#fail(error));
    const request = readRequest(job.request);
    if (run === undefined || request === undefined) {
      // Any process that can write to the backend could have queued it: it fails, this worker goes on.
      outcome = failedOutcome("AGENT_CRASH", run === undefined ? `run ${job.run_id} is not in the backend` : "the job's request is unreadable", 0);
    } else {
      try {
        this.#runner ??= this.#o.attempts(this.#o.threads);
        outcome = await this.#runner.run(request, jobHost(run, job, request, this.#o.queue, this.#o.env, this.#o.clock));
      } catch (error) {
        // The executors cannot run anything (they fail to start): this worker stops, and the
        // coordinator sees the job's claim run out and runs it elsewhere.
        this.#fail(error);
        this.#started.delete(keyOf(job));
        this.#poke();
        return;
      }
    }
    this.#finished.push({ job, outcome });
    this.#scheduleHandIn();
  }

  #run(run_id: string): Promise<RunRow | undefined> {
    let run = this.#runs.get(run_id);
    if (run === undefined) this.#runs.set(run_id, (run = this.#o.store.getRun(run_id)));
    return run;
  }

  async #releasePending(): Promise<void> {
    const unstarted = this.#pending;
    this.#pending = [];
    await this.#o.queue.release(unstarted).catch((error: unknown) => this.#fail(error));
  }

  /** Hands in every outcome there is now, after any hand-in already under way. */
  #handInNow(): Promise<void> {
    const batch = this.#finished;
    this.#finished = [];
    if (batch.length > 0) this.#handing = this.#handing.then(() => this.#handIn(batch));
    return this.#handing;
  }

  #scheduleHandIn(): void {
    if (this.#handScheduled) return;
    this.#handScheduled = true;
    // Outcomes that end within HAND_IN_MS go in one statement; with only a few attempts per
    // executor left running, few would join it, and waiting would only add latency.
    const linger = this.#started.size >= LINGER_PER_EXECUTOR * Math.max(1, this.#o.threads) ? HAND_IN_MS : 0;
    setTimeout(() => {
      this.#handScheduled = false;
      void this.#handInNow();
    }, linger);
  }

  async #handIn(batch: { job: ClaimedJob; outcome: SandboxOutcome }[]): Promise<void> {
    let counted: boolean[];
    let handedIn = true;
    try {
      // The jobs of this batch leave the executors now: as many new ones come with the same round trip.
      const answer = await this.#claimingWhile(
        () => this.#o.queue.complete(
          batch.map(({ job, outcome }) => ({ job, outcome: JSON.stringify(outcome) })),
          this.#claimRequest(this.#stopping() ? 0 : this.#room() + batch.length),
        ),
        (a) => this.#pending.push(...a.claimed),
      );
      counted = answer.counted;
    } catch (error) {
      // The backend is gone for good: these outcomes are lost with it, and the coordinator will
      // run their attempts again once their claims run out.
      this.#fail(error);
      handedIn = false;
      counted = batch.map(() => false);
    }
    const ended_at = iso(this.#o.clock.now());
    batch.forEach(({ job, outcome }, i) => {
      this.#started.delete(keyOf(job));
      if (handedIn && !counted[i]) this.#o.logger.warn(`worker: attempt ${job.attempt} of task ${job.task_id} of run ${job.run_id} was taken back while it ran; its outcome was refused`);
      this.#o.emit({
        type: "worker_attempt",
        run_id: job.run_id,
        task_id: job.task_id,
        attempt: job.attempt,
        status: outcome.ok ? "succeeded" : "failed",
        code: outcome.ok ? null : (outcome.error?.code ?? "AGENT_CRASH"),
        duration_ms: Math.max(0, Math.round(outcome.durationMs)),
        counted: counted[i] === true,
        worker: `${this.identity.host}:${this.identity.pid}`,
        ended_at,
      });
    });
    this.#startPending();
    this.#poke();
  }

  /** Sends a request that claims, and takes its jobs in (`keep`) before it counts as answered. */
  async #claimingWhile<T>(request: () => Promise<T>, keep: (answer: T) => void): Promise<T> {
    const id = ++this.#claims;
    this.#claiming.add(id);
    try {
      const answer = await request();
      keep(answer);
      return answer;
    } finally {
      this.#claiming.delete(id);
    }
  }

  /**
   * Renews every claim; claims the backend holds for this worker but it does not know (a claim
   * whose answer was lost) go back. Not one a claiming request still unanswered may have made:
   * its jobs are this worker's in the backend already, and giving them back ran them twice, here
   * and elsewhere (seen after a SIGSTOP, when the overdue heartbeat was answered before the claim
   * it followed). So a stray goes back at once when no such request is out, else at the next
   * heartbeat if still unknown then and every request out before has been answered: busy
   * workers, always claiming, still give back what a lost answer left them within two beats.
   */
  async #heartbeat(): Promise<void> {
    try {
      const held = await this.#o.queue.heartbeat(this.identity, this.#o.leaseMs);
      const known = new Set([...this.#pending, ...this.#started.values()].map(keyOf));
      const strays = held.filter((j) => !known.has(keyOf(j)));
      const before = this.#suspects;
      const settled = before !== undefined && before.awaiting.every((id) => !this.#claiming.has(id));
      this.#suspects = strays.length > 0 ? { keys: new Set(strays.map(keyOf)), awaiting: [...this.#claiming] } : undefined;
      const back = strays.filter((j) => this.#claiming.size === 0 || (settled && before.keys.has(keyOf(j))));
      if (back.length > 0) await this.#o.queue.release(back);
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    this.#poke();
  }

  #poke(): void {
    this.#wake?.();
  }

  /** Sleeps `ms`, or less when poked; true when poked. */
  #nap(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

const within = (value: unknown, b: { minimum: number; maximum: number }) => Number.isInteger(value) && (value as number) >= b.minimum && (value as number) <= b.maximum;

/**
 * A queued request, checked for what the executor needs, within the bounds a task's own limits
 * have (any process that can write to the backend could have queued it); undefined when it is not one.
 */
function readRequest(text: string): SandboxRequest | undefined {
  try {
    const r = JSON.parse(text) as Partial<SandboxRequest> | null;
    const t = r?.task;
    const ok = r !== null && typeof r === "object" && typeof r.code === "string" && typeof r.inputJson === "string" && within(r.timeoutMs, LIMIT_BOUNDS.timeout_ms) &&
      within(r.memoryMb, LIMIT_BOUNDS.memory_mb) && Number.isInteger(r.randomSeed) && typeof t?.id === "string" && Number.isInteger(t.attempt) && typeof t.agent_id === "string" && Number.isInteger(t.wave) &&
      (r.uses === undefined || (Array.isArray(r.uses) && r.uses.every((u) => typeof u === "string"))) &&
      (r.filename === undefined || typeof r.filename === "string");
    return ok ? (r as SandboxRequest) : undefined;
  } catch {
    return undefined;
  }
}
