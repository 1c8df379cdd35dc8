/**
 * Attempts interleave in an executor (SPEC 5 "Where attempts run"): while one waits on a provider
 * answer, others run; each has its own engine, memory cap and deadline; when a stuck attempt's
 * executor is ended, the attempt that pays is the stuck one, and its neighbours run again,
 * uncharged.
 */
import { afterEach, expect, test } from "bun:test";
import { resolve } from "node:path";
import { silentLogger, systemClock } from "../../src/core";
import { ExecutorPool, EXECUTOR_ARG, KILL_GRACE_MS } from "../../src/executor";
import type { SandboxHost, SandboxRequest } from "../../src/sandbox";
import { liveChildren } from "./children";

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");
const pools: ExecutorPool[] = [];
/** One executor process: whatever interleaves, interleaves inside it. */
const oneExecutor = (logger = silentLogger) => {
  const p = new ExecutorPool({ size: 1, command: [process.execPath, MAIN, EXECUTOR_ARG], clock: systemClock, logger });
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const request = (id: string, code: string, over: Partial<SandboxRequest> = {}): SandboxRequest => ({
  code,
  inputJson: "null",
  task: { id, wave: 1, attempt: 1, agent_id: "agent_0" },
  timeoutMs: 5000,
  memoryMb: 64,
  randomSeed: 1,
  uses: ["ghl"],
  ...over,
});

const answer = (value: unknown) => JSON.stringify({ ok: true, value });
const CALL = "const found = await providers.ghl.getContact(task.id); return found;";
/** A native built-in that never polls the interrupt handler: only ending its process stops it. */
const STUCK = "return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 'x')";

/**
 * Answers every call with `value` of the id it got (the id itself by default), but only once
 * `count` calls are waiting at once: the i-th of them after `gapMs` × i. Counts the calls per id.
 */
function barrier(count: number, { value = (id: string): unknown => id, gapMs = 0 } = {}) {
  const waiting: (() => void)[] = [];
  const calls = new Map<string, number>();
  let most = 0;
  const host: SandboxHost = {
    call: (_provider, _method, argsJson) =>
      new Promise((done) => {
        const id = JSON.parse(argsJson)[0] as string;
        calls.set(id, (calls.get(id) ?? 0) + 1);
        waiting.push(() => done(answer(value(id))));
        most = Math.max(most, waiting.length);
        if (waiting.length === count) waiting.splice(0).forEach((release, i) => (gapMs === 0 ? release() : setTimeout(release, i * gapMs)));
      }),
  };
  return { host, calls, most: () => most };
}

/** Answers every call after `ms`, and counts the calls per task. */
function slowHost(ms: number) {
  const calls = new Map<string, number>();
  const host: SandboxHost = {
    call: async (_provider, _method, argsJson) => {
      const id = JSON.parse(argsJson)[0] as string;
      calls.set(id, (calls.get(id) ?? 0) + 1);
      await Bun.sleep(ms);
      return answer(id);
    },
  };
  return { host, calls };
}

test("attempts of one executor interleave while they wait on providers: 8 calls are waiting at once", async () => {
  const pool = oneExecutor();
  // No call is answered before all 8 are made: one attempt at a time would wait forever.
  const { host, most } = barrier(8);
  const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const outcomes = await Promise.all(ids.map((id) => pool.run(request(id, CALL), host)));
  expect(outcomes.map((o) => o.error ?? JSON.parse(o.resultJson!))).toEqual(ids);
  expect(most()).toBe(8);
});

test("a stuck attempt's executor kill re-queues its neighbours without charging them, and says so", async () => {
  const warnings: string[] = [];
  const pool = oneExecutor({ info: () => {}, warn: (m) => warnings.push(m) });
  const { host, calls } = slowHost(600);
  // Three attempts start and wait on their calls; then one gets stuck, and its alarm ends the executor.
  const neighbours = ["n1", "n2", "n3"].map((id) => pool.run(request(id, CALL), host));
  await Bun.sleep(100);
  const stuck = await pool.run(request("stuck", STUCK, { timeoutMs: 200, uses: [] }));
  expect(stuck.error?.code).toBe("TIMEOUT");
  expect(stuck.error?.message).toContain(`its executor was stopped ${KILL_GRACE_MS} ms later`);
  expect(stuck.durationMs).toBe(200 + KILL_GRACE_MS);
  // Each neighbour answers once, with success: its first start was lost with the executor, and
  // it ran again (its call was made twice) without an outcome for the lost start.
  const outcomes = await Promise.all(neighbours);
  expect(outcomes.map((o) => o.error ?? JSON.parse(o.resultJson!))).toEqual(["n1", "n2", "n3"]);
  expect(Object.fromEntries(calls)).toEqual({ n1: 2, n2: 2, n3: 2 });
  expect(warnings.filter((w) => w.includes("run again"))).toEqual([
    "an executor ended at another attempt's deadline; these attempts it held run again from the start, not charged (their provider calls are made again): n1#1, n2#1, n3#1",
  ]);
});

test("an executor that dies by itself holding several attempts charges none: each runs again alone; holding one, it costs AGENT_CRASH", async () => {
  const warnings: string[] = [];
  const pool = oneExecutor({ info: () => {}, warn: (m) => warnings.push(m) });
  const { host, calls } = slowHost(400);
  const waiting = ["d1", "d2", "d3"].map((id) => pool.run(request(id, CALL), host));
  // Killed once all three wait on their calls (answered after 400 ms), however slow their start.
  while (calls.size < 3) await Bun.sleep(5);
  const [first] = liveChildren();
  process.kill(first!, "SIGKILL");
  const outcomes = await Promise.all(waiting);
  expect(outcomes.map((o) => o.error ?? JSON.parse(o.resultJson!))).toEqual(["d1", "d2", "d3"]);
  expect(Object.fromEntries(calls)).toEqual({ d1: 2, d2: 2, d3: 2 });
  expect(warnings.filter((w) => w.includes("run again"))).toEqual([
    "an executor ended by itself; these attempts it held run again from the start, not charged (their provider calls are made again): d1#1, d2#1, d3#1",
  ]);
  // Alone now: its executor's death is its own.
  const alone = pool.run(request("d4", CALL), host);
  while (!calls.has("d4")) await Bun.sleep(5);
  for (const pid of liveChildren()) process.kill(pid, "SIGKILL");
  expect((await alone).error?.code).toBe("AGENT_CRASH");
});

test("an attempt that overran its deadline only because a neighbour held the thread is not charged: the stuck one is", async () => {
  const pool = oneExecutor();
  const { host, calls } = slowHost(50);
  // The waiting attempt's deadline comes first, while the stuck one holds the thread: the alarm
  // ends the executor for the waiting one, which is the victim. Both run again on their own.
  const waiting = pool.run(request("w", CALL, { timeoutMs: 300 }), host);
  await Bun.sleep(30);
  const stuck = pool.run(request("stuck", STUCK, { timeoutMs: 1000, uses: [] }));
  const [w, s] = await Promise.all([waiting, stuck]);
  expect(w.error).toBeUndefined();
  expect(JSON.parse(w.resultJson!)).toBe("w");
  expect(calls.get("w")).toBe(2);
  expect(s.error?.code).toBe("TIMEOUT");
  expect(s.durationMs).toBe(1000 + KILL_GRACE_MS);
});

test("an attempt kept off the thread by a neighbour's long computation keeps its own deadline", async () => {
  const pool = oneExecutor();
  const { host } = slowHost(50);
  // Answered after 50 ms, it waits for the thread until the neighbour's 1,150 ms are over:
  // that time is the neighbour's, so a 1,000 ms deadline still holds.
  const waiting = pool.run(request("w", CALL, { timeoutMs: 1000 }), host);
  await Bun.sleep(20);
  const busy = pool.run(request("busy", "const t = Date.now(); while (Date.now() - t < 1150) {} return 'done'", { timeoutMs: 5000, uses: [] }));
  const [w, b] = await Promise.all([waiting, busy]);
  expect([w.error?.code ?? JSON.parse(w.resultJson!), b.error?.code ?? JSON.parse(b.resultJson!)]).toEqual(["w", "done"]);
  // Its duration is its own time: not the neighbour's computation.
  expect(w.durationMs).toBeLessThan(1000);
});

test("more attempts than the thread can run at once, each computing after its call: every one keeps its deadline", async () => {
  const pool = oneExecutor();
  const { host } = barrier(12);
  // All 12 are answered together, then each computes 150 ms: the last waits 1.65 s for the thread.
  const code = "const found = await providers.ghl.getContact(task.id); const t = Date.now(); while (Date.now() - t < 150) {} return found;";
  const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
  const outcomes = await Promise.all(ids.map((id) => pool.run(request(id, code, { timeoutMs: 1000 }), host)));
  expect(outcomes.map((o) => o.error?.code ?? JSON.parse(o.resultJson!))).toEqual(ids);
});

test("answers that arrive one by one while others compute are read between two slices: no attempt is cut short", async () => {
  // Once all 12 have called, the answers come 60 ms apart while each answered attempt computes
  // 150 ms: the last is answered at 660 ms, so none overruns 1,000 ms of its own. Answers sent
  // while the thread is busy must be read before the next slice, not after all those already
  // woken (which once held them unread past a kill time: the executor was ended, calls made twice).
  for (let round = 0; round < 3; round++) {
    const pool = oneExecutor();
    const { host, calls } = barrier(12, { gapMs: 60 });
    const code = "const found = await providers.ghl.getContact(task.id); const t = Date.now(); while (Date.now() - t < 150) {} return found;";
    const ids = Array.from({ length: 12 }, (_, i) => `s${i}`);
    const outcomes = await Promise.all(ids.map((id) => pool.run(request(id, code, { timeoutMs: 1000 }), host)));
    expect(outcomes.map((o) => o.error?.code ?? JSON.parse(o.resultJson!))).toEqual(ids);
    expect([...calls.values()]).toEqual(ids.map(() => 1));
  }
}, 15_000);

test("an attempt woken by its deadline while answered neighbours wait for the thread goes first: it alone ends, as TIMEOUT", async () => {
  const pool = oneExecutor();
  const calls = new Map<string, number>();
  const host: SandboxHost = {
    call: (_provider, _method, argsJson) =>
      new Promise((done) => {
        const id = JSON.parse(argsJson)[0] as string;
        calls.set(id, (calls.get(id) ?? 0) + 1);
        // Never answered for "late"; the six neighbours are answered just before its deadline.
        if (id !== "late") setTimeout(() => done(answer(id)), 450);
      }),
  };
  const late = pool.run(request("late", CALL, { timeoutMs: 500 }), host);
  const spin = "const t = Date.now(); while (Date.now() - t < 150) {}";
  const ids = Array.from({ length: 6 }, (_, i) => `n${i}`);
  const neighbours = ids.map((id) => pool.run(request(id, `const r = await providers.ghl.getContact(task.id); ${spin}; return r;`), host));
  const [l, ...n] = await Promise.all([late, ...neighbours]);
  // Behind them in line, its kill time (500 + 220 ms) passed during the second one's slice.
  expect(l.error?.code).toBe("TIMEOUT");
  expect(l.durationMs).toBeLessThan(500 + 250);
  expect(n.map((o) => o.error?.code ?? JSON.parse(o.resultJson!))).toEqual(ids);
  expect([...calls.values()]).toEqual([1, ...ids.map(() => 1)]);
});

test("answers of several MB sent together: each attempt's time stands still from its answer's sending, none is cut short", async () => {
  const pool = oneExecutor();
  const { host, calls } = barrier(5, { value: (id) => ({ id, pad: "x".repeat(8_000_000) }) });
  // Each computes 300 ms after its answer: ~400 ms of its 1,000 ms. Queued whole, one behind
  // another, the last answers were read only after the first ones' slices, past their kill times.
  const code = "const r = await providers.ghl.getContact(task.id); const t = Date.now(); while (Date.now() - t < 300) {} return r.id;";
  const ids = ["b0", "b1", "b2", "b3", "b4"];
  const outcomes = await Promise.all(ids.map((id) => pool.run(request(id, code, { timeoutMs: 1000 }), host)));
  expect(outcomes.map((o) => o.error?.code ?? JSON.parse(o.resultJson!))).toEqual(ids);
  expect([...calls.values()]).toEqual(ids.map(() => 1));
}, 20_000);

test("an attempt stuck after one answer while another's text still arrives is ended at its deadline all the same", async () => {
  const pool = oneExecutor();
  const host: SandboxHost = { call: async (_provider, _method, argsJson) => answer("x".repeat(JSON.parse(argsJson)[0] === "big" ? 8_000_000 : 1)) };
  const code = `const small = providers.ghl.getContact('small'); const big = providers.ghl.getContact('big'); await small; ${STUCK}`;
  const outcome = await pool.run(request("stuck-in-transit", code, { timeoutMs: 500 }), host);
  expect(outcome.error?.code).toBe("TIMEOUT");
  expect(outcome.durationMs).toBeLessThanOrEqual(500 + 250);
});

test("an attempt awaiting several long answers at once: their transit is not its time, also after the first has come", async () => {
  const pool = oneExecutor();
  const calls = new Map<string, number>();
  const host: SandboxHost = {
    call: async (_provider, _method, argsJson) => {
      const id = JSON.parse(argsJson)[0] as string;
      calls.set(id, (calls.get(id) ?? 0) + 1);
      if (id.startsWith("big")) return answer("x".repeat(12_000_000));
      await Bun.sleep(1);
      return answer(id);
    },
  };
  // Once the first answer has come whole, it runs (under the alarm), then waits for the three
  // others, whose text arrives between the neighbours' 100 ms slices.
  const victim = "const rs = await Promise.all([0, 1, 2, 3].map((i) => providers.ghl.getContact('big' + i))); return rs.map((r) => r.length).reduce((a, b) => a + b);";
  const neighbour = "for (let i = 0; i < 15; i++) { await providers.ghl.getContact('n' + i); const t = Date.now(); while (Date.now() - t < 100) {} } return 1;";
  const [v, ...n] = await Promise.all([
    pool.run(request("victim", victim, { timeoutMs: 1000, memoryMb: 256 }), host),
    pool.run(request("n0", neighbour, { timeoutMs: 30_000 }), host),
    pool.run(request("n1", neighbour, { timeoutMs: 30_000 }), host),
  ]);
  expect([v.error?.code ?? JSON.parse(v.resultJson!), ...n.map((o) => o.error?.code ?? JSON.parse(o.resultJson!))]).toEqual([48_000_000, 1, 1]);
  expect([0, 1, 2, 3].map((i) => calls.get(`big${i}`))).toEqual([1, 1, 1, 1]);
}, 30_000);

test("memory caps stay per attempt: two waiting attempts each hold most of their own cap, a third exceeds its own", async () => {
  const pool = oneExecutor();
  const { host } = barrier(3);
  // 20 MiB each under a 32 MiB cap: one engine shared by both would not hold 40 MiB.
  const hold = "const block = new Uint8Array(20 * 1024 * 1024); block[7] = 7; await providers.ghl.getContact(task.id); return block.length + block[7];";
  const greedy = "await providers.ghl.getContact(task.id); const blocks = []; for (;;) blocks.push(new Uint8Array(1024 * 1024));";
  const outcomes = await Promise.all([
    pool.run(request("x", hold, { memoryMb: 32 }), host),
    pool.run(request("y", hold, { memoryMb: 32 }), host),
    pool.run(request("z", greedy, { memoryMb: 32 }), host),
  ]);
  expect(outcomes.map((o) => o.error?.code ?? JSON.parse(o.resultJson!))).toEqual([20 * 1024 * 1024 + 7, 20 * 1024 * 1024 + 7, "MEMORY_LIMIT"]);
});

test("nothing one attempt does is visible to another in the same executor while both run", async () => {
  const pool = oneExecutor();
  const { host } = barrier(2);
  const polluter = "globalThis.secret = 42; Object.prototype.leak = 'x'; Array.prototype.push = () => 0; await providers.ghl.getContact(task.id); return secret;";
  const reader = "await providers.ghl.getContact(task.id); const a = []; a.push(1); return [typeof secret, ({}).leak ?? null, a.length];";
  const [p, r] = await Promise.all([pool.run(request("p", polluter), host), pool.run(request("r", reader), host)]);
  expect(JSON.parse(p.resultJson!)).toBe(42);
  expect(JSON.parse(r.resultJson!)).toEqual(["undefined", null, 1]);
});

test("an attempt that holds the thread while its own call is answered is still charged at its deadline: no endless re-run", async () => {
  const pool = oneExecutor();
  const { host, calls } = slowHost(20);
  // The call is not awaited: its answer comes while the attempt itself is stuck in a native loop.
  const outcome = await pool.run(request("spin", `providers.ghl.getContact(task.id); ${STUCK}`, { timeoutMs: 300 }), host);
  expect(outcome.error?.code).toBe("TIMEOUT");
  expect(calls.get("spin")).toBe(1);
}, 20_000);
