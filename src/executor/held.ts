/**
 * What the supervisor knows of the attempts an executor holds (pool.ts): each attempt from the
 * moment it is written to an executor until its outcome, and each executor process.
 */
import type { SandboxHost, SandboxOutcome, SandboxRequest } from "../sandbox/types";
import type { ExecutorProcess } from "./spawn";
import type { ExecutorWriter } from "./writer";

export interface Job {
  id: number;
  request: SandboxRequest;
  /** Answers the attempt's provider calls. */
  host?: SandboxHost;
  /** performance.now() when the attempt was written to an executor. */
  sentAt: number;
  /** Set once it started in its executor. */
  started?: Started;
  /** Provider calls it made that have not been answered. */
  callsOut: number;
  /**
   * It held the thread of an executor a deadline of another attempt ended, or had started in one
   * that crashed holding several: it runs again, uncharged, in an executor of its own, where
   * nothing but itself can end it (death.ts).
   */
  solo: boolean;
  resolve: (outcome: SandboxOutcome) => void;
  reject: (error: unknown) => void;
}

interface Started {
  /** performance.now() when it started in the executor. */
  at: number;
  /**
   * performance.now() past which it has overrun its deadline + KILL_GRACE_MS: from its start,
   * moved by the time other attempts kept it off the executor's thread (`running`).
   */
  killAt: number;
  /** Its executor armed a kernel alarm (protocol.ts, `started`). */
  alarm: boolean;
  /** The time other attempts kept it off the thread, as the executor last said. */
  heldOffMs: number;
  /** Answered and waiting for the thread (protocol.ts, `ready`): its own time stands still. */
  paused: boolean;
  /**
   * performance.now() when the supervisor sent it an answer the executor has not said it took
   * (`ready`): the answer may wait in the pipe while another attempt holds the thread, and the
   * attempt's own time stands still from then on, as the executor counts it (thread.ts).
   */
  answeredAt?: number;
  backstop: ReturnType<typeof setTimeout>;
}

export interface Slot {
  proc: ExecutorProcess;
  /** Writes to its input: answers' news before long answers' text (writer.ts). */
  writer: ExecutorWriter;
  /** Attempts written to this executor and not answered, in the order they were sent. */
  held: Map<number, Job>;
  /** Held attempts not waiting on a provider answer. */
  runnable: number;
  /** The attempt its kernel alarm is armed for (protocol.ts, `alarmFor`). */
  alarmFor?: number;
  /** The attempt holding its thread, as it last said (protocol.ts, `running`). */
  onThread?: number;
  /** Set when the supervisor killed it: when, and the attempts past their kill time then. */
  killed?: { at: number; overdue: Job[] };
  answered: boolean;
}

/** An answer was sent to it before its kill time came, and its executor never took it: it has not overrun. */
export const answeredInTime = (job: Job): boolean =>
  job.started?.answeredAt !== undefined && job.started.answeredAt < job.started.killAt;

/** It has started, is not waiting for the thread (nor answered in time), and its kill time has come by `at`. */
export const isDue = (job: Job, at: number): boolean =>
  job.started !== undefined && !job.started.paused && !answeredInTime(job) && job.started.killAt <= at;
