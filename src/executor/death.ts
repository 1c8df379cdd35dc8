/**
 * What an executor's death means for the attempts it held (SPEC 5 "Where attempts run"): who is
 * charged, and how the others run again.
 *
 * When its kernel alarm or the supervisor's backstop ended it, an attempt had overrun its
 * deadline + KILL_GRACE_MS, which only happens while the thread is held: if that attempt held it
 * (or none did), it is a TIMEOUT; if another attempt held it, the overrun one was its victim, and
 * the holder has not overrun its own deadline: neither is charged. An executor that died by
 * itself costs AGENT_CRASH to the attempt it held, if it held only one. Every other attempt it
 * held runs again, uncharged: the holder of the thread at a kill, and after a crash every attempt
 * that had started, in an executor of its own, where nothing but itself can end it (so a stuck
 * attempt cuts neighbours short once at most, and the next death of its executor is its own);
 * the rest anywhere.
 */
import type { SandboxOutcome } from "../sandbox/types";
import { failedOutcome } from "../sandbox/failed";
import { answeredInTime, isDue, type Job, type Slot } from "./held";
import { KILL_GRACE_MS, killAfterMs } from "./protocol";

/**
 * How far the supervisor's own estimate of a kill time (from a start dated across the pipe) may
 * be later than the executor's: generous, since only a kill time not due at all is in question.
 */
const DUE_TOLERANCE_MS = 50;

export interface Verdict {
  /** The outcomes of the attempts the death is charged to. */
  charged: Map<Job, SandboxOutcome>;
  /** Whether an attempt it held, not charged, runs again in an executor of its own. */
  alone(job: Job): boolean;
}

export function deathVerdict(slot: Slot, jobs: Job[]): Verdict {
  const killed = slot.killed !== undefined || slot.proc.signalCode === "SIGALRM";
  return {
    charged: charged(slot, jobs),
    alone: (job) => job.started !== undefined && (!killed || job.id === slot.onThread),
  };
}

function charged(slot: Slot, jobs: Job[]): Map<Job, SandboxOutcome> {
  const charged = new Map<Job, SandboxOutcome>();
  const holder = jobs.find((job) => job.id === slot.onThread);
  const pays = (job: Job) => holder === undefined || holder === job;
  if (slot.proc.signalCode === "SIGALRM") {
    // The alarm's attempt, if alone, or if due by this process's clock too: a kill time that
    // moved just as the alarm fired can leave `alarmFor` naming the wrong one, and a wrong
    // charge is worse than a second run (the holder runs alone next, where it is alone).
    // Never one whose answer was sent in time but still waited in the pipe: the executor, busy
    // with another attempt until just before, would have stopped its kill time on reading it.
    const named = jobs.find((job) => job.id === slot.alarmFor && job.started !== undefined && !answeredInTime(job));
    const alarmed = named && (jobs.length === 1 || isDue(named, performance.now() + DUE_TOLERANCE_MS)) ? named : undefined;
    if (alarmed === undefined || !pays(alarmed)) return charged;
    // Its alarm fired exactly KILL_GRACE_MS past that attempt's deadline on the executor's clock.
    const { timeoutMs } = alarmed.request;
    const message = `the task exceeded its deadline of ${timeoutMs} ms; its executor was stopped ${KILL_GRACE_MS} ms later`;
    charged.set(alarmed, failedOutcome("TIMEOUT", message, killAfterMs(timeoutMs)));
  } else if (slot.killed) {
    const { at } = slot.killed;
    for (const job of slot.killed.overdue.filter(pays)) {
      const message = `the task exceeded its deadline of ${job.request.timeoutMs} ms; the supervisor killed its executor`;
      charged.set(job, failedOutcome("TIMEOUT", message, at - job.started!.at - job.started!.heldOffMs));
    }
  } else if (jobs.length === 1) {
    const [job] = jobs as [Job];
    const how = slot.proc.signalCode ? `by ${slot.proc.signalCode}` : `with exit code ${slot.proc.exitCode}`;
    const duration = job.started ? performance.now() - job.started.at - job.started.heldOffMs : 0;
    charged.set(job, failedOutcome("AGENT_CRASH", `the executor process died during the attempt (${how})`, duration));
  }
  return charged;
}

/**
 * Started attempts that run again uncharged repeat what they did, provider calls included (a
 * contact created twice): said on stderr, so that it is never invisible.
 */
export function rerunNotice(slot: Slot, rerun: Job[]): string | undefined {
  if (rerun.length === 0) return undefined;
  const how = slot.proc.signalCode === "SIGALRM" ? "at another attempt's deadline" : slot.killed ? "by the supervisor" : "by itself";
  const names = rerun.map((j) => `${j.request.task.id}#${j.request.task.attempt}`).join(", ");
  return `an executor ended ${how}; these attempts it held run again from the start, not charged (their provider calls are made again): ${names}`;
}
