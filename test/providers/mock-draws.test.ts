/** The mocks' randomness (error injection, ids) and their state across a resume. */
import { describe, expect, test } from "bun:test";
import { BuddyError } from "../../src/core";
import { createMockProviders, FAULTS, type ProviderCall, type Providers } from "../../src/providers";

const contact = (i: number) => ({ first_name: `F${i}`, last_name: `L${i}`, email: `p${i}@example.com` });

/** Independent calls of several tasks: each task touches only its own contacts. */
function workload(): ProviderCall[] {
  const calls: ProviderCall[] = [];
  for (let t = 0; t < 6; t++) {
    const task_id = `task-${t}`;
    calls.push({ provider: "ghl", method: "createContact", args: [contact(t)], task_id, attempt: 1, seq: 0 });
    calls.push({ provider: "msgraph", method: "sendEmail", args: [{ to: [`p${t}@example.com`], subject: "s", body: "b" }], task_id, attempt: 1, seq: 1 });
    calls.push({ provider: "mployer", method: "login", args: [{ email: "a@b.co", password: "x" }], task_id, attempt: 2, seq: 0 });
  }
  return calls;
}

/** `count` of `n` is within 30 % of `rate` (3 sigma at n = 10 000; the draws are seeded, so this cannot flake). */
function expectRate(count: number | undefined, n: number, rate: number) {
  expect(count ?? 0).toBeGreaterThan(n * rate * 0.7);
  expect(count ?? 0).toBeLessThan(n * rate * 1.3);
}

async function answers(p: Providers, calls: ProviderCall[]) {
  const out = new Map<string, unknown>();
  for (const c of calls) out.set(`${c.task_id}/${c.method}`, await p.call(c));
  return out;
}

/** Outcomes of `n` calls of one method, each at its own coordinates. */
async function tally(p: Providers, provider: string, method: string, args: unknown[], n: number) {
  const counts: Record<string, number> = {};
  let retryAfter: number | undefined;
  for (let i = 0; i < n; i++) {
    const r = await p.call({ provider: provider as never, method, args, task_id: `t${i}`, attempt: 1, seq: 0 });
    const key = r.ok ? "ok" : String(r.error.status);
    counts[key] = (counts[key] ?? 0) + 1;
    if (!r.ok && r.error.status === 429) retryAfter = r.error.retry_after;
  }
  return { counts, retryAfter };
}

describe("determinism", () => {
  test("the same seed gives the same answers whatever order the calls arrive in", async () => {
    const calls = workload();
    const forward = await answers(createMockProviders({ seed: 11 }), calls);
    const backward = await answers(createMockProviders({ seed: 11 }), [...calls].reverse());
    expect(backward).toEqual(forward);
    const other = await answers(createMockProviders({ seed: 12 }), calls);
    expect(other).not.toEqual(forward);
  });

  test("ids do not depend on the error rate", async () => {
    const create = (errorRate: number) =>
      createMockProviders({ seed: 5, errorRate }).call({ provider: "ghl", method: "createContact", args: [contact(1)], task_id: "t", attempt: 1, seq: 3 });
    const [quiet, loud] = await Promise.all([create(0), create(1)]);
    expect(quiet).toEqual(loud);
  });

  test("the same coordinates twice (a re-run attempt) still get a fresh id", async () => {
    const p = createMockProviders({ seed: 5, errorRate: 0 });
    const c: ProviderCall = { provider: "ghl", method: "createContact", args: [contact(1)], task_id: "t", attempt: 1, seq: 0 };
    const a = (await p.call(c)) as any;
    const b = (await p.call(c)) as any;
    expect(a.value.contact_id).not.toBe(b.value.contact_id);
  });
});

describe("error injection", () => {
  test("the originals' rates, statuses and retry_after, scaled by the error rate", async () => {
    const n = 10_000;
    const p = createMockProviders({ seed: 1 });
    const login = await tally(p, "mployer", "login", [{ email: "a@b.co", password: "x" }], n);
    expectRate(login.counts["401"], n, 0.05);
    const send = await tally(p, "msgraph", "sendEmail", [{ to: ["a@example.com"], subject: "", body: "" }], n);
    expectRate(send.counts["408"], n, 0.02);
    expectRate(send.counts["429"], n, 0.01);
    expect(send.retryAfter).toBe(300);
    const create = await tally(p, "ghl", "createContact", [contact(1)], n);
    expectRate(create.counts["429"], n, 0.03);
    expect(create.retryAfter).toBe(60);

    const doubled = await tally(createMockProviders({ seed: 1, errorRate: 2 }), "mployer", "login", [{ email: "a@b.co", password: "x" }], n);
    expectRate(doubled.counts["401"], n, 0.1);
    expect(doubled.counts["401"]!).toBeGreaterThan(login.counts["401"]!);
  });

  test("error rate 0 injects nothing; validation errors still happen", async () => {
    const p = createMockProviders({ seed: 1, errorRate: 0 });
    const id = ((await p.call({ provider: "ghl", method: "createContact", args: [contact(0)], task_id: "setup", attempt: 1, seq: 0 })) as any).value.contact_id;
    const valid: Record<string, unknown[]> = {
      "mployer.login": [{ email: "a@b.co", password: "x" }],
      "mployer.searchContacts": [{}],
      "ghl.createContact": [contact(1)],
      "ghl.searchContact": [{ email: "p1@example.com" }],
      "ghl.updateContact": [id, { job_title: "CFO" }],
      "msgraph.sendEmail": [{ to: ["a@example.com"] }],
      "msgraph.searchMessages": ["budget"],
    };
    expect(Object.keys(valid).sort()).toEqual(Object.keys(FAULTS).sort());
    for (const [key, args] of Object.entries(valid)) {
      const [provider, method] = key.split(".") as [string, string];
      for (let i = 0; i < 300; i++) {
        const c = { task_id: `t${i}`, attempt: 1 };
        // Mployer search needs the task's own session.
        await p.call({ provider: "mployer", method: "login", args: [{ email: "a@b.co", password: "x" }], ...c, seq: 0 });
        const r = await p.call({ provider: provider as never, method, args, ...c, seq: 1 });
        expect(r.ok ? "ok" : `${key}: ${r.error.status}`).toBe("ok");
      }
    }
    const bad = await p.call({ provider: "msgraph", method: "sendEmail", args: [{ to: [] }], task_id: "t", attempt: 1, seq: 0 });
    expect(bad.ok ? null : bad.error.status).toBe(400);
  });

  test("a negative or non-numeric error rate is refused", () => {
    expect(() => createMockProviders({ seed: 1, errorRate: -1 })).toThrow(BuddyError);
    expect(() => createMockProviders({ seed: 1, errorRate: Number.NaN })).toThrow(BuddyError);
  });
});

describe("state across a resume", () => {
  test("a snapshot restores contacts, mailbox and sessions", async () => {
    const first = createMockProviders({ seed: 9, errorRate: 0 });
    const call = (p: Providers, provider: string, method: string, args: unknown[], seq: number, task_id = "t") =>
      p.call({ provider: provider as never, method, args, task_id, attempt: 1, seq }) as Promise<any>;
    const created = (await call(first, "ghl", "createContact", [contact(1)], 0)).value;
    const inbox = (await call(first, "msgraph", "getMessages", [{}], 1)).value;
    await call(first, "msgraph", "deleteMessage", [inbox.messages[0].id], 2);
    await call(first, "mployer", "login", [{ email: "a@b.co", password: "x" }], 0, "researcher");

    // Through JSON, as the store keeps it.
    const stored = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = createMockProviders({ seed: 9, errorRate: 0, state: stored });
    expect((await call(resumed, "ghl", "getContact", [created.contact_id], 3)).value.data).toEqual(created.data);
    expect((await call(resumed, "msgraph", "getMessages", [{}], 4)).value.total_count).toBe(4);
    expect((await call(resumed, "mployer", "searchContacts", [{}], 1, "researcher")).ok).toBe(true);
    expect(resumed.snapshot()).toEqual(first.snapshot());
  });

  test("a snapshot is a copy, and its contact order does not depend on arrival order", async () => {
    const make = async (order: number[]) => {
      const p = createMockProviders({ seed: 2, errorRate: 0 });
      for (const i of order) await p.call({ provider: "ghl", method: "createContact", args: [contact(i)], task_id: `t${i}`, attempt: 1, seq: 0 });
      return p;
    };
    const a = await make([1, 2, 3]);
    const b = await make([3, 1, 2]);
    expect(JSON.stringify(a.snapshot())).toBe(JSON.stringify(b.snapshot()));
    const snap = a.snapshot() as any;
    snap.ghl.contacts.length = 0;
    expect((a.snapshot() as any).ghl.contacts).toHaveLength(3);
  });

  test("a snapshot that does not fit the schema is a store error", () => {
    expect(() => createMockProviders({ seed: 1, state: { version: 1, ghl: {} } })).toThrow(/provider mock state is not valid/);
    const thrown = (() => {
      try {
        createMockProviders({ seed: 1, state: "garbage" });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(BuddyError);
    expect((thrown as BuddyError).code).toBe("STORE");
  });
});
