/**
 * The supervised pool of executor processes (SPEC 5 "Where attempts run"). Attempts wait in one
 * queue; an executor holds many at once, because its attempts interleave while they wait on
 * provider answers, and it is sent more while those it holds wait (dispatch).
 *
 * Every attempt ends within its deadline + 250 ms. Native built-ins that never poll the interrupt
 * handler (or poll it too rarely) cannot be stopped but by ending their process: the executor's
 * kernel alarm, armed for the earliest deadline + KILL_GRACE_MS of the attempts it holds, does that
 * on the executor's own clock, however busy this process is (kernel.ts, deadlines.ts). Where no
 * alarm can be armed, this pool kills the executor at the same time by its own timer (and, as a
 * backstop, later when an alarm failed). Either way the attempt it was ended for is a TIMEOUT
 * and the executor is replaced; an executor that died by itself costs AGENT_CRASH to the attempt
 * it held; the other attempts it held run again elsewhere, uncharged (death.ts).
 */
import { BuddyError, type Clock, type Logger } from "../core";
import { NO_PROVIDERS_HOST, unansweredCall } from "../sandbox/provider-answer";
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "../sandbox/types";
import { deathVerdict, rerunNotice } from "./death";
import { isDue, type Job, type Slot } from "./held";
import { killAfterMs, readLines, type FromExecutor } from "./protocol";
import { spawnExecutor } from "./spawn";
import { ExecutorWriter } from "./writer";

export interface PoolOptions {
  /** Executor processes (`--threads`). */
  size: number;
  /** The command that starts the binary in executor mode. */
  command: readonly string[];
  env?: Record<string, string | undefined>;
  /**
   * Attempts queued in one executor that are not waiting on a provider answer: beyond the one
   * running, these keep the pipe round trip off the critical path. @default 2
   */
  depth?: number;
  /** Attempts one executor holds at once, waiting or not (each holds an engine). @default HOLD_LIMIT */
  hold?: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Attempts one executor holds at most: each one started holds a WASM engine of its own (16 MiB
 * of address space, ~1 MiB resident for a small task), so this bounds an executor's memory.
 * More lanes than threads × HOLD_LIMIT wait in the supervisor's queue.
 */
const HOLD_LIMIT = 64;

/**
 * When an executor has armed its kernel alarm, the supervisor's kill is only a backstop against
 * an alarm that did not end it; it must not race the alarm, whose timing is exact.
 */
const BACKSTOP_AFTER_ALARM_MS = 1000;

export class ExecutorPool {
  /** Attempts waiting for an executor, and those that must have one to themselves. */
  private readonly queue: Job[] = [];
  private readonly soloQueue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private readonly depth: number;
  private readonly hold: number;
  private nextId = 1;
  private crashesWithoutAnswer = 0;
  private broken: BuddyError | undefined;
  private closing = false;

  constructor(private readonly options: PoolOptions) {
    this.depth = options.depth ?? 2;
    this.hold = Math.max(1, options.hold ?? HOLD_LIMIT);
    for (let i = 0; i < options.size; i++) this.spawn();
  }

  run(request: SandboxRequest, host?: SandboxHost): Promise<SandboxOutcome> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, host, sentAt: 0, callsOut: 0, solo: false, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every executor: politely (they finish their attempts), or at once with `now`. */
  async close(options: { now?: boolean } = {}): Promise<void> {
    this.closing = true;
    const exits = [...this.slots].map(async (slot) => {
      if (options.now) slot.proc.kill("SIGKILL");
      slot.writer.send({ type: "shutdown" });
      slot.writer.end();
      const timer = setTimeout(() => slot.proc.kill("SIGKILL"), 1000);
      await slot.proc.exited;
      clearTimeout(timer);
    });
    await Promise.all(exits);
  }

  private spawn(): void {
    const proc = spawnExecutor(this.options.command, this.options.env ?? process.env);
    const slot: Slot = {
      proc,
      writer: new ExecutorWriter(proc.stdin),
      held: new Map(),
      runnable: 0,
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
   * An attempt that must run alone goes to an executor holding nothing. The others go to idle
   * executors first; only then are they queued behind attempts that are not waiting on a
   * provider, up to `depth` of those per executor: the pipe round trip stays off the critical
   * path, a short attempt does not wait behind a long one while another executor sits idle, and
   * an executor whose attempts all wait on providers takes more, up to `hold`.
   */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.soloQueue.length === 0) break;
      if (!slot.killed && slot.held.size === 0) this.assign(slot, this.soloQueue.shift()!);
    }
    // An attempt waiting to run alone gets the executor that empties first: it takes no more.
    const reserved = this.soloQueue.length > 0 ? fewestHeld(this.slots) : undefined;
    for (let level = 1; level <= this.depth && this.queue.length > 0; level++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) break;
        if (slot === reserved || slot.killed || slot.runnable >= level || slot.held.size >= this.hold || holdsSolo(slot)) continue;
        this.assign(slot, this.queue.shift()!);
      }
    }
  }

  private assign(slot: Slot, job: Job): void {
    job.sentAt = performance.now();
    slot.held.set(job.id, job);
    slot.runnable++;
    slot.writer.send({ type: "attempt", id: job.id, request: job.request });
  }

  /** The attempt ended (or its executor did): it no longer counts against the executor. */
  private release(slot: Slot, job: Job): void {
    slot.held.delete(job.id);
    slot.writer.forget(job.id);
    if (job.callsOut === 0) slot.runnable--;
    clearTimeout(job.started?.backstop);
  }

  private onMessage(slot: Slot, message: FromExecutor): void {
    // Once the supervisor has killed an executor, its exit decides: what it wrote since is moot.
    if (slot.killed) return;
    switch (message.type) {
      case "started":
        this.onStarted(slot, message.id, message.at, message.alarm);
        slot.alarmFor = message.alarmFor;
        slot.onThread = message.id;
        break;
      case "ready":
        slot.alarmFor = message.alarmFor;
        this.onReady(slot, message.id);
        break;
      case "running":
        slot.onThread = message.id;
        slot.alarmFor = message.alarmFor;
        this.onRunning(slot, message.id, message.heldOffMs);
        break;
      case "outcome": {
        const job = slot.held.get(message.id);
        if (job === undefined) throw new BuddyError("INTERNAL", `executor answered ${message.id}, which it does not hold`);
        this.release(slot, job);
        slot.alarmFor = message.alarmFor;
        if (slot.onThread === job.id) slot.onThread = undefined;
        slot.answered = true;
        this.crashesWithoutAnswer = 0;
        job.resolve(message.outcome);
        this.dispatch();
        break;
      }
      case "provider_call": {
        const job = slot.held.get(message.id);
        if (!job) break; // the attempt was abandoned; nobody waits for the answer
        if (job.callsOut++ === 0) {
          slot.runnable--;
          this.dispatch(); // it waits: the executor can take another attempt meanwhile
        }
        const answer = (resultJson: string) => {
          if (slot.killed || slot.held.get(message.id) !== job) return;
          if (--job.callsOut === 0) slot.runnable++;
          // Only an attempt waiting for the thread stops its own time: one that holds it (its call
          // not awaited, while it runs on) keeps running, and keeps its kill time.
          if (job.started !== undefined && !job.started.paused && slot.onThread !== job.id) job.started.answeredAt ??= performance.now();
          slot.writer.answer(message.id, message.seq, resultJson, Date.now());
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
   * executor may still be running other attempts, or loading an engine), nor from when this
   * message is read (it may have waited in the pipe while the supervisor was busy). The
   * executor's wall clock says how long the message waited; that wait is clamped to what the
   * monotonic clock allows (not negative, not before the attempt was written), so a wall-clock
   * step can never make the kill early.
   */
  private onStarted(slot: Slot, id: number, at: number, alarm: boolean): void {
    const job = slot.held.get(id);
    if (job === undefined || job.started) throw new BuddyError("INTERNAL", `executor started ${id}, which it does not hold or already started`);
    const now = performance.now();
    const skew = Date.now() - at;
    const waited = Number.isFinite(skew) ? Math.min(Math.max(skew, 0), now - job.sentAt) : 0;
    const startedAt = now - waited;
    const killAt = startedAt + killAfterMs(job.request.timeoutMs);
    job.started = { at: startedAt, killAt, alarm, heldOffMs: 0, paused: false, backstop: this.backstop(slot, killAt, alarm) };
  }

  private backstop(slot: Slot, killAt: number, alarm: boolean): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.killStuck(slot), killAt + (alarm ? BACKSTOP_AFTER_ALARM_MS : 0) - performance.now());
  }

  /** Attempt `id` was answered and waits for the thread: its own time, and its kill, wait too. */
  private onReady(slot: Slot, id: number): void {
    const started = slot.held.get(id)?.started;
    if (started === undefined) return;
    started.paused = true;
    started.answeredAt = undefined;
    clearTimeout(started.backstop);
  }

  /** Attempt `id` runs again, kept off the thread `heldOffMs` in all: its kill moves later by as much. */
  private onRunning(slot: Slot, id: number, heldOffMs: number): void {
    const started = slot.held.get(id)?.started;
    if (started === undefined) return;
    if (heldOffMs > started.heldOffMs) {
      started.killAt += heldOffMs - started.heldOffMs;
      started.heldOffMs = heldOffMs;
    }
    started.paused = false;
    started.answeredAt = undefined;
    clearTimeout(started.backstop);
    started.backstop = this.backstop(slot, started.killAt, started.alarm);
  }

  /**
   * Its alarm did not end the executor, or it has none: SIGKILL does, for every attempt then past
   * its kill time. The exit settles the attempts.
   */
  private killStuck(slot: Slot): void {
    if (slot.killed) return;
    const at = performance.now();
    // A timer may fire a fraction of a millisecond before its time: the one that fired is due.
    const overdue = [...slot.held.values()].filter((job) => isDue(job, at + TIMER_SLACK_MS));
    slot.killed = { at, overdue };
    slot.proc.kill("SIGKILL");
  }

  /** An executor ended: its attempts get their outcome or run again (death.ts), and it is replaced. */
  private onExit(slot: Slot): void {
    this.slots.delete(slot);
    const jobs = [...slot.held.values()];
    for (const job of jobs) this.release(slot, job);
    const { charged, alone } = deathVerdict(slot, jobs);
    const again = jobs.filter((j) => !charged.has(j));
    const notice = rerunNotice(slot, again.filter((j) => j.started !== undefined));
    if (notice !== undefined && !this.closing) this.options.logger.warn(notice);
    // Back to the front of their queues, in the order they were sent.
    for (const job of again.reverse()) {
      if (alone(job)) job.solo = true;
      job.started = undefined;
      job.callsOut = 0;
      (job.solo ? this.soloQueue : this.queue).unshift(job);
    }
    for (const [job, outcome] of charged) job.resolve(outcome);
    if (this.closing) return;
    // Executors that die before they ever ran an attempt cannot start at all: stop respawning them.
    const ranNothing = !slot.answered && !slot.killed && jobs.every((job) => !job.started);
    if (ranNothing && ++this.crashesWithoutAnswer > 3 * this.options.size) {
      this.fail(new BuddyError("INTERNAL", "executor processes keep exiting before answering; see the messages above"));
      return;
    }
    this.spawn();
    this.dispatch();
  }

  private fail(cause: unknown): void {
    const error = cause instanceof BuddyError ? cause : new BuddyError("INTERNAL", `executor pool: ${String(cause)}`);
    this.broken = error;
    for (const job of [...this.soloQueue.splice(0), ...this.queue.splice(0)]) job.reject(error);
    for (const slot of this.slots) {
      for (const job of slot.held.values()) job.reject(error);
      slot.held.clear();
    }
  }
}

/** How early a timer may fire (it rounds its delay). */
const TIMER_SLACK_MS = 2;

function fewestHeld(slots: Iterable<Slot>): Slot | undefined {
  let fewest: Slot | undefined;
  for (const slot of slots) if (!slot.killed && (!fewest || slot.held.size < fewest.held.size)) fewest = slot;
  return fewest;
}

const holdsSolo = (slot: Slot): boolean => {
  for (const job of slot.held.values()) if (job.solo) return true;
  return false;
};
