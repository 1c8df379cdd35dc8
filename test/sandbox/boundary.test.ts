/**
 * The sandbox's edges against real QuickJS (SPEC 5, issue 3): exactly the allowlisted globals,
 * results that fail in the promise machinery, results too deep or too big to serialise, and
 * memory failures that surface as `null`. The compiled-binary view of the same rules is
 * test/sandbox/hostile.test.ts.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { ALLOWED_GLOBALS, BLOCKED_CONSTRUCTORS, BLOCKED_GLOBALS } from "../../src/sandbox/policy";
import { createSandbox, type SandboxRequest } from "../../src/sandbox";
import { runIn, valueOf } from "./helpers";

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

/**
 * Walks every object reachable from a fresh attempt's global object and the intrinsics that only
 * values lead to (function kinds, iterators, generators, arguments, an engine error), through own
 * property values, getter and setter functions and prototypes, without running any getter; the
 * blocked names' functions and objects must be nowhere. Lazy globals are read first (they are the
 * task's own), so their values are walked too.
 */
const REACHABILITY_WALK = `
const seeds = [globalThis, console, task, input, Math.random,
  function () {}, () => 0, async function () {}, async () => 0, function* () {}, (function* () {})(),
  async function* () {}, (async function* () {})(), class {}, [][Symbol.iterator](), new Map().entries(),
  new Set().values(), ""[Symbol.iterator](), /x/g[Symbol.matchAll]("x"), (function () { return arguments })(),
  (function () { "use strict"; return arguments })(), Promise.resolve(), new Uint8Array(1), new DataView(new ArrayBuffer(1)),
  new Proxy({}, {}), Symbol("s"), 1n, new WeakMap(), new WeakSet(), Object(Symbol()), new Date(), new Error("x"),
  new AggregateError([]), [].values().map ? [].values().map((x) => x) : [], Iterator.from ? Iterator.from({ next() { return { done: true } } }) : []];
try { (function f() { f() })() } catch (e) { seeds.push(e) }
try { let s = "x"; for (;;) s += s } catch (e) { seeds.push(e) }
const blocked = new Set(BLOCKED);
const seen = new Set(), found = [], queue = seeds.map((v, i) => [v, "seed" + i]);
let visited = 0, getters = 0;
while (queue.length > 0) {
  const [v, path] = queue.pop();
  if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v)) continue;
  seen.add(v);
  visited++;
  const name = Object.getOwnPropertyDescriptor(v, "name");
  if (typeof v === "function" && name && "value" in name && blocked.has(name.value)) found.push(path + " is " + name.value);
  const tag = Object.getOwnPropertyDescriptor(v, Symbol.toStringTag);
  if (tag && "value" in tag && OBJECTS.includes(tag.value)) found.push(path + " is " + tag.value);
  queue.push([Object.getPrototypeOf(v), path + ".[[Prototype]]"]);
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key);
    const at = path + "." + String(key);
    if ("value" in d) queue.push([d.value, at]);
    if (d.get) { getters++; queue.push([d.get, at + "(get)"]) }
    if (d.set) queue.push([d.set, at + "(set)"]);
  }
}
return { visited, getters, found };
`;

describe("intrinsics", () => {
  test("no blocked function or object is reachable from the global object or any intrinsic, without running a getter", async () => {
    const blocked = [...Object.keys(BLOCKED_GLOBALS), ...BLOCKED_CONSTRUCTORS];
    const code = `const BLOCKED = ${JSON.stringify(blocked)}, OBJECTS = ["Atomics", "WebAssembly", "navigator", "process", "Bun", "Deno"];\n${REACHABILITY_WALK}`;
    for (const uses of [[], ["ghl", "msgraph", "mployer"]]) {
      const outcome = await run(code, { uses });
      const walked = value(outcome) as { visited: number; getters: number; found: string[] };
      expect(walked.found).toEqual([]);
      // It did walk: hundreds of intrinsics, and the tripwire getters among the accessors.
      expect(walked.visited).toBeGreaterThan(500);
      expect(walked.getters).toBeGreaterThan(blocked.length);
      expect(outcome.violations).toEqual([]);
    }
  });

  test("the walk finds a function of a blocked name hidden deep in an intrinsic, behind a getter's setter", async () => {
    const code = `const BLOCKED = ["Function", "eval"], OBJECTS = ["Atomics"];
      Object.defineProperty(Array.prototype, "x", { get() {}, set: Object.assign(() => 0, { deep: [{ Function() {} }.Function] }) });
      Object.defineProperty(Symbol.prototype, "y", { value: { [Symbol.toStringTag]: "Atomics" } });\n${REACHABILITY_WALK}`;
    const walked = value(await run(code)) as { found: string[] };
    expect(walked.found.length).toBe(2);
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
    expect((await run("return Promise.reject(new Error('later'))")).error).toEqual({ code: "TASK_ERROR", message: "Error: later", location: { file: "task.js", line: 1, column: 32 }, stack: "    at <anonymous> (task.js:1:32)" });
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
