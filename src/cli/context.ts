/** What commands share: where the store is, how to start an executor, the real clock. */
import { resolve } from "node:path";
import { flagError } from "../config";
import { BuddyError, noSuchRun, systemClock, type Deps, type Logger } from "../core";
import { EXECUTOR_ARG } from "../executor";
import { isPostgresUrl, openStore, type Store } from "../store";
import { warn } from "./io";

export interface GlobalArgs {
  db?: string;
  backend?: string;
  "backend-timeout"?: unknown;
  quiet?: boolean;
}

/** `--db`, else `BUDDY_DB`, else `.buddy/buddy.db` under the working directory. */
function dbPath(args: GlobalArgs): string {
  // An empty value counts as unset, as shells make it easy to export one by accident.
  return resolve(args.db || process.env.BUDDY_DB || ".buddy/buddy.db");
}

/**
 * `--backend`, else `BUDDY_BACKEND`: the PostgreSQL server that coordinates many machines
 * (SPEC 11); undefined means the local SQLite store.
 */
export function backendUrl(args: GlobalArgs): string | undefined {
  const url = args.backend || process.env.BUDDY_BACKEND || undefined;
  if (url !== undefined && !isPostgresUrl(url)) {
    // Only the scheme is echoed: the rest of a URL may hold a password.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "no scheme";
    throw new BuddyError("USAGE", `--backend takes a postgres:// or postgresql:// URL (got ${scheme})`);
  }
  return url;
}

/** Where the store is: the backend's URL, else the SQLite file. */
export const storeLocation = (args: GlobalArgs): string => backendUrl(args) ?? dbPath(args);

/** `--backend-timeout` seconds: how long the backend may be unreachable before a command gives up (SPEC 11). */
function backendTimeoutMs(args: GlobalArgs): number {
  const seconds = args["backend-timeout"] ?? 60;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) throw flagError("--backend-timeout", "a number of seconds > 0", seconds);
  return Math.round(seconds * 1000);
}

export const openDb = (args: GlobalArgs): Promise<Store> => openStore(storeLocation(args), { timeoutMs: backendTimeoutMs(args) });

/** For the commands that only read: nothing is created, and a read-only file system works (SPEC 9.1). */
export const openReadOnlyDb = (args: GlobalArgs): Promise<Store> => openStore(storeLocation(args), { readonly: true, timeoutMs: backendTimeoutMs(args) });

/** The word that names the newest run wherever a RUN_ID is taken (SPEC 1). */
const LATEST = "latest";

/**
 * The run a RUN_ID argument names: `latest` is the newest run of the store. A run that does not
 * exist is a usage error, whichever command was given it.
 */
export async function runIdOf(store: Store, runId: string): Promise<string> {
  if (runId === LATEST) {
    const [newest] = await store.listRuns(1);
    if (!newest) throw new BuddyError("USAGE", `no run in ${store.location}, so \`latest\` names none`);
    return newest.run_id;
  }
  if (!(await store.getRun(runId))) throw noSuchRun(runId, store.location);
  return runId;
}

/**
 * `BUDDY_LEASE_MS`: how long a run's lease lives without a heartbeat before another process may
 * take it over (SPEC 9.1); unset, the harness default (30 s).
 */
export function leasePeriodMs(): number | undefined {
  const text = process.env.BUDDY_LEASE_MS;
  if (!text) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 100) {
    throw new BuddyError("USAGE", `BUDDY_LEASE_MS must be a whole number of milliseconds, at least 100 (got ${JSON.stringify(text)})`);
  }
  return ms;
}

/**
 * The command that starts this same program in executor mode. A compiled binary is its own
 * entry point; under `bun src/cli/main.ts` the script must be named too.
 */
export function executorCommand(): string[] {
  return Bun.isStandaloneExecutable ? [process.execPath, EXECUTOR_ARG] : [process.execPath, Bun.main, EXECUTOR_ARG];
}

function logger(args: GlobalArgs): Logger {
  return args.quiet ? { info: () => {}, warn: () => {} } : { info: warn, warn };
}

export const deps = (args: GlobalArgs): Deps => ({ clock: systemClock, logger: logger(args) });

/**
 * yargs-parser reads a lone "-" as an empty flag, but for buddy it means stdin; main.ts hands it
 * to yargs under this name, and commands turn it back with `inputArg`.
 */
export const STDIN_ARG = "\u0000stdin";
export const inputArg = (value: string) => (value === STDIN_ARG ? "-" : value);
