/**
 * The work queue of a run on a shared backend (SPEC 11): the process that holds a run's lease
 * (its coordinator) puts each attempt in as a job, workers on any machine claim jobs in batches,
 * run them, and hand back their outcomes. Only a server backend has one (PostgreSQL).
 *
 * A claim is a lease: the worker renews it by heartbeat, and each claim carries a fencing token
 * that grows whenever the job changes hands. A worker's outcome counts only with the token it
 * claimed with; a job whose lease ran out is taken back by the coordinator (the attempt counts
 * as AGENT_CRASH), so whatever its worker sends afterwards is refused.
 */

/** The longest claim a worker may take (`--lease-ms`): a longer one in the queue was not written by a worker. */
export const LONGEST_LEASE_MS = 3_600_000;

/** One job: an attempt of a task of a run. */
export interface JobKey {
  run_id: string;
  task_id: string;
  attempt: number;
}

/** A job as a worker holds it: with the token its outcome must carry. */
export interface ClaimedJob extends JobKey {
  /** Opaque: a bigint as text, compared exactly (a float would round tokens beyond 2^53). */
  token: string;
  /** The attempt's SandboxRequest as JSON text. */
  request: string;
}

/** Who claims: one worker process. */
export interface WorkerIdentity {
  /** Random per process. */
  worker: string;
  host: string;
  pid: number;
}

export interface ClaimRequest {
  who: WorkerIdentity;
  limit: number;
  leaseMs: number;
  /** Only this run's jobs; any run's when omitted. */
  run_id?: string;
}

/** What the coordinator gets back for a job: its outcome, or that its worker went silent. */
export type Harvested =
  | (JobKey & { kind: "done"; outcome: string })
  | (JobKey & { kind: "lost"; host: string; pid: number; held_ms: number });

export interface WorkQueue {
  /** Queues attempts of `run_id` in this order (the claim order); a job queued again starts afresh with a new token. */
  enqueue(run_id: string, jobs: readonly { task_id: string; attempt: number; request: string }[]): Promise<void>;
  /** Up to `limit` queued jobs, oldest first (of one run, or of any), leased to `who` for `leaseMs`. */
  claim(request: ClaimRequest): Promise<ClaimedJob[]>;
  /** Renews every lease `who` holds; returns the jobs it still holds, with their tokens. */
  heartbeat(who: WorkerIdentity, leaseMs: number): Promise<ClaimedJob[]>;
  /**
   * Hands in outcomes, and in the same round trip claims up to `more.limit` jobs as `claim` does;
   * returns, per outcome, whether it counted (false: the job was taken back), and the jobs claimed.
   */
  complete(results: readonly { job: ClaimedJob; outcome: string }[], more?: ClaimRequest): Promise<{ counted: boolean[]; claimed: ClaimedJob[] }>;
  /** Gives jobs back unstarted (a worker stopping): queued again for others. */
  release(jobs: readonly ClaimedJob[]): Promise<void>;
  /**
   * The coordinator's collection, removing what it returns: jobs with an outcome, and with `reap`
   * jobs whose lease ran out (taken back: their worker's outcome will be refused), unless the
   * call had to ride out a lost connection. When the answer is lost with a connection, what it
   * removed is gone: `inQueue` then tells which jobs are left.
   */
  harvest(run_id: string, reap: boolean): Promise<Harvested[]>;
  /**
   * How often this process has lost its connection to the backend so far. While it could not
   * reach the backend, its workers likely could not either: their leases ran out without them.
   */
  outages(): number;
  /** Every job of the run still in the queue, whatever its state. */
  inQueue(run_id: string): Promise<JobKey[]>;
  /** Gives every claimed job of the run a fresh lease: after the coordinator itself lost the backend for a while, its workers did too. */
  extendLeases(run_id: string, leaseMs: number): Promise<void>;
  /** Removes every job of the run: a coordinator starting or stopping; outcomes still coming are refused. */
  purge(run_id: string): Promise<void>;
  /** Whether there is anything left to work on: a queued or claimed job, or a run whose coordinator is alive. */
  hasWork(run_id?: string): Promise<boolean>;
  /**
   * A dry-run provider call on the run's mock state, held under a lock for the call, and only
   * while `job` is still claimed with its token (a stale worker changes nothing). `initial` is the
   * state of a run whose mocks were never called.
   */
  providerCall<T>(job: ClaimedJob, initial: () => unknown, call: (state: unknown) => Promise<{ answer: T; state: unknown }>): Promise<T>;
  /** Wakes `onWork` when jobs may have been queued, `onDone` when outcomes of `run_id` may be in. */
  subscribe(events: { onWork?: () => void; onDone?: (run_id: string) => void }): Promise<() => Promise<void>>;
}
