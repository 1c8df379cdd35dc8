/**
 * The `run_leases` table: which process executes a run (SPEC 9.1). Acquiring runs in one
 * IMMEDIATE transaction, so of two processes racing for a run exactly one sees the lease free;
 * the fencing token grows on every acquisition, and a fenced commit checks owner and token in
 * its own transaction, so a holder that lost its lease can never commit again. Heartbeat times
 * are this store's clock (for PostgreSQL it will be the server's, so hosts' clocks need not agree).
 */
import type { Database } from "bun:sqlite";
import { BuddyError } from "../../core";
import { heldMessage, lostLeaseError } from "../lease-messages";
import type { Lease, LeaseClaim, LeaseGrant, LeaseRow } from "../types";

type HeldRow = LeaseRow;

const COLUMNS = "run_id, token, owner, host, pid, process_started, acquired_at, heartbeat_at";

export function leaseStatements(db: Database, location: string) {
  const now = () => Date.now();
  const runExists = db.prepare<{ one: number }, [string]>("SELECT 1 AS one FROM runs WHERE run_id = ?");
  const current = db.prepare<HeldRow, [string]>(`SELECT ${COLUMNS} FROM run_leases WHERE run_id = ? AND owner IS NOT NULL`);
  const take = db.prepare<{ token: number }, [string, string, string, number, string | null, number, number]>(
    `INSERT INTO run_leases (run_id, token, owner, host, pid, process_started, acquired_at, heartbeat_at)
     VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (run_id) DO UPDATE SET token = token + 1, owner = ?2, host = ?3, pid = ?4,
       process_started = ?5, acquired_at = ?6, heartbeat_at = ?7
     RETURNING token`,
  );
  const renew = db.prepare<void, [number, string, string, number]>(
    "UPDATE run_leases SET heartbeat_at = ? WHERE run_id = ? AND owner = ? AND token = ?",
  );
  const release = db.prepare<void, [string, string, number]>(
    `UPDATE run_leases SET owner = NULL, host = NULL, pid = NULL, process_started = NULL, heartbeat_at = NULL
     WHERE run_id = ? AND owner = ? AND token = ?`,
  );

  const acquire = db.transaction((run_id: string, claim: LeaseClaim): LeaseGrant => {
    if (runExists.get(run_id) === null) throw new BuddyError("STORE", `run ${run_id} is not in the store ${location}`);
    const held = current.get(run_id);
    const at = now();
    if (held !== null && at - held.heartbeat_at <= claim.period_ms && !claim.holderIsDead(held)) {
      throw new BuddyError("STORE", heldMessage(held, at));
    }
    const { owner, host, pid, process_started } = claim.holder;
    const { token } = take.get(run_id, owner, host, pid, process_started, at, at)!;
    return { lease: { run_id, owner, token }, took_over: held };
  });

  const lost = (lease: Lease): BuddyError => lostLeaseError(lease, current.get(lease.run_id) ?? undefined);

  return {
    acquire: (run_id: string, claim: LeaseClaim): LeaseGrant => acquire.immediate(run_id, claim),
    /** Renews `lease`, or throws when it is no longer current. Inside a transaction, it is the fence. */
    check(lease: Lease): void {
      if (renew.run(now(), lease.run_id, lease.owner, lease.token).changes === 0) throw lost(lease);
    },
    release(lease: Lease): void {
      release.run(lease.run_id, lease.owner, lease.token);
    },
    current: (run_id: string): LeaseRow | undefined => current.get(run_id) ?? undefined,
  };
}

export type LeaseStatements = ReturnType<typeof leaseStatements>;
