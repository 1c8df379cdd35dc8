/**
 * The PostgreSQL schema, versioned like the SQLite one (SPEC 9.1): `buddy_schema.version` counts
 * the MIGRATIONS a database has had, each step runs in one transaction with its bump, and steps
 * are only ever appended. Two processes opening a new backend at once serialise on an advisory
 * lock, so each step runs once. A newer schema than this build knows is refused (exit 4).
 */
import type { SQL } from "bun";
import { BuddyError } from "../../core";

/** The advisory lock key that migrations hold (any constant; "buddy" in ASCII). */
const MIGRATION_LOCK = 0x6275646479;

const MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: "runs, tasks, attempts, assignments, waves, violations, feedback, leases",
    // Times are epoch milliseconds (bigint); JSON documents are text, read through their schemas
    // as SQLite's are. `ord` columns keep the order of insertion where reads promise "as
    // recorded". `applied_batches` lets a batch whose commit was cut off by a lost connection
    // be sent again without applying twice (apply.ts).
    sql: `
      CREATE TABLE runs (
        run_id      text PRIMARY KEY,
        ord         bigserial NOT NULL,
        created_at  bigint NOT NULL,
        input       text NOT NULL,
        input_hash  text NOT NULL,
        seed        bigint NOT NULL,
        options     text NOT NULL,
        status      text NOT NULL,
        started_at  bigint,
        ended_at    bigint,
        task_count  integer NOT NULL DEFAULT 0,
        wave_count  integer NOT NULL DEFAULT 0,
        summary     text
      );
      CREATE INDEX runs_by_created ON runs (created_at DESC, ord DESC);

      CREATE TABLE tasks (
        run_id      text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        task_id     text NOT NULL,
        seq         integer NOT NULL,
        wave        integer NOT NULL,
        spec        text NOT NULL,
        state       text NOT NULL DEFAULT 'pending',
        agent_id    text,
        attempts    integer NOT NULL DEFAULT 0,
        result_json text,
        error       text,
        started_at  bigint,
        ended_at    bigint,
        duration_ms bigint,
        PRIMARY KEY (run_id, task_id)
      );
      CREATE INDEX tasks_by_wave ON tasks (run_id, wave, seq);

      CREATE TABLE attempts (
        run_id            text NOT NULL,
        task_id           text NOT NULL,
        attempt           integer NOT NULL,
        agent_id          text NOT NULL,
        state             text NOT NULL,
        started_at        bigint NOT NULL,
        ended_at          bigint,
        duration_ms       bigint,
        result_json       text,
        error             text,
        console           text NOT NULL DEFAULT '[]',
        console_truncated integer NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, task_id, attempt),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );

      CREATE TABLE assignments (
        run_id                        text NOT NULL,
        task_id                       text NOT NULL,
        agent_id                      text NOT NULL,
        wave                          integer NOT NULL,
        strategy                      text NOT NULL,
        predicted_success_probability double precision NOT NULL,
        priority                      integer NOT NULL,
        assigned_at                   bigint NOT NULL,
        reason                        text NOT NULL,
        PRIMARY KEY (run_id, task_id),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );

      CREATE TABLE waves (
        run_id text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        wave   integer NOT NULL,
        record text NOT NULL,
        PRIMARY KEY (run_id, wave)
      );

      CREATE TABLE violations (
        ord            bigserial PRIMARY KEY,
        run_id         text NOT NULL,
        task_id        text NOT NULL,
        attempt        integer NOT NULL,
        execution_id   text NOT NULL,
        violation_type text NOT NULL,
        details        text NOT NULL,
        code_preview   text NOT NULL,
        timestamp      bigint NOT NULL,
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );
      CREATE INDEX violations_by_run ON violations (run_id, timestamp, ord);
      CREATE INDEX violations_by_time ON violations (timestamp, ord);

      CREATE TABLE gate_decisions (
        run_id    text NOT NULL,
        task_id   text NOT NULL,
        attempt   integer NOT NULL,
        decisions text NOT NULL,
        PRIMARY KEY (run_id, task_id, attempt),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );
      CREATE TABLE signals (
        run_id    text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        ord       bigserial NOT NULL,
        wave      integer NOT NULL,
        signal_id text NOT NULL,
        signal    text NOT NULL,
        PRIMARY KEY (run_id, signal_id)
      );
      CREATE TABLE anomalies (
        run_id     text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        ord        bigserial NOT NULL,
        wave       integer NOT NULL,
        anomaly_id text NOT NULL,
        anomaly    text NOT NULL,
        PRIMARY KEY (run_id, anomaly_id)
      );
      CREATE TABLE provider_state (
        run_id text PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
        state  text NOT NULL
      );
      CREATE TABLE run_leases (
        run_id          text PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
        token           bigint NOT NULL,
        owner           text,
        host            text,
        pid             integer,
        process_started text,
        acquired_at     bigint,
        heartbeat_at    bigint
      );
      CREATE TABLE applied_batches (
        batch_id   text PRIMARY KEY,
        applied_at bigint NOT NULL
      );
    `,
  },
  {
    name: "work queue",
    // One row per attempt handed out to workers (queue.ts). `ord` is the claim order; `token`
    // grows whenever the job changes hands, so an outcome sent with an older one is refused. The
    // partial index keeps a claim's scan to the queued jobs alone. Every index costs each of a
    // job's four row changes, so a worker's heartbeat (every few seconds) scans the jobs in flight
    // instead of having one.
    sql: `
      CREATE TABLE jobs (
        run_id      text NOT NULL,
        task_id     text NOT NULL,
        attempt     integer NOT NULL,
        ord         bigserial NOT NULL,
        request     text NOT NULL,
        state       text NOT NULL DEFAULT 'queued',
        token       bigint NOT NULL DEFAULT 1,
        worker      text,
        worker_host text,
        worker_pid  integer,
        claimed_at  bigint,
        lease_until bigint,
        outcome     text,
        PRIMARY KEY (run_id, task_id, attempt),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );
      CREATE INDEX jobs_queued ON jobs (ord) WHERE state = 'queued';
      CREATE INDEX jobs_by_run ON jobs (run_id, state);
    `,
  },
];

/** The schema version this code writes. */
const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** The backend's clock in epoch ms, as SQL: leases are timed by it, so hosts' clocks need not agree. */
export const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

async function currentVersion(sql: SQL): Promise<number | undefined> {
  const [table] = await sql`SELECT to_regclass('buddy_schema') IS NOT NULL AS present`;
  if (!table?.present) return undefined;
  const [row] = await sql`SELECT version FROM buddy_schema`;
  return row === undefined ? 0 : Number(row.version);
}

function refuseNewer(version: number, location: string): void {
  if (version > POSTGRES_SCHEMA_VERSION) {
    throw new BuddyError(
      "STORE",
      `backend ${location} has a newer schema version ${version} (this buddy knows ${POSTGRES_SCHEMA_VERSION}); upgrade buddy to use it`,
    );
  }
}

/** Brings the backend up to POSTGRES_SCHEMA_VERSION, one transaction per step. */
export async function migrate(sql: SQL, location: string): Promise<void> {
  const seen = await currentVersion(sql);
  if (seen !== undefined) refuseNewer(seen, location);
  if (seen === POSTGRES_SCHEMA_VERSION) return;
  for (;;) {
    const done = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      // Read again under the lock: another process may have migrated in the meantime.
      await tx`CREATE TABLE IF NOT EXISTS buddy_schema (one integer PRIMARY KEY CHECK (one = 1), version integer NOT NULL)`;
      await tx`INSERT INTO buddy_schema (one, version) VALUES (1, 0) ON CONFLICT (one) DO NOTHING`;
      const version = Number((await tx`SELECT version FROM buddy_schema`)[0].version);
      refuseNewer(version, location);
      const step = MIGRATIONS[version];
      if (step === undefined) return true;
      await tx.unsafe(step.sql);
      await tx`UPDATE buddy_schema SET version = ${version + 1}`;
      return false;
    });
    if (done) return;
  }
}

/** For read-only use: whether the backend has buddy's schema at all (an empty one has no runs). */
export async function readableSchema(sql: SQL, location: string): Promise<boolean> {
  const version = await currentVersion(sql);
  if (version === undefined || version === 0) return false;
  refuseNewer(version, location);
  if (version < POSTGRES_SCHEMA_VERSION) {
    throw new BuddyError("STORE", `backend ${location} has the old schema version ${version}; a writing command (buddy run, resume or worker) upgrades it`);
  }
  return true;
}
