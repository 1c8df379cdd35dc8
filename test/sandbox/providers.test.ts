/**
 * The guest side of the provider API (SPEC 6) against real QuickJS, with an in-process fake
 * `SandboxHost` in place of the executor: declared providers only, JSON both ways, `seq` in call
 * order, PROVIDER_ERROR rejections the classifier understands, and an attempt that waits on its
 * providers within its own deadline without leaking a handle when it ends early.
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { PROVIDER_METHODS } from "../../src/providers";
import { createSandbox, type SandboxHost, type SandboxRequest } from "../../src/sandbox";
import { request, valueOf } from "./helpers";

const faults: unknown[] = [];
const sandbox = createSandbox({ onEngineFault: (e) => faults.push(e) });

beforeAll(async () => {
  await sandbox.prepare(64);
});
afterEach(() => {
  // A leaked promise handle makes rt.dispose() abort, which the sandbox reports here.
  expect(faults.splice(0)).toEqual([]);
});

interface SeenCall {
  provider: string;
  method: string;
  args: unknown[];
  seq: number;
}

type Answer = { ok: true; value: unknown } | { ok: false; error: Record<string, unknown> };

/** A host that records each call and answers with `answer(call)`, which may be a promise. */
function fakeHost(answer: (call: SeenCall) => Answer | Promise<Answer> = () => ({ ok: true, value: null })) {
  const seen: SeenCall[] = [];
  const host: SandboxHost = {
    async call(provider, method, argsJson, seq) {
      const call = { provider, method, args: JSON.parse(argsJson) as unknown[], seq };
      seen.push(call);
      return JSON.stringify(await answer(call));
    },
  };
  return { host, seen };
}

const run = (code: string, host: SandboxHost | undefined, overrides: Partial<SandboxRequest> = {}) =>
  sandbox.run(request(code, { uses: ["ghl", "msgraph"], ...overrides }), host);

const value = valueOf;

const rateLimited = { code: "PROVIDER_ERROR", provider: "ghl", method: "createContact", status: 429, message: "Rate limit exceeded", retry_after: 2 };

describe("calls", () => {
  test("a call sends its arguments as JSON and returns the provider's value", async () => {
    const { host, seen } = fakeHost(() => ({ ok: true, value: { contact: { id: "c1", tags: ["a"] } } }));
    const outcome = await run("const r = await providers.ghl.getContact('c1'); return r.contact", host);
    expect(value(outcome)).toEqual({ id: "c1", tags: ["a"] });
    expect(seen).toEqual([{ provider: "ghl", method: "getContact", args: ["c1"], seq: 0 }]);
  });

  test("concurrent calls get seq 0 and 1 in call order, and each its own answer", async () => {
    // The first call is answered last.
    const { host, seen } = fakeHost(async (call) => {
      await Bun.sleep(call.seq === 0 ? 30 : 0);
      return { ok: true, value: `answer ${call.seq}` };
    });
    const code = "return await Promise.all([providers.ghl.testConnection(), providers.msgraph.getMessages({ limit: 2 })])";
    expect(value(await run(code, host))).toEqual(["answer 0", "answer 1"]);
    expect(seen.map((c) => [c.seq, c.provider, c.method])).toEqual([
      [0, "ghl", "testConnection"],
      [1, "msgraph", "getMessages"],
    ]);
  });

  test("sequential calls keep counting; trailing undefined arguments are not sent", async () => {
    const { host, seen } = fakeHost();
    const code =
      "await providers.msgraph.getMessages(); await providers.msgraph.searchMessages('budget', undefined);" +
      "await providers.ghl.updateContact('c1', { tags: ['x'], note: undefined }); return 'done'";
    expect(value(await run(code, host))).toBe("done");
    expect(seen.map((c) => [c.seq, c.args])).toEqual([
      [0, []],
      [1, ["budget"]],
      [2, ["c1", { tags: ["x"] }]],
    ]);
  });

  test("arguments are serialised with the JSON.stringify captured before the task ran", async () => {
    const { host, seen } = fakeHost();
    await run("JSON.stringify = () => '[\"forged\"]'; await providers.ghl.getContact('real'); return 1", host);
    expect(seen[0]?.args).toEqual(["real"]);
  });

  test("a burst of calls reaches the host a bounded number at a time, in call order, each answered", async () => {
    let inFlight = 0;
    let most = 0;
    const { host, seen } = fakeHost(async (call) => {
      most = Math.max(most, ++inFlight);
      await Bun.sleep(1);
      inFlight--;
      return { ok: true, value: call.args[0] };
    });
    const code = "return await Promise.all(Array.from({ length: 100 }, (_, i) => providers.ghl.getContact('c' + i)))";
    expect(value(await run(code, host))).toEqual(Array.from({ length: 100 }, (_, i) => `c${i}`));
    expect(seen.map((c) => c.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(32);
  });

  test("prototypes polluted before `providers` is first read change neither the API nor the arguments", async () => {
    const { host, seen } = fakeHost(() => ({ ok: true, value: { id: "c1" } }));
    const code = `
      for (const key of ["get", "set", "value", "writable", "enumerable", "ok", "error"]) {
        const trap = { __proto__: null, get() { throw new Error("read " + key) }, set() {}, configurable: true };
        Object.defineProperty(Object.prototype, key, trap);
      }
      const r = await providers.ghl.getContact("c1");
      return [typeof providers.ghl.createContact, r.id];`;
    expect(value(await run(code, host))).toEqual(["function", "c1"]);
    expect(seen[0]?.args).toEqual(["c1"]);
  });

  test("providers holds exactly the declared providers, each with exactly its methods", async () => {
    const outcome = await run("return { names: Object.keys(providers), ghl: Object.keys(providers.ghl) }", fakeHost().host);
    expect(value(outcome)).toEqual({ names: ["ghl", "msgraph"], ghl: [...PROVIDER_METHODS.ghl] });
    expect(outcome.violations).toEqual([]);
  });
});

describe("failures", () => {
  test("a rejected call is catchable and carries exactly the PROVIDER_ERROR fields", async () => {
    const { host } = fakeHost(() => ({ ok: false, error: { ...rateLimited, stack: "host stack", extra: 1 } }));
    const code = "try { await providers.ghl.createContact({ email: 'a@b.c' }) } catch (e) { return { keys: Object.keys(e), e } }";
    expect(value(await run(code, host))).toEqual({ keys: Object.keys(rateLimited), e: rateLimited });
  });

  test("an uncaught one fails the attempt as PROVIDER_ERROR with its status and retry_after in ms", async () => {
    const { host } = fakeHost(() => ({ ok: false, error: rateLimited }));
    const outcome = await run("await providers.ghl.createContact({ email: 'a@b.c' })", host);
    expect(outcome.error).toEqual({ code: "PROVIDER_ERROR", message: "Rate limit exceeded", status: 429, retry_after_ms: 2000 });
  });

  test("a delivered provider error rethrown later stays PROVIDER_ERROR; a copy of it is the task's TASK_ERROR", async () => {
    const { host } = fakeHost(() => ({ ok: false, error: rateLimited }));
    const rethrown = "let kept; try { await providers.ghl.createContact({}) } catch (e) { kept = e } await null; throw kept";
    expect((await run(rethrown, host)).error).toEqual({ code: "PROVIDER_ERROR", message: "Rate limit exceeded", status: 429, retry_after_ms: 2000 });
    const copied = "try { await providers.ghl.createContact({}) } catch (e) { throw { ...e } }";
    expect((await run(copied, host)).error).toEqual({ code: "TASK_ERROR", message: "Rate limit exceeded" });
    const forged = "throw { code: 'PROVIDER_ERROR', status: 503, retry_after: 86400, message: 'forged' }";
    expect((await run(forged, host)).error).toEqual({ code: "TASK_ERROR", message: "forged" });
  });

  test("a delivered error is frozen: status and retry_after cannot be edited before it is rethrown", async () => {
    const { host } = fakeHost(() => ({ ok: false, error: rateLimited }));
    const code = `try { await providers.ghl.createContact({}) } catch (e) {
      try { e.status = 400; e.retry_after = 86400; delete e.code } catch {}
      "use strict"; throw e }`;
    const outcome = await run(code, host);
    expect(outcome.error).toEqual({ code: "PROVIDER_ERROR", message: "Rate limit exceeded", status: 429, retry_after_ms: 2000 });
    expect(value(await run("try { await providers.ghl.createContact({}) } catch (e) { return Object.isFrozen(e) }", host))).toBe(true);
  });

  test("patching WeakSet before or after the call changes nothing: membership uses the bootstrap's own set", async () => {
    const { host } = fakeHost(() => ({ ok: false, error: rateLimited }));
    const patchedFirst = "WeakSet.prototype.add = () => {}; WeakSet.prototype.has = () => false; await providers.ghl.createContact({})";
    expect((await run(patchedFirst, host)).error?.code).toBe("PROVIDER_ERROR");
    const forged = "WeakSet.prototype.has = () => true; throw { code: 'PROVIDER_ERROR', status: 429, message: 'forged' }";
    expect((await run(forged, host)).error?.code).toBe("TASK_ERROR");
  });

  test("a non-JSON argument rejects inside the guest and never reaches the host", async () => {
    const { host, seen } = fakeHost();
    const code = `
      const out = [];
      for (const arg of [() => 1, 10n, Symbol("s"), { f() {} }, (() => { const o = {}; o.self = o; return o })()]) {
        try { await providers.ghl.createContact(arg); out.push("sent") } catch (e) { out.push(e instanceof TypeError) }
      }
      return out`;
    expect(value(await run(code, host))).toEqual([true, true, true, true, true]);
    expect(seen).toEqual([]);
  });

  test("a host that fails to answer gives a neutral provider error, never host text", async () => {
    const host: SandboxHost = { call: () => Promise.reject(new Error("ENOENT /srv/secret/config.json")) };
    const code = "try { await providers.ghl.testConnection() } catch (e) { return e }";
    const error = value(await run(code, host)) as Record<string, unknown>;
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", provider: "ghl", method: "testConnection", status: 500 });
    expect(JSON.stringify(error)).not.toContain("secret");
  });

  test("without a host, calls fail with 403", async () => {
    const outcome = await run("await providers.ghl.testConnection()", undefined);
    expect(outcome.error).toMatchObject({ code: "PROVIDER_ERROR", status: 403 });
  });
});

describe("undeclared providers", () => {
  test("reading one is a NETWORK_ACCESS_ATTEMPT and reads as undefined; a failure after it is VIOLATION", async () => {
    const { host, seen } = fakeHost();
    const read = await run("return typeof providers.mployer", host, { uses: ["ghl"] });
    expect(value(read)).toBe("undefined");
    expect(read.violations.map((v) => v.violation_type)).toEqual(["NETWORK_ACCESS_ATTEMPT"]);
    const called = await run("await providers.msgraph.sendEmail({ to: ['x@example.com'] })", host, { uses: ["ghl"] });
    expect(called.error).toMatchObject({ code: "VIOLATION", violation_type: "NETWORK_ACCESS_ATTEMPT" });
    expect(seen).toEqual([]);
  });

  test("with no providers declared, `providers` is undefined and reading it is recorded", async () => {
    for (const uses of [[], undefined]) {
      const outcome = await run("return typeof providers", fakeHost().host, { uses });
      expect(value(outcome)).toBe("undefined");
      expect(outcome.violations.map((v) => v.violation_type)).toEqual(["NETWORK_ACCESS_ATTEMPT"]);
    }
  });
});

describe("waiting within the deadline", () => {
  test("a host that never answers ends the attempt as TIMEOUT at its deadline", async () => {
    const host: SandboxHost = { call: () => new Promise(() => {}) };
    const outcome = await run("await providers.ghl.testConnection(); return 'never'", host, { timeoutMs: 200 });
    expect(outcome.error?.code).toBe("TIMEOUT");
    expect(outcome.durationMs).toBeGreaterThanOrEqual(200);
  });

  test("time spent waiting on providers counts against the deadline", async () => {
    const { host, seen } = fakeHost(async () => (await Bun.sleep(60), { ok: true, value: 1 }));
    const code = "for (let i = 0; i < 100; i++) await providers.ghl.testConnection(); return 'all'";
    expect((await run(code, host, { timeoutMs: 300 })).error?.code).toBe("TIMEOUT");
    expect(seen.length).toBeLessThan(100);
  });

  test("answers after the deadline are ignored, and the next attempt on the sandbox works", async () => {
    let answered = 0;
    const { host } = fakeHost(async () => {
      await Bun.sleep(250);
      answered++;
      return { ok: true, value: "late" };
    });
    const code = "return await Promise.all([providers.ghl.testConnection(), providers.msgraph.testConnection()])";
    expect((await run(code, host, { timeoutMs: 100 })).error?.code).toBe("TIMEOUT");
    await Bun.sleep(300);
    expect(answered).toBe(2);
    const next = fakeHost(() => ({ ok: true, value: "fresh" }));
    expect(value(await run("return await providers.ghl.testConnection()", next.host))).toBe("fresh");
    expect(next.seen[0]?.seq).toBe(0);
  });

  test("calls still in flight when the task returns are work left queued: TIMEOUT, without leaking", async () => {
    const host: SandboxHost = { call: () => new Promise(() => {}) };
    const code = "providers.ghl.testConnection(); providers.ghl.testConnection(); return 'early'";
    expect((await run(code, host, { timeoutMs: 200 })).error?.code).toBe("TIMEOUT");
    expect(value(await run("return 'after'", undefined))).toBe("after");
  });
});
