/**
 * The connection to a PostgreSQL backend (SPEC 11) through Bun's built-in client, `Bun.SQL`.
 * Every call goes through `attempt`, which rides out a lost server: a dropped connection, a
 * restart, a server not accepting connections yet are retried with backoff until the backend
 * has been unreachable for `timeoutMs`, and only then become a STORE error (exit 4). Every
 * other failure is a STORE error at once, naming the backend without its password.
 *
 * Statements are prepared once per connection (Bun's default): every statement buddy sends has
 * fixed text, its rows going in as arrays, so the set of prepared statements stays small.
 */
import { SQL } from "bun";
import { BuddyError } from "../../core";

export interface PostgresOptions {
  /** How long the backend may be unreachable before a call gives up. @default 60000 */
  timeoutMs?: number;
  /** The inspecting commands only read: nothing is created. @default false */
  readonly?: boolean;
  /** Connections in the pool. @default 6 */
  max?: number;
}

/**
 * How long a transaction of buddy's may sit idle between its statements before the server ends
 * its session. buddy never waits between the statements of a transaction for more than its own
 * computing takes; a session idle for longer belongs to a process that is paused or hung, and the
 * rows it locked (a job, the mock state) would stall every other process until it woke up.
 */
const IDLE_IN_TRANSACTION_MS = 5000;

/** The first wait after a lost connection; each further wait doubles, up to BACKOFF_MAX_MS. */
const BACKOFF_FIRST_MS = 50;
const BACKOFF_MAX_MS = 2000;
/**
 * A statement the server chose as a deadlock's victim (or a serialization failure) was rolled
 * back whole, and runs again after CONFLICT_WAIT_MS × its tries; the other side has gone on by
 * then. The backend is reachable meanwhile: no outage, and no `--backend-timeout`.
 */
const CONFLICT_TRIES = 20;
const CONFLICT_WAIT_MS = 5;

/** The URL as messages name it: without a password, and without query parameters that may hold one. */
function backendLocation(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/** Whether `url` names a PostgreSQL backend, as `--backend` takes it. */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

export class PostgresConnection {
  readonly sql!: SQL;
  readonly location: string;
  readonly timeoutMs: number;
  /** Closed by this process: a call still riding out a lost connection gives up at once. */
  #closed = false;
  /**
   * Since when no call has reached the backend, while none has since: the outage is the
   * process's, not each call's, so once it lasts `timeoutMs` every call gives up at once.
   */
  #downSince: number | undefined;
  #losses = 0;

  constructor(url: string, options: PostgresOptions) {
    this.location = backendLocation(url);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    try {
      this.sql = new SQL(url, {
        max: options.max ?? 6,
        // A connection attempt that hangs (a server that does not answer) counts as unreachable.
        connectionTimeout: Math.max(1, Math.ceil(Math.min(this.timeoutMs, 10_000) / 1000)),
        idleTimeout: 60,
        connection: { application_name: "buddy", idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS },
      });
    } catch (error) {
      // The client refused the URL itself (a bad parameter, a bad escape): the user's to fix.
      const why = error instanceof Error ? error.message.split(url).join(this.location) : "it cannot be parsed";
      throw new BuddyError("USAGE", `--backend ${this.location} is not a PostgreSQL URL buddy can use: ${oneLine(why)}`);
    }
  }

  /**
   * Runs `fn`, again after a lost connection, until it succeeds or the backend has been
   * unreachable for `timeoutMs`, and again when the server rolled it back as a deadlock's victim.
   * `fn` must be safe to run again when a lost connection leaves unknown whether its transaction
   * committed (apply.ts makes every batch so).
   */
  async attempt<T>(what: string, fn: (sql: SQL) => Promise<T>): Promise<T> {
    let wait = BACKOFF_FIRST_MS;
    let conflicts = 0;
    for (;;) {
      try {
        const result = await fn(this.sql);
        this.#downSince = undefined;
        return result;
      } catch (error) {
        if (isConflict(error) && ++conflicts < CONFLICT_TRIES && !this.#closed) {
          await Bun.sleep(CONFLICT_WAIT_MS * conflicts);
          continue;
        }
        if (!isConnectionLoss(error) || this.#closed) throw this.error(what, error);
        this.#losses++;
        this.#downSince ??= Date.now();
        const down = Date.now() - this.#downSince;
        if (down >= this.timeoutMs) {
          throw new BuddyError("STORE", `backend ${this.location} unreachable for ${Math.round(down / 1000)} s (--backend-timeout ${Math.round(this.timeoutMs / 1000)} s): ${oneLine(error)}`, { cause: error, retryable: false });
        }
        await Bun.sleep(Math.min(wait, this.timeoutMs - down));
        wait = Math.min(wait * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** Connections to the backend lost so far, by any call of this process (each retried call counts once per loss). */
  get losses(): number {
    return this.#losses;
  }

  /** A failure as the STORE error the user sees; a BuddyError passes as is. */
  error(what: string, error: unknown): unknown {
    if (error instanceof BuddyError) return error;
    if (error instanceof SQL.SQLError || isConnectionLoss(error)) {
      return new BuddyError("STORE", `backend ${this.location}: ${what}: ${oneLine(error)}`, { cause: error });
    }
    return error;
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.sql.close({ timeout: 1 });
  }
}

/** Server error classes that mean "not now, try again": shutdown, crash, starting up (57P0x), connection (08). */
const RETRY_SQLSTATE = /^(57P0[1-3]|08\d\d\d)$/;

/** SQLSTATEs of a transaction rolled back for another's sake: deadlock detected, serialization failure. */
const CONFLICT_SQLSTATE = new Set(["40P01", "40001"]);

const isConflict = (error: unknown) => typeof error === "object" && error !== null && CONFLICT_SQLSTATE.has((error as { errno?: unknown }).errno as string);

/** The connection went away, or none could be made: the server may come back. */
function isConnectionLoss(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof errno === "string" && RETRY_SQLSTATE.test(errno)) return true;
  if (typeof code !== "string") return false;
  // Bun's own codes for a connection that failed or went away (refused, closed, timed out).
  return /^ERR_POSTGRES_(CONNECTION|IDLE_TIMEOUT|LIFETIME_TIMEOUT|SOCKET)/.test(code) || SOCKET_CODES.has(code);
}

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ConnectionRefused", "ConnectionClosed"]);

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
