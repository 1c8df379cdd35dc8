/**
 * Run leases on PostgreSQL (SPEC 9.1, 11): the same contract as SQLite's, timed by the server's
 * clock. Acquiring locks the run's row first, so of two claimants racing for a run the second
 * waits for the first's commit and then sees its lease; the token grows on every acquisition and
 * a fenced commit checks owner and token under the lease row's lock (apply.ts).
 */
import type { SQL, TransactionSQL } from "bun";
import { BuddyError } from "../../core";
import { heldMessage, lostLeaseError } from "../lease-messages";
import type { Lease, LeaseClaim, LeaseGrant } from "../types";
import { NOW_MS } from "./migrations";
import { currentLease } from "./reads";

/**
 * @param again this is a second try after a lost connection: a lease held by this very owner is
 * then the one the first try took (its commit landed unseen), and is taken again.
 */
export async function acquireLease(sql: SQL, location: string, run_id: string, claim: LeaseClaim, again: boolean): Promise<LeaseGrant> {
  return sql.begin(async (tx) => {
    const [run] = await tx.unsafe("SELECT 1 AS one FROM runs WHERE run_id = $1 FOR UPDATE", [run_id]);
    if (run === undefined) throw new BuddyError("STORE", `run ${run_id} is not in the store ${location}`);
    const held = (await currentLease(tx, run_id)) ?? null;
    const [{ now }] = await tx.unsafe(`SELECT ${NOW_MS}::float8 AS now`);
    const ours = again && held?.owner === claim.holder.owner;
    if (held !== null && !ours && now - held.heartbeat_at <= claim.period_ms && !claim.holderIsDead(held)) {
      throw new BuddyError("STORE", heldMessage(held, now));
    }
    const { owner, host, pid, process_started } = claim.holder;
    const [row] = await tx.unsafe(
      `INSERT INTO run_leases (run_id, token, owner, host, pid, process_started, acquired_at, heartbeat_at)
       VALUES ($1, 1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (run_id) DO UPDATE SET token = run_leases.token + 1, owner = $2, host = $3, pid = $4,
         process_started = $5, acquired_at = $6, heartbeat_at = $6
       RETURNING token::float8 AS token`,
      [run_id, owner, host, pid, process_started, now],
    );
    return { lease: { run_id, owner, token: (row as { token: number }).token }, took_over: ours ? null : held };
  });
}

export async function renewLease(sql: SQL, lease: Lease): Promise<void> {
  const renewed = await sql.unsafe(`UPDATE run_leases SET heartbeat_at = ${NOW_MS} WHERE run_id = $1 AND owner = $2 AND token = $3`, [lease.run_id, lease.owner, lease.token]);
  if (renewed.count === 0) throw await lostLease(sql, lease);
}

export async function releaseLease(sql: SQL, lease: Lease): Promise<void> {
  await sql.unsafe(
    `UPDATE run_leases SET owner = NULL, host = NULL, pid = NULL, process_started = NULL, heartbeat_at = NULL
     WHERE run_id = $1 AND owner = $2 AND token = $3`,
    [lease.run_id, lease.owner, lease.token],
  );
}

/** The error of a holder whose lease is gone: who has it now, if anyone. */
export async function lostLease(sql: SQL | TransactionSQL, lease: Lease): Promise<BuddyError> {
  return lostLeaseError(lease, await currentLease(sql, lease.run_id));
}
