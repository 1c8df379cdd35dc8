/**
 * The sandbox's edges against real QuickJS (SPEC 5, issue 3): exactly the allowlisted globals,
 * results that fail in the promise machinery, results too deep or too big to serialise, and
 * memory failures that surface as `null`. The compiled-binary view of the same rules is
 * test/sandbox/hostile.test.ts.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { ALLOWED_GLOBALS, BLOCKED_GLOBALS } from "../../src/sandbox/policy";
import { createSandbox, type SandboxOutcome, type SandboxRequest } from "../../src/sandbox";
import { runIn, valueOf } from "./sandbox-helpers";

const sandbox = createSandbox();

beforeAll(async () => {
  await sandbox.prepare(64);
});

const run = (code: string, overrides: Partial<SandboxRequest> = {}) => runIn(sandbox, code, overrides);

const value = valueOf;

describe("the global object", () => {
  test("holds exactly the allowlist plus the tripwires, and nothing else", async () => {
    const names = value(await run("return Object.getOwnPropertyNames(globalThis)")) as string[];
    const expected = [...ALLOWED_GLOBALS, ...Object.keys(BLOCKED_GLOBALS)];
    expect([...names].sort()).toEqual([...expected].sort());
  });

  test("QuickJS's InternalError is no global, but the engine's own errors still are InternalErrors", async () => {
    const touched = await run("return typeof InternalError");
    expect(value(touched)).toBe("undefined");
    expect(touched.violations.map((v) => v.violation_type)).toEqual(["GLOBAL_ALLOWLIST_VIOLATION"]);
    const caught = await run("const f = () => f(); try { f() } catch (e) { return e.name }");
    expect(value(caught)).toBe("InternalError");
    expect(caught.violations).toEqual([]);
  });
});

describe("results that fail while the task's promise takes them", () => {
  test("a returned revoked proxy, throwing trap or throwing then-getter is RESULT_NOT_JSON, also after an await", async () => {
    const codes = [
      "const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy",
      "const p = Proxy.revocable({}, {}); p.revoke(); await null; return p.proxy",
      "return new Proxy({}, { get() { throw new Error('no') } })",
      "return { get then() { throw new Error('then') } }",
      "try { return { get then() { throw 1 } } } finally { await null }",
    ];
    for (const code of codes) {
      const outcome = await run(code);
      expect({ code, error: outcome.error?.code }).toEqual({ code, error: "RESULT_NOT_JSON" });
    }
  });

  test("a rejected promise or thenable that is returned stays TASK_ERROR; a thenable that resolves gives its value", async () => {
    expect((await run("return Promise.reject(new Error('later'))")).error).toEqual({ code: "TASK_ERROR", message: "Error: later" });
    expect((await run("return { then(resolve, reject) { reject(new Error('no')) } }")).error?.code).toBe("TASK_ERROR");
    expect((await run("const p = Proxy.revocable({}, {}); p.revoke(); await p.proxy")).error?.code).toBe("TASK_ERROR");
    expect(value(await run("return { then(resolve) { resolve(41 + 1) } }"))).toBe(42);
  });

  test("wrapping keeps the task's own semantics: 'use strict', sloppy this, line numbers", async () => {
    expect(value(await run("'use strict'; return (function () { return typeof this })()"))).toBe("undefined");
    expect(value(await run("return (function () { return typeof this })()"))).toBe("object");
    expect((await run("\n\nlet x = ;")).error?.message).toMatch(/SyntaxError/);
    expect(value(await run("var $buddy$t = 5; return $buddy$t"))).toBe(5);
  });
});

describe("serialising results and console arguments", () => {
  test("a result nested deeper than the nesting limit is STACK_OVERFLOW, quickly", async () => {
    const started = performance.now();
    const outcome = await run("let a = []; for (let i = 0; i < 100000; i++) a = [a]; return a");
    expect(outcome.error?.code).toBe("STACK_OVERFLOW");
    expect(outcome.error?.message).toContain("the result nests deeper than");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(value(await run("let a = 1; for (let i = 0; i < 100; i++) a = [a]; return JSON.stringify(a).length"))).toBe(201);
  });

  test("string values past 1 MiB are OUTPUT_LIMIT before the JSON text is built", async () => {
    expect((await run("return { s: 'x'.repeat(40 * 1024 * 1024) }", { memoryMb: 64 })).error?.code).toBe("OUTPUT_LIMIT");
    expect((await run("return 'x'.repeat(40 * 1024 * 1024)", { memoryMb: 64 })).error?.code).toBe("OUTPUT_LIMIT");
  });

  test("serialising a result runs the task's toJSON under the task's own deadline", async () => {
    const outcome = await run("return { toJSON() { for (;;) {} } }", { timeoutMs: 300 });
    expect(outcome.error?.code).toBe("TIMEOUT");
    expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
  });

  test("console.log of a deeply nested object logs a placeholder and the task goes on", async () => {
    const outcome = await run("let a = []; for (let i = 0; i < 100000; i++) a = [a]; console.log('deep', a); return 'on'");
    expect(value(outcome)).toBe("on");
    expect(outcome.console).toEqual(["deep [object nested too deeply to show]"]);
  });
});

describe("memory", () => {
  test("objects until the cap are MEMORY_LIMIT even when the engine can only throw null", async () => {
    // Emscripten stops growing up to 5 % short of the cap; QuickJS then often throws `null`.
    const outcome = await run("const keep = []; for (;;) keep.push({ i: keep.length, s: 'abc' + keep.length })", { memoryMb: 32, timeoutMs: 10_000 });
    expect(outcome.error?.code).toBe("MEMORY_LIMIT");
    expect(value(await run("return 'next'", { memoryMb: 32 }))).toBe("next");
  });
});
