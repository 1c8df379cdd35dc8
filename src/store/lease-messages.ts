/** What a lease refusal says, the same on every backend (SPEC 9.1). */
import { BuddyError } from "../core";
import type { Lease, LeaseRow } from "./types";

/** A claimant refused: who holds the run, and how long ago it was last heard from. */
export function heldMessage(held: LeaseRow, at: number): string {
  const ago = Math.max(0, (at - held.heartbeat_at) / 1000).toFixed(1);
  return `run ${held.run_id} is being executed by another process: pid ${held.pid} on host ${held.host} (last heartbeat ${ago} s ago); wait for it to end or stop it, then resume`;
}

/** A holder whose lease is gone: released, or taken over by `now`. */
export function lostLeaseError(lease: Lease, now: LeaseRow | undefined): BuddyError {
  const by = now === undefined ? "its lease was released" : `it was taken over by pid ${now.pid} on host ${now.host} (lease token ${now.token})`;
  return new BuddyError("STORE", `run ${lease.run_id} is no longer this process's to execute: ${by}; stopping without reporting more`);
}
