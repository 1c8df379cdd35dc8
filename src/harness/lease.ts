/**
 * A run is executed by one process at a time (SPEC 9.1): the process holds the run's lease in
 * the store, renews it by heartbeat (and with every commit, which is fenced by it), and
 * releases it when it ends. A second process exits 4 naming the holder; a holder that is dead
 * is taken over at once, one that has gone silent after a lease period.
 *
 * Dead is decided only where it can be known, on this host in this pid namespace: the
 * holder's pid is gone, is a zombie, or belongs to a process that started at another time
 * (the pid was reused). A holder elsewhere (another host, container or boot) is judged by its
 * heartbeat alone.
 */
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import type { Logger } from "../core";
import type { Lease, LeaseHolder, LeaseRow, Store } from "../store";

/**
 * A lease without a heartbeat for this long is taken over. Heartbeats go out every third of it,
 * and every commit renews it too.
 * @default 30000
 */
export const DEFAULT_LEASE_PERIOD_MS = 30_000;

let me: LeaseHolder | undefined;
/** This process as a lease holder; one owner id per process. */
function self(): LeaseHolder {
  me ??= { owner: crypto.randomUUID(), host: hostname(), pid: process.pid, process_started: processStarted(process.pid) };
  return me;
}

/** The `process_started` of a process on this host, as a holder would record it; null if unknown. */
export const processStarted = (pid: number): string | null => processStart(pid)?.started ?? null;

export interface HeldLease {
  readonly lease: Lease;
  /** Renews the lease every third of its period; `onLost` gets the error once it is gone. */
  startHeartbeat(onLost: (error: unknown) => void): void;
  /** Stops the heartbeat and frees the lease. Never rejects: it sits in a `finally`. */
  release(): Promise<void>;
}

export async function acquireRunLease(store: Store, run_id: string, periodMs: number, logger: Logger): Promise<HeldLease> {
  const { lease, took_over } = await store.acquireLease(run_id, { holder: self(), period_ms: periodMs, holderIsDead });
  if (took_over !== null) {
    logger.info(`run ${run_id}: took over the lease of pid ${took_over.pid} on host ${took_over.host}, which ${holderIsDead(took_over) ? "is gone" : `sent no heartbeat for ${periodMs} ms`}`);
  }
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    lease,
    startHeartbeat(onLost) {
      let renewing = false;
      timer = setInterval(() => {
        // A renewal still waiting on the store is not doubled up.
        if (renewing) return;
        renewing = true;
        store
          .renewLease(lease)
          .catch((error: unknown) => {
            // A store busy for a moment is not a lost lease; the next commit will tell.
            if (isRetryable(error)) return;
            clearInterval(timer);
            onLost(error);
          })
          .finally(() => {
            renewing = false;
          });
      }, Math.max(10, Math.floor(periodMs / 3)));
      // The heartbeat alone must not keep a finished process alive.
      timer.unref?.();
    },
    async release() {
      clearInterval(timer);
      try {
        await store.releaseLease(lease);
      } catch (error) {
        // The store is gone or broken: the lease dies with its heartbeat, a resume takes it over.
        logger.warn(`run ${run_id}: could not release its lease: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

const isRetryable = (error: unknown) => typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;

/** Whether the holder is known to be dead: only a holder in this host's pid namespace can be. */
export function holderIsDead(holder: LeaseRow | LeaseHolder): boolean {
  const me = self();
  if (holder.host !== me.host) return false;
  if (holder.process_started !== null && me.process_started !== null) {
    const [theirBoot, theirSpace] = spaceOf(holder.process_started);
    const [myBoot, mySpace] = spaceOf(me.process_started);
    // The machine has rebooted since: every process of that boot is gone.
    if (theirBoot !== myBoot) return true;
    // Another pid namespace (a container sharing the file and the host name): its pids mean
    // nothing here, so only its heartbeat can tell.
    if (theirSpace !== mySpace) return false;
  }
  // Our own pid under another owner id: the holder was an earlier process with this pid.
  if (holder.pid === me.pid) return holder.owner !== me.owner;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the pid exists, under another user; only ESRCH says it is gone.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  const now = processStart(holder.pid);
  if (now === null) return false; // no /proc to ask: the pid is alive, so the holder may be
  if (now.zombie) return true;
  return holder.process_started !== null && now.started !== holder.process_started;
}

/** The boot id and the pid namespace of a `process_started` value ("BOOT:NS/TICKS"). */
function spaceOf(started: string): [string, string] {
  const space = started.slice(0, started.lastIndexOf("/"));
  const colon = space.indexOf(":");
  return colon < 0 ? [space, ""] : [space.slice(0, colon), space.slice(colon + 1)];
}

/**
 * When a process started, from /proc (Linux): boot id, pid namespace, and the start time in
 * clock ticks since boot (field 22 of /proc/PID/stat), so neither a reused pid nor a reboot
 * looks like the same process. Null where there is no /proc.
 */
function processStart(pid: number): { started: string; zombie: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0] ?? "";
    const ticks = fields[19] ?? "";
    return { started: `${space()}/${ticks}`, zombie: state === "Z" || state === "X" };
  } catch {
    return null;
  }
}

let cachedSpace: string | undefined;
/** This boot of this machine, and this process's pid namespace. */
function space(): string {
  cachedSpace ??= `${readOr("/proc/sys/kernel/random/boot_id")}:${linkOr("/proc/self/ns/pid")}`;
  return cachedSpace;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

function linkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}
