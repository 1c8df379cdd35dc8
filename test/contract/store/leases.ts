/**
 * Contract: run leases and fenced commits (SPEC 9.1, 11). One holder at a time; a live holder is
 * named to the second claimant; a dead or silent one is taken over with a larger token; once
 * taken over, the old holder can neither commit, nor renew, nor release the new holder's lease.
 */
import { describe, expect, test } from "bun:test";
import type { LeaseClaim, LeaseHolder, Store } from "../../../src/store";
import { ingest, newRun, task } from "./data";
import { states, taskFinal } from "./task-shape";
import { expectBuddyError, freshStore, type MakeStoreFixture } from "./fixtures";

function holder(name: string, pid: number): LeaseHolder {
  return { owner: `${name}-${crypto.randomUUID()}`, host: `host-${name}`, pid, process_started: `boot:${pid}` };
}

const LONG = 60_000;
const claim = (h: LeaseHolder, dead = false, period_ms = LONG): LeaseClaim => ({ holder: h, period_ms, holderIsDead: () => dead });

async function runWithTasks(store: Store, n: number): Promise<string> {
  const run = newRun();
  await ingest(store, run, Array.from({ length: n }, (_, i) => task(i)));
  return run.run_id;
}


export function leasesContract(make: MakeStoreFixture): void {
  describe("leases", () => {
    const fresh = freshStore(make, "leases");

    test("a free run is leased with token 1; a second claimant is refused, naming the holder's host and pid", async () => {
      const id = await runWithTasks(fresh.store, 1);
      const a = holder("a", 111);
      const grant = await fresh.store.acquireLease(id, claim(a));
      expect(grant).toEqual({ lease: { run_id: id, owner: a.owner, token: 1 }, took_over: null });
      expect(await fresh.store.currentLease(id)).toMatchObject({ run_id: id, token: 1, ...a });

      const other = await fresh.another();
      const seen: unknown[] = [];
      const refused = await expectBuddyError(
        () => other.acquireLease(id, { holder: holder("b", 222), period_ms: LONG, holderIsDead: (row) => (seen.push(row), false) }),
        "STORE",
      );
      expect(refused.message).toContain("pid 111");
      expect(refused.message).toContain("host-a");
      // The claimant judged the holder from its stored row.
      expect(seen).toEqual([expect.objectContaining({ owner: a.owner, host: "host-a", pid: 111, process_started: "boot:111" })]);
      expect((await other.currentLease(id))?.owner).toBe(a.owner);
    });

    test("two claimants at once: exactly one wins, and the other is told who", async () => {
      const id = await runWithTasks(fresh.store, 1);
      const other = await fresh.another();
      const a = holder("a", 1);
      const b = holder("b", 2);
      const outcomes = await Promise.allSettled([
        fresh.store.acquireLease(id, claim(a)),
        other.acquireLease(id, claim(b)),
      ]);
      const won = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
      const lost = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as Error] : []));
      expect(won.map((g) => g.lease.token)).toEqual([1]);
      const winner = won[0]!.lease.owner === a.owner ? a : b;
      expect(lost.length).toBe(1);
      expect(lost[0]?.message).toContain(`pid ${winner.pid} on host ${winner.host}`);
      expect((await other.currentLease(id))?.owner).toBe(winner.owner);
    });

    test("a claimant is asked whether the holder is dead only when there is a holder", async () => {
      const id = await runWithTasks(fresh.store, 1);
      let asked = 0;
      const first = await fresh.store.acquireLease(id, { holder: holder("a", 1), period_ms: LONG, holderIsDead: () => (asked++, true) });
      expect(asked).toBe(0);
      await fresh.store.releaseLease(first.lease);
      await fresh.store.acquireLease(id, { holder: holder("b", 2), period_ms: LONG, holderIsDead: () => (asked++, true) });
      expect(asked).toBe(0);
    });

    test("the holder's fenced commits apply and renew the heartbeat", async () => {
      const id = await runWithTasks(fresh.store, 2);
      const { lease } = await fresh.store.acquireLease(id, claim(holder("a", 1)));
      const before = (await fresh.store.currentLease(id))!.heartbeat_at;
      await Bun.sleep(5);
      await fresh.store.apply([taskFinal(id, "task-0")], lease);
      expect(await states(fresh.store, id)).toEqual(["succeeded", "pending"]);
      expect((await fresh.store.currentLease(id))!.heartbeat_at).toBeGreaterThan(before);
      await fresh.store.renewLease(lease);
    });

    test("renewing moves only the heartbeat; an empty fenced batch renews too", async () => {
      const id = await runWithTasks(fresh.store, 1);
      const { lease } = await fresh.store.acquireLease(id, claim(holder("a", 1)));
      const acquired = (await fresh.store.currentLease(id))!;
      expect(acquired.heartbeat_at).toBe(acquired.acquired_at);
      await Bun.sleep(5);
      await fresh.store.renewLease(lease);
      const renewed = (await fresh.store.currentLease(id))!;
      expect(renewed).toMatchObject({ token: 1, owner: lease.owner, acquired_at: acquired.acquired_at });
      expect(renewed.heartbeat_at).toBeGreaterThan(acquired.heartbeat_at);
      await Bun.sleep(5);
      await fresh.store.apply([], lease);
      expect((await fresh.store.currentLease(id))!.heartbeat_at).toBeGreaterThan(renewed.heartbeat_at);
    });

    test("a released lease can no longer renew nor commit, even an empty batch", async () => {
      const id = await runWithTasks(fresh.store, 1);
      const { lease } = await fresh.store.acquireLease(id, claim(holder("a", 1)));
      await fresh.store.releaseLease(lease);
      await fresh.store.releaseLease(lease); // a second release changes nothing
      await expectBuddyError(() => fresh.store.renewLease(lease), "STORE");
      await expectBuddyError(() => fresh.store.apply([], lease), "STORE");
      await expectBuddyError(() => fresh.store.apply([taskFinal(id, "task-0")], lease), "STORE");
      expect(await states(fresh.store, id)).toEqual(["pending"]);
      expect(await fresh.store.currentLease(id)).toBeUndefined();
    });

    test("a dead holder is taken over with a larger token; its commits, renewals and release are refused or ignored", async () => {
      const id = await runWithTasks(fresh.store, 2);
      const a = holder("a", 1);
      const old = (await fresh.store.acquireLease(id, claim(a))).lease;
      const other = await fresh.another();
      const b = holder("b", 2);
      const grant = await other.acquireLease(id, claim(b, true));
      expect(grant.lease.token).toBe(2);
      expect(grant.took_over).toMatchObject({ owner: a.owner, pid: 1, token: 1 });

      // The whole batch is refused, not only its first write.
      const lost = await expectBuddyError(() => fresh.store.apply([taskFinal(id, "task-0"), taskFinal(id, "task-1")], old), "STORE");
      expect(lost.message).toContain("pid 2");
      expect(await states(other, id)).toEqual(["pending", "pending"]);
      await expectBuddyError(() => fresh.store.renewLease(old), "STORE");
      await fresh.store.releaseLease(old);
      expect((await other.currentLease(id))?.owner).toBe(b.owner);
      await other.apply([taskFinal(id, "task-1")], grant.lease);
      expect(await states(fresh.store, id)).toEqual(["pending", "succeeded"]);
    });

    test("a holder silent for longer than the lease period is taken over although not known dead", async () => {
      const id = await runWithTasks(fresh.store, 1);
      const old = (await fresh.store.acquireLease(id, claim(holder("a", 1)))).lease;
      const other = await fresh.another();
      await expectBuddyError(() => other.acquireLease(id, claim(holder("b", 2), false, LONG)), "STORE");
      await Bun.sleep(30);
      const grant = await other.acquireLease(id, claim(holder("b", 2), false, 10));
      expect(grant.lease.token).toBe(2);
      await expectBuddyError(() => fresh.store.apply([taskFinal(id, "task-0")], old), "STORE");
      expect(await states(other, id)).toEqual(["pending"]);
    });

    test("a released lease is free at once, and the next token is still larger: a token is never reused", async () => {
      const id = await runWithTasks(fresh.store, 1);
      const first = (await fresh.store.acquireLease(id, claim(holder("a", 1)))).lease;
      await fresh.store.releaseLease(first);
      expect(await fresh.store.currentLease(id)).toBeUndefined();
      const second = await (await fresh.another()).acquireLease(id, claim(holder("b", 2)));
      expect(second).toMatchObject({ lease: { token: 2 }, took_over: null });
      await expectBuddyError(() => fresh.store.apply([taskFinal(id, "task-0")], first), "STORE");
      // The same process claiming again after its release gets a new token too.
      const other = await fresh.another();
      await other.releaseLease(second.lease);
      expect((await fresh.store.acquireLease(id, { ...claim(holder("a", 1)) })).lease.token).toBe(3);
    });

    test("leases are per run; an unknown run cannot be leased", async () => {
      const one = await runWithTasks(fresh.store, 1);
      const two = await runWithTasks(fresh.store, 1);
      await fresh.store.acquireLease(one, claim(holder("a", 1)));
      const other = await fresh.another();
      expect((await other.acquireLease(two, claim(holder("b", 2)))).lease.token).toBe(1);
      await expectBuddyError(() => other.acquireLease("no-such-run", claim(holder("b", 2))), "STORE");
      expect(await other.currentLease("no-such-run")).toBeUndefined();
    });

    test("unfenced writes (ingest, tests) still apply; a fenced write for a run never leased is refused", async () => {
      const id = await runWithTasks(fresh.store, 1);
      await expectBuddyError(() => fresh.store.apply([taskFinal(id, "task-0")], { run_id: id, owner: "nobody", token: 1 }), "STORE");
      expect(await states(fresh.store, id)).toEqual(["pending"]);
      await fresh.store.apply([taskFinal(id, "task-0")]);
      expect(await states(fresh.store, id)).toEqual(["succeeded"]);
    });
  });
}
