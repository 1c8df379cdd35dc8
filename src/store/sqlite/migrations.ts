/**
 * Versioned schema. `PRAGMA user_version` holds how many MIGRATIONS a database has had; each step
 * runs in its own transaction together with the bump, so a crash leaves the database at a whole
 * version. Steps are only ever appended: a released step never changes, since databases that
 * already ran it will not run it again.
 */
import type { Database } from "bun:sqlite";
import { BuddyError } from "../../core";

interface Migration {
  /** What the step adds, for readers of this file. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: "runs, tasks, attempts, assignments, waves",
    // JSON documents are TEXT. Tables keep their rowid: task rows are appended in input order,
    // which is the cheapest b-tree insert for a million-task ingest. Children reference their
    // parents so that deleting a run later removes everything it owns.
    sql: `
      CREATE TABLE runs (
        run_id      TEXT PRIMARY KEY,
        created_at  INTEGER NOT NULL,
        input       TEXT NOT NULL,
        input_hash  TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        options     TEXT NOT NULL,
        status      TEXT NOT NULL,
        started_at  INTEGER,
        ended_at    INTEGER,
        task_count  INTEGER NOT NULL DEFAULT 0,
        wave_count  INTEGER NOT NULL DEFAULT 0,
        summary     TEXT
      );
      CREATE INDEX runs_by_created ON runs (created_at);

      CREATE TABLE tasks (
        run_id      TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        task_id     TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        wave        INTEGER NOT NULL,
        spec        TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'pending',
        agent_id    TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0,
        result_json TEXT,
        error       TEXT,
        started_at  INTEGER,
        ended_at    INTEGER,
        duration_ms INTEGER,
        PRIMARY KEY (run_id, task_id)
      );
      CREATE INDEX tasks_by_wave ON tasks (run_id, wave, seq);

      CREATE TABLE attempts (
        run_id            TEXT NOT NULL,
        task_id           TEXT NOT NULL,
        attempt           INTEGER NOT NULL,
        agent_id          TEXT NOT NULL,
        state             TEXT NOT NULL,
        started_at        INTEGER NOT NULL,
        ended_at          INTEGER,
        duration_ms       INTEGER,
        result_json       TEXT,
        error             TEXT,
        console           TEXT NOT NULL DEFAULT '[]',
        console_truncated INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, task_id, attempt),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );

      CREATE TABLE assignments (
        run_id                        TEXT NOT NULL,
        task_id                       TEXT NOT NULL,
        agent_id                      TEXT NOT NULL,
        wave                          INTEGER NOT NULL,
        strategy                      TEXT NOT NULL,
        predicted_success_probability REAL NOT NULL,
        priority                      INTEGER NOT NULL,
        assigned_at                   INTEGER NOT NULL,
        reason                        TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );

      CREATE TABLE waves (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        wave   INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (run_id, wave)
      );
    `,
  },
  {
    name: "violations",
    // One row per recorded touch; the rowid keeps the order of recording within a timestamp.
    // A violation belongs to its task, so deleting a run removes its violations too.
    sql: `
      CREATE TABLE violations (
        run_id         TEXT NOT NULL,
        task_id        TEXT NOT NULL,
        attempt        INTEGER NOT NULL,
        execution_id   TEXT NOT NULL,
        violation_type TEXT NOT NULL,
        details        TEXT NOT NULL,
        code_preview   TEXT NOT NULL,
        timestamp      INTEGER NOT NULL,
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );
      CREATE INDEX violations_by_run ON violations (run_id, timestamp);
      CREATE INDEX violations_by_time ON violations (timestamp);
    `,
  },
  {
    name: "gate decisions, signals, anomalies, provider state",
    // Gate decisions are written before every attempt, the four of an attempt in one row (a
    // million-task run would otherwise write four million rows); signals and anomalies once per wave;
    // provider state (the dry-run mocks' contacts, mailbox, sessions) is one document per run,
    // replaced as it changes, so a resumed run continues with the state it had.
    sql: `
      CREATE TABLE gate_decisions (
        run_id    TEXT NOT NULL,
        task_id   TEXT NOT NULL,
        attempt   INTEGER NOT NULL,
        decisions TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id, attempt),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      );
      CREATE TABLE signals (
        run_id    TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        wave      INTEGER NOT NULL,
        signal_id TEXT NOT NULL,
        signal    TEXT NOT NULL,
        PRIMARY KEY (run_id, signal_id)
      );
      CREATE TABLE anomalies (
        run_id     TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        wave       INTEGER NOT NULL,
        anomaly_id TEXT NOT NULL,
        anomaly    TEXT NOT NULL,
        PRIMARY KEY (run_id, anomaly_id)
      );
      CREATE TABLE provider_state (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
        state  TEXT NOT NULL
      );
    `,
  },
  {
    name: "run leases, store identity",
    // One lease row per run that was ever executed. A released lease keeps its row (owner NULL)
    // so that the fencing token only ever grows: a stale holder's token can never come back.
    // The identity row names this database file, so a process can tell its store from another
    // database put at the same path (leases.ts, identity.ts).
    sql: `
      CREATE TABLE run_leases (
        run_id          TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
        token           INTEGER NOT NULL,
        owner           TEXT,
        host            TEXT,
        pid             INTEGER,
        process_started TEXT,
        acquired_at     INTEGER,
        heartbeat_at    INTEGER
      );
      CREATE TABLE store_identity (
        one      INTEGER PRIMARY KEY CHECK (one = 1),
        store_id TEXT NOT NULL
      );
      INSERT INTO store_identity (one, store_id) VALUES (1, lower(hex(randomblob(16))));
    `,
  },
];

/**
 * The oldest schema that read-only commands can read as it is: later steps add only tables that
 * the writing path uses (leases, identity), and a read-only connection cannot migrate.
 */
const READABLE_FROM_VERSION = 3;

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to SCHEMA_VERSION, or refuses one written by a newer buddy. */
export function migrate(db: Database, path: string): void {
  // Fast path without the write lock: an up-to-date database is the common case, and a reader
  // should not queue behind a running `buddy run` just to learn there is nothing to do.
  if (checkedVersion(db, path) === SCHEMA_VERSION) return;
  const step = db.transaction((): boolean => {
    // Read again under the write lock: another process may have migrated in the meantime.
    const version = checkedVersion(db, path);
    const migration = MIGRATIONS[version];
    if (migration === undefined) return false;
    db.run(migration.sql);
    db.run(`PRAGMA user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one step per transaction
  }
}

function checkedVersion(db: Database, path: string): number {
  const row = db.query<{ user_version: number }, []>("PRAGMA user_version").get();
  const version = row?.user_version ?? 0;
  if (version > SCHEMA_VERSION) {
    throw new BuddyError(
      "STORE",
      `store ${path} has a newer schema version ${version} (this buddy knows ${SCHEMA_VERSION}); upgrade buddy to open it`,
    );
  }
  return version;
}

/**
 * The schema version for a read-only connection, which cannot migrate: a newer schema is refused
 * as always, and one older than READABLE_FROM_VERSION too. 0 is an empty file, with no runs.
 */
export function readableVersion(db: Database, path: string): number {
  const version = checkedVersion(db, path);
  if (version !== 0 && version < READABLE_FROM_VERSION) {
    throw new BuddyError(
      "STORE",
      `store ${path} has the old schema version ${version}; a writing command (buddy run or resume) upgrades it`,
    );
  }
  return version;
}
