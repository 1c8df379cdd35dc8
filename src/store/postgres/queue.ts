/**
 * The work queue on PostgreSQL (store/queue.ts). Claims take a batch of the oldest queued jobs
 * with `FOR UPDATE SKIP LOCKED`, so workers claiming at once never wait on each other's rows and
 * never get the same job; outcomes of a batch go in one transaction, each fenced by its token.
 * NOTIFY (sent on commit) wakes the other side at once; everyone polls too, so a notification
 * lost with a connection only costs a poll interval.
 */
import type { SQL } from "bun";
import { fromJson, toJson } from "../codec";
import { LONGEST_LEASE_MS, type ClaimedJob, type ClaimRequest, type Harvested, type JobKey, type WorkerIdentity, type WorkQueue } from "../queue";
import type { PostgresConnection } from "./connection";
import { NOW_MS } from "./migrations";

const WORK_CHANNEL = "buddy_work";
const DONE_CHANNEL = "buddy_done";

/** A coordinator whose run lease was renewed this recently is alive, for `hasWork`. */
const LIVE_COORDINATOR_MS = 60_000;

const CLAIMED = "j.run_id, j.task_id, j.attempt, j.token::text AS token, j.request";

/**
 * The next fencing token of a job, as SQL over the column `col`: one more, wrapping below 2^62
 * so that even a token someone wrote into the table by hand cannot overflow the bigint.
 */
const nextToken = (col: string) => `(mod(${col}, 4611686018427387904) + 1)`;

/**
 * Provider calls of one process that may hold a connection at once. A call waits on the run's
 * mock state lock, so calls could otherwise take every connection of the pool and keep this
 * worker's heartbeat from getting through: its claims would run out for another's slowness.
 */
const PROVIDER_CALLS_AT_ONCE = 3;

export class PostgresQueue implements WorkQueue {
  readonly #calls = new Gate(PROVIDER_CALLS_AT_ONCE);

  constructor(private readonly db: PostgresConnection) {}

  async enqueue(run_id: string, jobs: readonly { task_id: string; attempt: number; request: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    const params: unknown[] = [run_id, WORK_CHANNEL, jobs.map((j) => j.task_id), jobs.map((j) => j.attempt), jobs.map((j) => j.request)];
    // One statement, one round trip: the rows, and the notification delivered when they commit.
    // The order of `jobs` is the claim order: ord comes from the sequence row by row.
    await this.db.attempt("enqueue", (sql) =>
      sql.unsafe(
        `WITH queued AS (
           INSERT INTO jobs (run_id, task_id, attempt, request)
           SELECT $1, v.task_id, v.attempt, v.request FROM unnest($3::text[], $4::integer[], $5::text[]) WITH ORDINALITY AS v(task_id, attempt, request, n) ORDER BY v.n
           ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET state = 'queued', token = ${nextToken("jobs.token")}, request = excluded.request,
             worker = NULL, worker_host = NULL, worker_pid = NULL, claimed_at = NULL, lease_until = NULL, outcome = NULL
           RETURNING 1)
         SELECT pg_notify($2, $1) FROM (SELECT count(*) FROM queued) AS n`,
        params,
      ),
    );
  }

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return (await this.complete([], request)).claimed;
  }

  async heartbeat(who: WorkerIdentity, leaseMs: number): Promise<ClaimedJob[]> {
    const rows = await this.db.attempt("heartbeat", (sql) =>
      sql.unsafe(`UPDATE jobs j SET lease_until = ${NOW_MS} + $2 WHERE j.worker = $1 AND j.state = 'claimed' RETURNING ${CLAIMED}`, [who.worker, leaseMs]),
    );
    return [...(rows as ClaimedJob[])];
  }

  async complete(results: readonly { job: ClaimedJob; outcome: string }[], more?: ClaimRequest): Promise<{ counted: boolean[]; claimed: ClaimedJob[] }> {
    const limit = more?.limit ?? 0;
    if (results.length === 0 && limit === 0) return { counted: [], claimed: [] };
    const jobs = results.map((r) => r.job);
    const params: unknown[] = [
      DONE_CHANNEL,
      jobs.map((j) => j.run_id), jobs.map((j) => j.task_id), jobs.map((j) => j.attempt), jobs.map((j) => j.token), results.map((r) => r.outcome),
      limit, more?.who.worker ?? null, more?.who.host ?? null, more?.who.pid ?? null, more?.leaseMs ?? 0, more?.run_id ?? null,
    ];
    // One statement: the outcomes in (each fenced by its token; 'done' with the same token counts
    // too, for a batch sent again after its commit was cut off), the notification of their runs'
    // coordinators, and the next jobs claimed with SKIP LOCKED, so claiming workers never wait on
    // each other's rows nor get the same job.
    const rows = await this.db.attempt("completion", (sql) =>
      sql.unsafe(
        `WITH counted AS (
           UPDATE jobs j SET state = 'done', outcome = v.outcome
           FROM unnest($2::text[], $3::text[], $4::integer[], $5::bigint[], $6::text[]) AS v(run_id, task_id, attempt, token, outcome)
           WHERE j.run_id = v.run_id AND j.task_id = v.task_id AND j.attempt = v.attempt AND j.token = v.token
             AND j.state IN ('claimed', 'done')
           RETURNING j.run_id, j.task_id, j.attempt),
         told AS (SELECT pg_notify($1, r.run_id) FROM (SELECT DISTINCT run_id FROM counted) AS r),
         pick AS (
           SELECT run_id, task_id, attempt FROM jobs WHERE state = 'queued' AND ($12::text IS NULL OR run_id = $12)
           ORDER BY ord LIMIT $7 FOR UPDATE SKIP LOCKED),
         claimed AS (
           UPDATE jobs j SET state = 'claimed', token = ${nextToken("j.token")}, worker = $8, worker_host = $9, worker_pid = $10,
             claimed_at = ${NOW_MS}, lease_until = ${NOW_MS} + $11
           FROM pick c WHERE j.run_id = c.run_id AND j.task_id = c.task_id AND j.attempt = c.attempt
           RETURNING ${CLAIMED}, j.ord)
         SELECT false AS claim, run_id, task_id, attempt, NULL::text AS token, NULL::text AS request, NULL::bigint AS ord
           FROM counted, (SELECT count(*) FROM told) AS t
         UNION ALL
         SELECT true, run_id, task_id, attempt, token, request, ord FROM claimed`,
        params,
      ),
    );
    const answer = rows as (ClaimedJob & { claim: boolean; ord: string | null })[];
    const key = (k: JobKey) => `${k.run_id}\u0000${k.task_id}\u0000${k.attempt}`;
    const accepted = new Set(answer.filter((r) => !r.claim).map(key));
    const claimed = answer
      .filter((r) => r.claim)
      .sort((a, b) => Number(a.ord) - Number(b.ord))
      .map(({ run_id, task_id, attempt, token, request }) => ({ run_id, task_id, attempt, token, request }));
    return { counted: jobs.map((j) => accepted.has(key(j))), claimed };
  }

  async release(jobs: readonly ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.db.attempt("release", (sql) =>
      sql.begin(async (tx) => {
        await Promise.all(
          jobs.map((j) =>
            tx.unsafe(
              `UPDATE jobs SET state = 'queued', token = ${nextToken("token")}, worker = NULL, worker_host = NULL, worker_pid = NULL, claimed_at = NULL, lease_until = NULL
               WHERE run_id = $1 AND task_id = $2 AND attempt = $3 AND token = $4 AND state = 'claimed'`,
              [j.run_id, j.task_id, j.attempt, j.token],
            ),
          ),
        );
        for (const run of new Set(jobs.map((j) => j.run_id))) await tx.unsafe("SELECT pg_notify($1, $2)", [WORK_CHANNEL, run]);
      }),
    );
  }

  async harvest(run_id: string, reap: boolean): Promise<Harvested[]> {
    // One statement: the outcomes, and the jobs whose lease ran out, leave the queue together.
    // A job taken back is gone, so its silent worker's outcome, heartbeat and calls are refused.
    // A job in a state no worker writes (no lease, one longer than any worker takes, an unknown
    // state: rows someone wrote by hand) is taken back at once, as nothing would ever end it.
    // Sent again after a lost connection, it takes nothing back: the workers were cut off too.
    // Rows someone holds locked (a hand-in or heartbeat under way, a provider call of a paused
    // worker) are skipped, left to the next harvest: it never waits on a worker, so a worker
    // paused in a transaction does not stall the run, and no lock order can deadlock it.
    const losses = this.db.losses;
    const rows = await this.db.attempt("harvest", (sql) =>
      sql.unsafe(
        `WITH lost AS (
           DELETE FROM jobs j USING (
             SELECT task_id, attempt FROM jobs WHERE run_id = $1 AND $2::boolean AND state NOT IN ('queued', 'done')
               AND (state <> 'claimed' OR lease_until IS NULL OR lease_until < ${NOW_MS} OR lease_until > ${NOW_MS} + $3)
             FOR UPDATE SKIP LOCKED) AS x
           WHERE j.run_id = $1 AND j.task_id = x.task_id AND j.attempt = x.attempt
           RETURNING j.task_id, j.attempt, 'lost' AS state, NULL::text AS outcome, j.worker_host, j.worker_pid, (${NOW_MS} - j.claimed_at)::float8 AS held_ms),
         done AS (
           DELETE FROM jobs j USING (SELECT task_id, attempt FROM jobs WHERE run_id = $1 AND state = 'done' FOR UPDATE SKIP LOCKED) AS x
           WHERE j.run_id = $1 AND j.task_id = x.task_id AND j.attempt = x.attempt
           RETURNING j.task_id, j.attempt, 'done' AS state, j.outcome, j.worker_host, j.worker_pid, 0::float8 AS held_ms)
         SELECT * FROM lost UNION ALL SELECT * FROM done`,
        [run_id, reap && this.db.losses === losses, LONGEST_LEASE_MS],
      ),
    );
    return (rows as { task_id: string; attempt: number; state: string; outcome: string | null; worker_host: string | null; worker_pid: number | null; held_ms: number | null }[]).map(
      (r): Harvested =>
        r.state === "done"
          ? { kind: "done", run_id, task_id: r.task_id, attempt: r.attempt, outcome: r.outcome ?? "null" }
          : { kind: "lost", run_id, task_id: r.task_id, attempt: r.attempt, host: r.worker_host ?? "?", pid: r.worker_pid ?? 0, held_ms: r.held_ms ?? 0 },
    );
  }

  outages(): number {
    return this.db.losses;
  }

  async inQueue(run_id: string): Promise<JobKey[]> {
    const rows = await this.db.attempt("queue read", (sql) => sql.unsafe("SELECT task_id, attempt FROM jobs WHERE run_id = $1", [run_id]));
    return (rows as { task_id: string; attempt: number }[]).map((r) => ({ run_id, ...r }));
  }

  async extendLeases(run_id: string, leaseMs: number): Promise<void> {
    await this.db.attempt("lease extension", (sql) => sql.unsafe(`UPDATE jobs SET lease_until = ${NOW_MS} + $2 WHERE run_id = $1 AND state = 'claimed'`, [run_id, leaseMs]));
  }

  async purge(run_id: string): Promise<void> {
    await this.db.attempt("purge", (sql) => sql.unsafe("DELETE FROM jobs WHERE run_id = $1", [run_id]));
  }

  async hasWork(run_id?: string): Promise<boolean> {
    const ofRun = run_id === undefined ? "" : "AND run_id = $2";
    const params: unknown[] = [LIVE_COORDINATOR_MS, ...(run_id === undefined ? [] : [run_id])];
    const [row] = await this.db.attempt("work check", (sql) =>
      sql.unsafe(
        `SELECT EXISTS (SELECT 1 FROM jobs WHERE state IN ('queued', 'claimed') ${ofRun})
             OR EXISTS (SELECT 1 FROM run_leases WHERE owner IS NOT NULL AND heartbeat_at > ${NOW_MS} - $1 ${ofRun}) AS busy`,
        params,
      ),
    );
    return (row as { busy: boolean }).busy;
  }

  async providerCall<T>(job: ClaimedJob, initial: () => unknown, call: (state: unknown) => Promise<{ answer: T; state: unknown }>): Promise<T> {
    return this.#calls.through(() => this.#providerCall(job, initial, call));
  }

  async #providerCall<T>(job: ClaimedJob, initial: () => unknown, call: (state: unknown) => Promise<{ answer: T; state: unknown }>): Promise<T> {
    return this.db.attempt("provider call", (sql: SQL) =>
      sql.begin(async (tx) => {
        // The mock state first, the job's row after: waiting for the state (another worker's
        // call, perhaps of a paused worker) holds no lock on the job, so this worker's heartbeat
        // still renews it meanwhile. The job's row is then held only for the call itself.
        await tx.unsafe("INSERT INTO provider_state (run_id, state) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING", [job.run_id, toJson(initial())]);
        const [row] = await tx.unsafe("SELECT state FROM provider_state WHERE run_id = $1 FOR UPDATE", [job.run_id]);
        const [held] = await tx.unsafe(
          "SELECT 1 AS one FROM jobs WHERE run_id = $1 AND task_id = $2 AND attempt = $3 AND token = $4 AND state = 'claimed' FOR SHARE",
          [job.run_id, job.task_id, job.attempt, job.token],
        );
        if (held === undefined) throw new StaleJob(job);
        const { answer, state } = await call(fromJson((row as { state: string }).state));
        await tx.unsafe("UPDATE provider_state SET state = $2 WHERE run_id = $1", [job.run_id, toJson(state)]);
        return answer;
      }),
    );
  }

  async subscribe(events: { onWork?: () => void; onDone?: (run_id: string) => void }): Promise<() => Promise<void>> {
    const subs = await this.db.attempt("listen", async (sql) => [
      ...(events.onWork ? [await sql.listen(WORK_CHANNEL, () => events.onWork!())] : []),
      ...(events.onDone ? [await sql.listen(DONE_CHANNEL, (run) => events.onDone!(run))] : []),
    ]);
    return async () => {
      for (const s of subs) await s.unlisten().catch(() => {});
    };
  }
}

/** At most `size` of the functions given to `through` run at once; the others wait their turn, in order. */
class Gate {
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async through<T>(fn: () => Promise<T>): Promise<T> {
    // A slot freed goes straight to the oldest waiter, so no newcomer can slip in between.
    if (this.#running >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

/** A provider call of a job that is no longer this worker's: it changes nothing. */
class StaleJob extends Error {
  constructor(job: JobKey) {
    super(`attempt ${job.attempt} of task ${job.task_id} of run ${job.run_id} was taken back from this worker`);
  }
}
