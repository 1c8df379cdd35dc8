/**
 * The sandbox against real QuickJS (SPEC 5). Each test asserts what a task author would notice:
 * the result, the error code, the console, the violation log. Timing is only sanity-bounded.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { createRng } from "../../src/core";
import { createSandbox, prepareBareCycle, runBareCycle, type SandboxRequest } from "../../src/sandbox";
import { runIn, valueOf } from "./helpers";

const sandbox = createSandbox();

beforeAll(async () => {
  await sandbox.prepare(64);
});

const run = (code: string, overrides: Partial<SandboxRequest> = {}) => runIn(sandbox, code, overrides);

const result = valueOf;

describe("results", () => {
  test("returns JSON values; undefined becomes null", async () => {
    expect(result(await run("return 1 + 1"))).toBe(2);
    expect(result(await run("return 'héllo'"))).toBe("héllo");
    expect(result(await run("return { a: [1, true, null], b: 'x' }"))).toEqual({ a: [1, true, null], b: "x" });
    expect((await run("return undefined")).resultJson).toBe("null");
    expect((await run("const x = 1")).resultJson).toBe("null");
    expect((await run("return null")).resultJson).toBe("null");
  });

  test("await works, including chains of promises", async () => {
    const code = "const a = await Promise.resolve(2); const b = await new Promise((r) => r(a * 3)); return b + 1";
    expect(result(await run(code))).toBe(7);
  });

  test("cycles, BigInt, functions, throwing getters and revoked proxies are RESULT_NOT_JSON", async () => {
    const cases = [
      "const a = {}; a.self = a; return a",
      "return 10n",
      "return { n: 10n }",
      "return function () {}",
      "return { get boom() { throw new Error('getter') } }",
      "const p = Proxy.revocable({}, {}); p.revoke(); return { inner: p.proxy }",
    ];
    for (const code of cases) {
      const outcome = await run(code);
      expect(outcome.ok).toBe(false);
      expect(outcome.error?.code).toBe("RESULT_NOT_JSON");
    }
  });

  test("a result over 1 MiB of JSON is OUTPUT_LIMIT", async () => {
    expect((await run("return 'x'.repeat(1024 * 1024 + 10)")).error?.code).toBe("OUTPUT_LIMIT");
    expect((await run("return Array.from({ length: 300000 }, (_, i) => i)")).error?.code).toBe("OUTPUT_LIMIT");
    expect(result(await run("return 'x'.repeat(1000 * 1000)"))).toHaveLength(1000 * 1000);
  });

  test("JSON.stringify replaced by the task does not change how the result is serialised", async () => {
    expect(result(await run("JSON.stringify = () => '\"forged\"'; return { real: true }"))).toEqual({ real: true });
  });
});

describe("globals: input, task, console, Math.random", () => {
  test("input and task are globals of the sandbox", async () => {
    const outcome = await run("return { input, task }", {
      inputJson: JSON.stringify({ n: 41 }),
      task: { id: "task-9", wave: 3, attempt: 2, agent_id: "agent_1" },
    });
    expect(result(outcome)).toEqual({
      input: { n: 41 },
      task: { id: "task-9", wave: 3, attempt: 2, agent_id: "agent_1" },
    });
  });

  test("task code may declare its own input and task", async () => {
    expect(result(await run("const input = 5; let task = 6; return input + task", { inputJson: "1" }))).toBe(11);
    expect(result(await run("input = input + 1; return input", { inputJson: "1" }))).toBe(2);
  });

  test("console calls are captured, one entry per call, formatted inside the guest", async () => {
    const code = `console.log("a", 1, { b: [2] }, null, undefined);
      console.warn("careful"); console.error(new TypeError("bad")); console.info(); return 0`;
    const outcome = await run(code);
    expect(outcome.console).toEqual(['a 1 {"b":[2]} null undefined', "[warn] careful", "[error] TypeError: bad", "[info] "]);
    expect(outcome.consoleTruncated).toBe(false);
  });

  test("strings cross exactly: U+0000 and lone surrogates in results and console lines", async () => {
    const outcome = await run("console.log('c\\u0000d', 'z\\ud800'); return 'x\\u0000y'");
    expect(result(outcome)).toBe("x\u0000y");
    expect(outcome.console).toEqual(["c\u0000d z\ud800"]);
  });

  test("console output is truncated at 64 KiB without failing the task", async () => {
    const outcome = await run("for (let i = 0; i < 5000; i++) console.log(i + ' ' + 'y'.repeat(100)); return 'done'");
    expect(result(outcome)).toBe("done");
    expect(outcome.consoleTruncated).toBe(true);
    const bytes = outcome.console.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    // Each entry costs its bytes plus 16 for itself (limits.ts).
    expect(bytes + 16 * outcome.console.length).toBeLessThanOrEqual(64 * 1024);
    expect(bytes + 16 * outcome.console.length).toBeGreaterThan(60 * 1024);
    expect(outcome.console[0]).toStartWith("0 yyy");
  });

  test("the console cap bounds the number of entries: empty lines use it up too", async () => {
    // A deadline far off: what is checked is the cap, not how fast 500,000 calls go on a busy machine.
    const outcome = await run("for (let i = 0; i < 500000; i++) console.log(); return 'done'", { timeoutMs: 30_000 });
    expect(result(outcome)).toBe("done");
    expect(outcome.consoleTruncated).toBe(true);
    expect(outcome.console.length).toBe(4096);
    expect(outcome.console.every((line) => line === "")).toBe(true);
  });

  test("Math.random is seeded per attempt: same seed, same sequence (the run's mulberry32)", async () => {
    const code = "return [Math.random(), Math.random(), Math.random()]";
    const first = result(await run(code, { randomSeed: 1234 }));
    const again = result(await run(code, { randomSeed: 1234 }));
    const other = result(await run(code, { randomSeed: 1235 }));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const rng = createRng(1234);
    expect(first).toEqual([rng.next(), rng.next(), rng.next()]);
  });

  test("nothing a task sets on globals or prototypes is visible to the next attempt", async () => {
    result(await run("globalThis.leak = 1; Object.prototype.polluted = 2; Array.prototype.push = null; return 0"));
    const seen = result(await run("return [typeof leak, typeof ({}).polluted, typeof [].push]"));
    expect(seen).toEqual(["undefined", "undefined", "function"]);
  });
});

describe("errors", () => {
  test("a thrown error is TASK_ERROR described by its own data; retryable:false is reported", async () => {
    const plain = await run("throw new Error('nope')");
    expect(plain.error).toEqual({ code: "TASK_ERROR", message: "Error: nope", location: { file: "task.js", line: 1, column: 16 }, stack: "    at <anonymous> (task.js:1:16)" });
    const final = await run("throw Object.assign(new RangeError('bad input'), { retryable: false })");
    expect(final.error).toMatchObject({ code: "TASK_ERROR", message: "RangeError: bad input", thrownRetryable: false });
    expect((await run("throw 'just a string'")).error?.message).toBe("just a string");
    const rejected = await run("await Promise.reject(new TypeError('later'))");
    expect(rejected.error?.message).toBe("TypeError: later");
  });

  test("accessors on a thrown value are never run", async () => {
    const code = "const e = new Error('x'); Object.defineProperty(e, 'message', { get() { globalThis.ran = 1; return 'forged' } }); throw e";
    const outcome = await run(code);
    expect(outcome.error?.code).toBe("TASK_ERROR");
    expect(outcome.error?.message).not.toContain("forged");
  });

  test("an object the task throws that only says PROVIDER_ERROR is its own TASK_ERROR; retryable:false still counts", async () => {
    const outcome = await run("throw { code: 'PROVIDER_ERROR', status: 429, retry_after: 86400, message: 'slow down' }");
    expect(outcome.error).toEqual({ code: "TASK_ERROR", message: "slow down" });
    const final = await run("throw { code: 'PROVIDER_ERROR', status: 400, retryable: false, message: 'bad' }");
    expect(final.error).toEqual({ code: "TASK_ERROR", message: "bad", thrownRetryable: false });
  });

  test("a syntax error is SYNTAX_ERROR; an import statement is an import violation", async () => {
    expect((await run("let x = ;")).error?.code).toBe("SYNTAX_ERROR");
    const imported = await run("import fs from 'fs'\nreturn 1");
    expect(imported.error?.code).toBe("VIOLATION");
    expect(imported.error?.violation_type).toBe("IMPORT_ALLOWLIST_VIOLATION");
  });

  test("dynamic import() is refused with neutral text and recorded", async () => {
    const outcome = await run("return await import('left-pad')");
    expect(outcome.error?.code).toBe("VIOLATION");
    expect(outcome.error?.violation_type).toBe("IMPORT_ALLOWLIST_VIOLATION");
    expect(outcome.violations[0]?.details).toContain("left-pad");
    expect(outcome.error?.message).not.toMatch(/\/work|node_modules|\.ts/);
    // import() is an import violation whatever it names; require('fs') is a file API (SPEC 5).
    expect((await run("return await import('node:fs')")).error?.violation_type).toBe("IMPORT_ALLOWLIST_VIOLATION");
    expect((await run("return require('fs').readFileSync('/etc/passwd')")).error?.violation_type).toBe("FILESYSTEM_ATTEMPT");
  });

  test("a promise that can never settle ends at once as TIMEOUT", async () => {
    const started = performance.now();
    expect((await run("await new Promise(() => {})", { timeoutMs: 60_000 })).error?.code).toBe("TIMEOUT");
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe("CPU", () => {
  const spins = {
    "while (true) {}": "while (true) {}",
    "try/finally around a loop": "try { while (true) {} } finally { }",
    "catching the interrupt": "for (;;) { try { while (true) {} } catch (e) {} }",
    "an endless job chain": "function f() { Promise.resolve().then(f) } f(); await new Promise(() => {})",
    "await in a loop": "for (;;) await null",
    "rescheduling after the interrupt": "async function spin() { for (;;) { try { await null; while (true) {} } catch (e) {} } } await spin()",
    "catastrophic regex": "return /(a+)+$/.test('a'.repeat(40) + '!')",
  };
  for (const [name, code] of Object.entries(spins)) {
    test(`${name} ends as TIMEOUT near the deadline`, async () => {
      const started = performance.now();
      const outcome = await run(code, { timeoutMs: 200 });
      expect(outcome.error?.code).toBe("TIMEOUT");
      expect(performance.now() - started).toBeLessThan(3000);
    });
  }

  test("the sandbox still works after timeouts", async () => {
    expect(result(await run("return 'alive'"))).toBe("alive");
  });
});

describe("memory", () => {
  test("one huge allocation is MEMORY_LIMIT, and the next attempt works", async () => {
    expect((await run("return 'x'.repeat(2 ** 28).length")).error?.code).toBe("MEMORY_LIMIT");
    expect(result(await run("return 'next'"))).toBe("next");
  });

  test("many small allocations hit the hard WASM cap: MEMORY_LIMIT, and the next attempt works", async () => {
    const bombs = [
      "const keep = []; for (;;) keep.push({ i: keep.length, s: 'abc' + keep.length })",
      "const keep = []; for (;;) keep.push(new Float64Array(1 << 13))",
    ];
    for (const code of bombs) {
      expect((await run(code, { timeoutMs: 10_000 })).error?.code).toBe("MEMORY_LIMIT");
      expect(result(await run("return [1, 2, 3].length"))).toBe(3);
    }
  });

  test("a string doubling to the engine's length cap is the engine's length error, not memory: TASK_ERROR", async () => {
    // Ropes reach the 2^30 length cap with little memory used; no memory fact, so no MEMORY_LIMIT.
    expect((await run("let s = 'x'; for (;;) s += s", { memoryMb: 64 })).error?.code).toBe("TASK_ERROR");
  });

  test("an error's text never decides MEMORY_LIMIT or STACK_OVERFLOW; the engine's facts do", async () => {
    const forged = [
      "throw new Error('out of memory')",
      "throw new RangeError('Maximum call stack size exceeded')",
      "throw new Error('stack overflow')",
      "const E = (() => { try { null.x } catch (e) { return e.constructor } })(); throw new E('out of memory')",
      "const f = () => f(); let P; try { f() } catch (e) { P = Object.getPrototypeOf(e) } throw Object.setPrototypeOf(new Error('out of memory'), P)",
      "const f = () => f(); let P; try { f() } catch (e) { P = Object.getPrototypeOf(e) } throw Object.setPrototypeOf(new Error('interrupted'), P)",
      "throw { name: 'InternalError', message: 'out of memory' }",
      "const f = () => f(); let P; try { f() } catch (e) { P = Object.getPrototypeOf(e) } throw Object.setPrototypeOf(new Error('stack overflow'), P)",
      "throw { name: 'InternalError', message: 'stack overflow' }",
      "throw new SyntaxError('stack overflow')",
    ];
    for (const code of forged) expect([code, (await run(code)).error?.code]).toEqual([code, "TASK_ERROR"]);
    expect((await run("return 'x'.repeat(2 ** 28).length", { memoryMb: 64 })).error?.code).toBe("MEMORY_LIMIT");
    expect((await run("return new ArrayBuffer(2 ** 30).byteLength", { memoryMb: 64 })).error?.code).toBe("MEMORY_LIMIT");
  });

  test("MEMORY_LIMIT only from a refused allocation: 53 MiB held of 64 succeeds, alone or after a 60 MiB task on the same engine", async () => {
    const held = "var k = []; for (var i = 0; i < 212; i++) k.push(new Uint8Array(2 ** 18)); return k.length / 4 + ' MiB held'";
    const single = "const b = new Uint8Array(60 * 1024 * 1024); b[b.length - 1] = 1; return b.length / 1048576";
    // A refusal discards the engine: start from a fresh one, then reuse it.
    expect((await run("return 'x'.repeat(2 ** 28).length")).error?.code).toBe("MEMORY_LIMIT");
    expect(result(await run(held))).toBe("53 MiB held");
    expect(result(await run(single))).toBe(60);
    expect(result(await run(held))).toBe("53 MiB held");
    expect(result(await run(single))).toBe(60);
    const flood = "const k = []; for (;;) k.push(new Float64Array(8192))";
    expect((await run(flood, { timeoutMs: 10_000 })).error?.code).toBe("MEMORY_LIMIT");
    // A task that caught its refused allocation and returned still exhausted its memory.
    const caught = "try { const k = []; for (;;) k.push(new Float64Array(8192)) } catch (e) {} return 'survived'";
    expect((await run(caught, { timeoutMs: 10_000 })).error?.code).toBe("MEMORY_LIMIT");
    expect(result(await run(held))).toBe("53 MiB held");
  });

  test("memory_mb 4096, the documented maximum, runs tasks (the engine's own maximum is 2 GiB)", async () => {
    await sandbox.prepare(4096);
    expect(result(await run("const a = []; for (let i = 0; i < 64; i++) a.push(new Uint8Array(1 << 20)); return a.length", { memoryMb: 4096 }))).toBe(64);
  });
});

describe("allowlist and tripwires", () => {
  test("feature detection works and is recorded", async () => {
    const outcome = await run("return [typeof fetch, typeof process, typeof require, typeof setTimeout]");
    expect(result(outcome)).toEqual(["undefined", "undefined", "undefined", "undefined"]);
    expect(outcome.violations.map((v) => v.violation_type)).toEqual([
      "NETWORK_ACCESS_ATTEMPT",
      "SUBPROCESS_ATTEMPT",
      "IMPORT_ALLOWLIST_VIOLATION",
      "GLOBAL_ALLOWLIST_VIOLATION",
    ]);
  });

  test("indirect reads are recorded too", async () => {
    const outcome = await run("return [globalThis['fe' + 'tch'], Reflect.get(globalThis, 'WebSocket')]");
    expect(outcome.ok).toBe(true);
    expect(outcome.violations.map((v) => v.details)).toEqual([
      "read of blocked global 'fetch'",
      "read of blocked global 'WebSocket'",
    ]);
    // Reaching the global object through `this`, or naming it with an escape, is recorded alike.
    const viaThis = await run("return (function () { return typeof this['pro' + 'cess'] })()");
    expect(viaThis.violations.map((v) => v.violation_type)).toEqual(["SUBPROCESS_ATTEMPT"]);
    const escaped = await run("return typeof f\\u0065tch");
    expect(escaped.violations.map((v) => v.violation_type)).toEqual(["NETWORK_ACCESS_ATTEMPT"]);
  });

  test("a task that fails after a touch ends as VIOLATION with the first touch's type", async () => {
    const outcome = await run("const r = await fetch('https://example.com'); return r.status");
    expect(outcome.error?.code).toBe("VIOLATION");
    expect(outcome.error?.violation_type).toBe("NETWORK_ACCESS_ATTEMPT");
    const files = await run("return Bun.file('/etc/passwd').text()");
    expect(files.error?.violation_type).toBe("FILESYSTEM_ATTEMPT");
  });

  test("eval, Function and the hidden function constructors are unavailable", async () => {
    const code = `return [typeof eval, typeof Function, typeof SharedArrayBuffer, typeof WebAssembly,
      typeof (function () {}).constructor,
      typeof Object.getPrototypeOf(async function () {}).constructor,
      typeof Object.getPrototypeOf(function* () {}).constructor,
      typeof Object.getPrototypeOf(async function* () {}).constructor]`;
    const outcome = await run(code);
    expect(result(outcome)).toEqual(Array(8).fill("undefined"));
    expect(new Set(outcome.violations.map((v) => v.violation_type))).toEqual(new Set(["GLOBAL_ALLOWLIST_VIOLATION"]));
    for (const attempt of ["return eval('1 + 1')", "return new Function('return 1')()", "return (async () => {}).constructor('return 1')"]) {
      const failed = await run(attempt);
      expect(failed.error?.code).toBe("VIOLATION");
      expect(failed.error?.violation_type).toBe("GLOBAL_ALLOWLIST_VIOLATION");
    }
  });
});

describe("robustness", () => {
  test("source nested too deeply is refused as STACK_OVERFLOW before it reaches the engine", async () => {
    const outcome = await run(`return ${"[".repeat(5000)}${"]".repeat(5000)}`);
    expect(outcome.error?.code).toBe("STACK_OVERFLOW");
  });

  test("an attempt for a memory cap with no engine loaded yet waits for one, then runs", async () => {
    const outcome = await createSandbox({ preloadMemoryMb: [] }).run({
      code: "return 1",
      inputJson: "null",
      task: { id: "t", wave: 1, attempt: 1, agent_id: "agent_0" },
      timeoutMs: 1000,
      memoryMb: 64,
      randomSeed: 1,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.resultJson).toBe("1");
  });

  test("an input the guest cannot parse fails the task, not the process", async () => {
    const outcome = await run("return input", { inputJson: "{not json" });
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe("TASK_ERROR");
  });

  test("the bare benchmark cycle runs", async () => {
    await prepareBareCycle();
    expect(() => runBareCycle()).not.toThrow();
  });
});
