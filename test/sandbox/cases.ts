/**
 * The hostile suite (issue 3): task scripts written by an author who wants out of the sandbox,
 * each with the outcome class it must end in, plus legitimate programs that must keep working.
 * `hostile.test.ts` runs all of them as one `buddy run` of the compiled binary.
 *
 * Defaults keep the suite quick on a 2-core CI machine: hostile cases get 300 ms and 32 MiB,
 * legitimate ones 3 s and 64 MiB. Memory bombs (16 MiB), deep recursion and big results work
 * for a while before they hit their limit, so they get 2–3 s: they end at the limit, long before
 * the deadline, and the slack keeps a loaded machine from turning them into TIMEOUTs.
 */
import { createRng, deriveSeed } from "../../src/core";
import type { ViolationType } from "../../src/sandbox";

export type OutcomeClass =
  | "OK"
  | "TIMEOUT"
  | "MEMORY_LIMIT"
  | "STACK_OVERFLOW"
  | "OUTPUT_LIMIT"
  | "RESULT_NOT_JSON"
  | "TASK_ERROR"
  | "VIOLATION";

export interface HostileCase {
  /** Also the task id. */
  name: string;
  code: string;
  expect: OutcomeClass;
  /** For VIOLATION: the error's violation_type. */
  violation_type?: ViolationType;
  /**
   * Every violation the attempt records, in order. Default: `[violation_type]` for VIOLATION
   * cases, none for the others.
   */
  violations?: ViolationType[];
  /** For OK: the value the code must return. */
  result?: unknown;
  /** For OK: the value, when it depends on the run's seed (Math.random is seeded per attempt). */
  seededResult?: (seed: number, taskId: string) => unknown;
  /**
   * A second class just as correct as `expect`: work left queued that allocates while it spins
   * ends as TIMEOUT, or as MEMORY_LIMIT if it exhausts memory first (SPEC 5), and which comes
   * first depends on how fast the machine is at the time.
   */
  orElse?: OutcomeClass;
  /** @default 300 (3000 for OK) */
  timeout_ms?: number;
  /** @default 32 (64 for OK) */
  memory_mb?: number;
  /**
   * Whether the sandbox stops it by itself (interrupt handler, bounded job draining, a limit).
   * False for native built-ins that never poll the interrupt handler: only the executor kill (its
   * own kernel alarm at timeout + 220 ms) ends those.
   * @default true
   */
  interruptible?: boolean;
}

const ok = (name: string, code: string, result: unknown, extra: Partial<HostileCase> = {}): HostileCase => ({
  name, code, expect: "OK", result, ...extra,
});
const as = (expect: OutcomeClass) => (name: string, code: string, extra: Partial<HostileCase> = {}): HostileCase => ({
  name, code, expect, ...extra,
});
const timeout = as("TIMEOUT");
/** Queued work that grows memory as it spins: TIMEOUT or MEMORY_LIMIT, whichever comes first. */
const spinning = (name: string, code: string, extra: Partial<HostileCase> = {}) =>
  timeout(name, code, { orElse: "MEMORY_LIMIT", ...extra });
const memory = (name: string, code: string, extra: Partial<HostileCase> = {}) =>
  as("MEMORY_LIMIT")(name, code, { memory_mb: 16, timeout_ms: 3000, ...extra });
const stack = (name: string, code: string, extra: Partial<HostileCase> = {}) =>
  as("STACK_OVERFLOW")(name, code, { timeout_ms: 2000, ...extra });
const output = (name: string, code: string, extra: Partial<HostileCase> = {}) =>
  as("OUTPUT_LIMIT")(name, code, { timeout_ms: 2000, ...extra });
const notJson = as("RESULT_NOT_JSON");
const violation = (name: string, code: string, type: ViolationType, extra: Partial<HostileCase> = {}): HostileCase => ({
  name, code, expect: "VIOLATION", violation_type: type, ...extra,
});

/** Programs a real author writes; every one must succeed with exactly this result. */
const LEGITIMATE: HostileCase[] = [
  ok("ok-json", "const t = JSON.stringify({ a: [1, 'x', null], b: { c: true } }); return JSON.parse(t)", { a: [1, "x", null], b: { c: true } }),
  ok("ok-math", "return [Math.max(3, 7), Math.round(Math.sqrt(2) * 1000), Math.hypot(3, 4), Math.trunc(-4.7), 2 ** 10]", [7, 1414, 5, -4, 1024]),
  ok("ok-date", "const d = new Date(Date.UTC(2024, 1, 29, 12)); return [d.toISOString(), d.getUTCDay(), new Date(0).getTime()]", ["2024-02-29T12:00:00.000Z", 4, 0]),
  ok("ok-regexp", "const m = /(?<y>\\d{4})-(?<m>\\d{2})/.exec('on 2024-03'); return [m.groups.y, 'a-b-c'.replace(/-/g, '+'), [...'a1b22'.matchAll(/\\d+/g)].map(x => x[0])]", ["2024", "a+b+c", ["1", "22"]]),
  ok("ok-map-set", "const m = new Map([[1, 'a']]); m.set(2, 'b'); const s = new Set([1, 1, 2, 3]); return [m.size, m.get(2), [...s], s.has(3)]", [2, "b", [1, 2, 3], true]),
  ok("ok-classes", "class A { #x; constructor(x) { this.#x = x } get x() { return this.#x } static of(x) { return new this(x) } } class B extends A { get x() { return super.x * 2 } } return [B.of(21).x, B.of(1) instanceof A]", [42, true]),
  ok("ok-generators", "function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b] } } const out = []; for (const n of fib()) { if (n > 50) break; out.push(n) } return out", [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]),
  ok("ok-async-await", "const wait = (v) => new Promise((r) => r(v)); let sum = 0; for (const v of [1, 2, 3]) sum += await wait(v); const all = await Promise.all([wait(4), Promise.resolve(5)]); return sum + all[0] + all[1]", 15),
  ok("ok-bigint", "const f = (n) => n <= 1n ? 1n : n * f(n - 1n); return f(25n).toString()", "15511210043330985984000000"),
  ok("ok-typed-arrays", "const b = new ArrayBuffer(8); new DataView(b).setUint32(0, 0xdeadbeef); const u = new Uint8Array(b); const f = Float64Array.from([1.5, 2.5]); return [Array.from(u.slice(0, 4)), f.reduce((a, x) => a + x, 0)]", [[222, 173, 190, 239], 4]),
  ok("ok-sort-100k", "const a = []; let x = 12345; for (let i = 0; i < 100000; i++) { x = (x * 1103515245 + 12345) % 2147483648; a.push(x) } a.sort((p, q) => p - q); let sorted = true; for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) sorted = false; return [a.length, sorted]", [100000, true]),
  ok("ok-destructuring-spread", "const { a, ...rest } = { a: 1, b: 2, c: 3 }; const [x, , ...ys] = [1, 2, 3, 4]; return { a, rest, x, ys, s: `${a}+${x}` }", { a: 1, rest: { b: 2, c: 3 }, x: 1, ys: [3, 4], s: "1+1" }),
  ok("ok-errors-caught", "class MyError extends Error { constructor(m) { super(m); this.name = 'MyError' } } try { throw new MyError('x', { cause: 1 }) } catch (e) { return [e.name, e.message, e instanceof Error, String(e)] }", ["MyError", "x", true, "MyError: x"]),
  ok("ok-proxy-reflect-symbol", "const s = Symbol('k'); const p = new Proxy({ [s]: 1 }, { get: (t, k) => k === 'v' ? 42 : Reflect.get(t, k) }); return [p.v, p[s], Reflect.ownKeys({ a: 1 })]", [42, 1, ["a"]]),
  ok("ok-math-random-seeded", "return [Math.random(), Math.random(), Math.random()]", undefined, {
    // The run's mulberry32, seeded from the run seed, the task and the attempt (SPEC 5).
    seededResult: (seed, taskId) => {
      const rng = createRng(deriveSeed(seed, "random", taskId, 1));
      return [rng.next(), rng.next(), rng.next()];
    },
  }),
  ok("ok-input-and-task", "return { n: input.n * 2, id: task.id, attempt: task.attempt }", { n: 42, id: "ok-input-and-task", attempt: 1 }),
  ok("ok-own-input-binding", "const input = 'mine'; let task = 2; return [input, task]", ["mine", 2]),
  ok("ok-memo-recursion", "const memo = new Map(); const fib = (n) => n < 2 ? n : memo.get(n) ?? (memo.set(n, fib(n - 1) + fib(n - 2)), memo.get(n)); return fib(90) > 1e18", true),
  ok("ok-console-flood-truncated", "for (let i = 0; i < 3000; i++) console.log('line ' + i + ' ' + 'z'.repeat(100)); return 'done'", "done"),
  ok("ok-feature-detection", "return [typeof fetch === 'undefined', typeof require]", [true, "undefined"], {
    violations: ["NETWORK_ACCESS_ATTEMPT", "IMPORT_ALLOWLIST_VIOLATION"],
  }),
  ok("ok-stack-has-no-host-paths", "const s = new Error('x').stack; return /task\\.js/.test(s) && !/\\/(work|home|usr|tmp|src)\\//.test(s) && !/node_modules|\\.ts\\b/.test(s)", true),
  ok("ok-strict-mode-kept", "'use strict'; return (function () { return typeof this })()", "undefined"),
  ok("ok-returns-thenable", "return { then(resolve) { resolve(42) } }", 42),
  ok("ok-returns-promise", "return new Promise((resolve) => resolve('later'))", "later"),
  ok("ok-console-deep-object", "let a = []; for (let i = 0; i < 100000; i++) a = [a]; console.log(a); return 'logged'", "logged"),
  ok("ok-catches-stack-overflow", "let depth = 0; const f = () => { depth++; f() }; try { f() } catch (e) { return [e instanceof RangeError || e.name === 'InternalError', depth > 1000] }", [true, true]),
];

/** Endless work in every place a loop can hide; the interrupt handler or the job clock stops it. */
const CPU: HostileCase[] = [
  timeout("cpu-while-true", "while (true) {}"),
  timeout("cpu-finally-loop", "try { for (;;) {} } finally { for (;;) {} }"),
  timeout("cpu-return-then-finally-loop", "try { return 1 } finally { for (;;) {} }"),
  timeout("cpu-catch-interrupt-and-loop", "for (;;) { try { while (true) {} } catch (e) {} }"),
  timeout("cpu-getter", "const o = { get x() { for (;;) {} } }; return o.x"),
  timeout("cpu-tostring-coercion", "const o = { toString() { for (;;) {} } }; return `${o}`"),
  timeout("cpu-valueof-arithmetic", "const o = { valueOf() { while (1) {} } }; return o * 2"),
  timeout("cpu-toprimitive", "const o = { [Symbol.toPrimitive]() { for (;;) {} } }; return o + 1"),
  timeout("cpu-promise-job-chain", "function f() { Promise.resolve().then(f) } f(); await new Promise(() => {})"),
  timeout("cpu-promise-catch-reschedule", "const spin = () => Promise.resolve().then(() => { for (;;) {} }).catch(spin); spin(); await new Promise(() => {})"),
  timeout("cpu-await-loop", "for (;;) await null"),
  timeout("cpu-then-fanout", "const f = () => { const p = Promise.resolve(); p.then(f); p.then(f) }; f(); await new Promise(() => {})"),
  timeout("cpu-regex-backtracking", "return /(a+)+$/.test('a'.repeat(40) + '!')"),
  timeout("cpu-regex-replace", "return 'x'.repeat(40).replace(/(x+x+)+y/, 'z')"),
  timeout("cpu-sort-comparator", "return [3, 1, 2].sort(() => { for (;;) {} })"),
  timeout("cpu-json-reviver", "return JSON.parse('[1]', () => { for (;;) {} })"),
  timeout("cpu-proxy-trap", "const p = new Proxy({}, { get() { for (;;) {} } }); return p.anything"),
  timeout("cpu-generator-body", "function* g() { for (;;) {} } return g().next()"),
  timeout("cpu-static-block", "class A { static { for (;;) {} } } return 1"),
  timeout("cpu-iterator-destructuring", "const it = { [Symbol.iterator]() { return { next() { for (;;) {} } } } }; const [a] = it; return a"),
  timeout("cpu-tojson-in-result", "return { toJSON() { for (;;) {} } }"),
  timeout("cpu-thenable-result", "return { then() { for (;;) {} } }"),
  timeout("cpu-recursion-caught-in-loop", "const f = () => f(); for (;;) { try { f() } catch (e) {} }"),
  timeout("cpu-long-finite-math", "let x = 0; for (let i = 0; i < 1e12; i++) x += Math.sqrt(i); return x"),
];

/** Native built-ins that loop in C without polling the interrupt handler (sandbox-notes 2.2). */
const NATIVE: HostileCase[] = [
  timeout("native-includes-huge-arraylike", "return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 'x')", { interruptible: false }),
  timeout("native-lastindexof-huge-arraylike", "return Array.prototype.lastIndexOf.call({ length: 2 ** 32 - 1 }, 'x')", { interruptible: false }),
  timeout("native-quadratic-indexof", "return 'a'.repeat(2 ** 22).indexOf('a'.repeat(2 ** 21) + 'b')", { interruptible: false, memory_mb: 64 }),
  timeout("native-every-huge-arraylike", "return Array.prototype.every.call({ length: 2 ** 32 - 1 }, () => true)", { interruptible: false }),
  // Past the cap QuickJS's string builder only flags the error and keeps looping to the end.
  timeout("native-join-past-memory-cap", "return new Array(1e9).join('xy').length", { interruptible: false }),
];

/** Memory bombs: the hard WASM cap holds whatever the allocation pattern. */
const MEMORY: HostileCase[] = [
  memory("mem-single-huge-string", "return 'x'.repeat(2 ** 28).length"),
  memory("mem-many-objects", "const keep = []; for (;;) keep.push({ i: keep.length, s: 'abc' + keep.length })"),
  memory("mem-typed-array-chunks", "const keep = []; for (;;) keep.push(new Float64Array(1 << 13))"),
  memory("mem-key-flood", "const o = {}; for (let i = 0; ; i++) o['key' + i] = i"),
  memory("mem-map-growth", "const m = new Map(); for (let i = 0; ; i++) m.set(i, [i])"),
  memory("mem-in-promise-jobs", "const keep = []; const grow = async () => { for (;;) { keep.push(new Array(1000).fill(keep.length)); await null } }; await grow()"),
  memory("mem-closures", "let f = () => 0; for (let i = 0; ; i++) { const g = f; const pad = [i, i, i, i]; f = () => g() + pad[0] }"),
  memory("mem-100mb-string-64mb-cap", "return 'x'.repeat(100 * 1024 * 1024)", { memory_mb: 64 }),
];

/** Recursion and nesting: a clean STACK_OVERFLOW, never a crashed host. */
const STACK: HostileCase[] = [
  stack("stack-plain-recursion", "function f() { return f() + 1 } return f()"),
  stack("stack-mutual-recursion", "const a = (n) => b(n + 1); const b = (n) => a(n + 1); return a(0)"),
  stack("stack-getter-recursion", "const o = { get x() { return this.x } }; return o.x"),
  stack("stack-tostring-recursion", "const o = { toString() { return 'a' + this } }; return String(o)"),
  stack("stack-proxy-recursion", "const p = new Proxy({}, { get: (t, k, r) => r[k] }); return p.x"),
  stack("stack-async-recursion", "async function f() { return f() } return await f()"),
  stack("stack-callback-recursion", "const f = (a) => a.map(() => f(a)); return f([1])"),
  stack("stack-json-parse-deep", "return JSON.parse('['.repeat(100000) + ']'.repeat(100000))"),
  stack("stack-deep-result", "let a = []; for (let i = 0; i < 100000; i++) a = [a]; return a"),
  stack("stack-deep-source", `return ${"[".repeat(5000)}${"]".repeat(5000)}`),
  stack("stack-deep-array-tostring", "let a = []; for (let i = 0; i < 100000; i++) a = [a]; return String(a)"),
  stack("stack-deep-regexp-source", "return new RegExp('(?:'.repeat(100000) + ')'.repeat(100000)).source.length"),
  stack("stack-recursion-in-job", "await null; const f = () => f() + 1; return f()"),
  stack("stack-caught-and-rethrown", "try { (function f() { f() })() } catch (e) { throw e }"),
  stack("stack-then-getter-recursion", "const o = { get then() { return o.then } }; return o"),
  stack("stack-message-carried-on", "let m; try { (function f() { f() })() } catch (e) { m = e.message } throw { message: m }"),
];

/** Results too large for the 1 MiB limit. */
const OUTPUT: HostileCase[] = [
  output("out-2mb-string", "return 'x'.repeat(2 * 1024 * 1024)"),
  output("out-big-array", "return Array.from({ length: 300000 }, (_, i) => i)"),
  output("out-100mb-string", "return 'x'.repeat(100 * 1024 * 1024)", { memory_mb: 512, timeout_ms: 10000 }),
  output("out-wide-object", "const o = {}; for (let i = 0; i < 60000; i++) o['k' + i] = 'v'.repeat(20); return o", { memory_mb: 64 }),
];

/** Results that are not JSON, however they try to look like it. */
const NOT_JSON: HostileCase[] = [
  notJson("json-cycle", "const a = { b: {} }; a.b.a = a; return a"),
  notJson("json-bigint-top", "return 10n"),
  notJson("json-bigint-nested", "return { n: [1n] }"),
  notJson("json-function", "return function () {}"),
  notJson("json-symbol", "return Symbol('s')"),
  notJson("json-throwing-getter", "return { get boom() { throw new Error('getter') } }"),
  notJson("json-throwing-tojson", "return { toJSON() { throw new Error('no') } }"),
  notJson("json-revoked-proxy-top", "const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy"),
  notJson("json-revoked-proxy-after-await", "const p = Proxy.revocable({}, {}); p.revoke(); await null; return p.proxy"),
  notJson("json-revoked-proxy-nested", "const p = Proxy.revocable({}, {}); p.revoke(); return { inner: [p.proxy] }"),
  notJson("json-throwing-then-getter", "return { get then() { throw new Error('then') } }"),
  notJson("json-throwing-proxy-top", "return new Proxy({}, { get() { throw new Error('no reads') } })"),
  notJson("json-ownkeys-trap-throws", "return { p: new Proxy({}, { ownKeys() { throw new Error('keys') } }) }"),
  notJson("json-tojson-undefined", "return { toJSON() { return undefined } }"),
];

/** Reaching for the host: every touch is recorded; an attempt that then fails is VIOLATION. */
const VIOLATIONS: HostileCase[] = [
  violation("vio-fetch", "const r = await fetch('https://example.com'); return r.status", "NETWORK_ACCESS_ATTEMPT"),
  violation("vio-fetch-computed", "return await globalThis['fe' + 'tch']('https://example.com')", "NETWORK_ACCESS_ATTEMPT"),
  violation("vio-websocket", "return new WebSocket('wss://example.com')", "NETWORK_ACCESS_ATTEMPT"),
  violation("vio-navigator", "return navigator.sendBeacon('https://example.com', 'x')", "NETWORK_ACCESS_ATTEMPT"),
  // A task that declares no providers (none here do) finds no `providers` (SPEC 6).
  violation("vio-undeclared-providers", "return await providers.ghl.listContacts({ limit: 1 })", "NETWORK_ACCESS_ATTEMPT"),
  violation("vio-providers-computed", "return await globalThis['provid' + 'ers'].msgraph.testConnection()", "NETWORK_ACCESS_ATTEMPT"),
  violation("vio-process-reflect", "return Reflect.get(globalThis, 'process').env.HOME", "SUBPROCESS_ATTEMPT"),
  violation("vio-bun-destructuring", "const { Bun } = globalThis; return Bun.spawnSync(['id']).stdout", "SUBPROCESS_ATTEMPT"),
  violation("vio-this-process", "return (function () { return this.process.pid })()", "SUBPROCESS_ATTEMPT"),
  violation("vio-worker", "return new Worker('data:,postMessage(1)')", "SUBPROCESS_ATTEMPT"),
  violation("vio-bun-file", "return await Bun.file('/etc/passwd').text()", "FILESYSTEM_ATTEMPT"),
  violation("vio-deno-read", "return await Deno.readTextFile('/etc/passwd')", "FILESYSTEM_ATTEMPT"),
  violation("vio-require-fs", "return require('fs').readFileSync('/etc/passwd', 'utf8')", "FILESYSTEM_ATTEMPT"),
  violation("vio-require-child-process", "return require('child_process').execSync('id').toString()", "SUBPROCESS_ATTEMPT"),
  violation("vio-static-import", "import fs from 'fs'\nreturn fs.readFileSync('/etc/passwd')", "IMPORT_ALLOWLIST_VIOLATION"),
  violation("vio-dynamic-import", "const fs = await import('node:fs'); return fs.readFileSync('/etc/passwd')", "IMPORT_ALLOWLIST_VIOLATION"),
  violation("vio-module-exports", "module.exports = { pwned: true }; return 1", "IMPORT_ALLOWLIST_VIOLATION"),
  violation("vio-eval", "return eval('1 + 1')", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-function-ctor", "return new Function('return 1')()", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-constructor-chain", "return (function () {}).constructor('return process')()", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-array-constructor-chain", "return [].constructor.constructor('return this')()", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-async-function-ctor", "return (async function () {}).constructor('return 1')", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-generator-ctor", "return Object.getPrototypeOf(function* () {}).constructor('yield 1')().next()", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-async-generator-ctor", "return Reflect.getPrototypeOf(async function* () {}).constructor('yield 1')", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-console-constructor", "return console.log.constructor('return this')()", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-shared-array-buffer", "return new SharedArrayBuffer(8).byteLength", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-atomics", "return Atomics.add(new Int32Array(4), 0, 1)", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-webassembly", "return WebAssembly.validate(new Uint8Array([0, 97, 115, 109]))", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-settimeout", "return await new Promise((r) => setTimeout(r, 10))", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-weakref", "return new WeakRef({}).deref()", "GLOBAL_ALLOWLIST_VIOLATION"),
  violation("vio-internal-error-global", "throw new InternalError('not an ES built-in')", "GLOBAL_ALLOWLIST_VIOLATION"),
];

/**
 * Tasks that rewrite the shared world (prototypes, JSON, globals) and still succeed: wave 2's
 * leftovers check must not see any of it.
 */
const POLLUTERS: HostileCase[] = [
  ok("pollute-object-prototype", "Object.prototype.polluted = 'yes'; Object.defineProperty(Object.prototype, 'then', { value: undefined, writable: true, configurable: true }); return ({}).polluted", "yes"),
  ok("pollute-array-and-function-prototypes", "Array.prototype.map = null; Array.prototype.extra = 1; Object.getPrototypeOf(function () {}).call = null; String.prototype.trim = () => 'x'; return typeof [].map", "object"),
  ok("pollute-json-and-math", "JSON.stringify = () => '\"forged\"'; JSON.parse = null; Math.random = () => 4; return { real: true }", { real: true }),
  ok("pollute-globals", "globalThis.leaked = 1; var leakedVar = 2; Promise = null; Object.freeze(Object.prototype); Object.freeze(globalThis); return [typeof leaked, typeof Promise]", ["number", "object"]),
  ok("pollute-errors-and-symbols", "Error = function () {}; TypeError.prototype.name = 'Forged'; Symbol.iterator.description; Object.defineProperty(Array.prototype, Symbol.iterator, { value: function* () { yield 'forged' } }); return [...[1, 2]]", ["forged"]),
];


/**
 * Issue 9, point 1: the global object reached without naming it, by every route, for every kind
 * of blocked name. Each touch is recorded and reads as `undefined`, whatever the source says.
 */
const G = "GLOBAL_ALLOWLIST_VIOLATION" as const;
const ROUTES: Record<string, string> = {
  getter: `Object.defineProperty(Object.prototype, "gg", { get: Object.prototype.valueOf }); const g = gg;`,
  "define-getter": `Object.prototype.__defineGetter__("gg", Object.prototype.valueOf); const g = gg;`,
  concat: `Object.defineProperty(Object.prototype, "gg", { get: Array.prototype.concat }); const g = gg[0];`,
  "proxy-proto": `__proto__ = new Proxy({}, { get: (t, k, r) => r }); const g = gg;`,
  "sloppy-this": `const g = (function () { return this })();`,
  "call-trick": `Object.defineProperty(Object.prototype, "gg", { get: Function.prototype.call.bind(Object.prototype.valueOf) }); const g = (function () { return this })(); void gg;`,
};
const ROUTE_NAMES: Array<[string, ViolationType]> = [
  ["eval", G], ["Function", G], ["SharedArrayBuffer", G], ["WeakRef", G], ["FinalizationRegistry", G],
  ["fetch", "NETWORK_ACCESS_ATTEMPT"], ["process", "SUBPROCESS_ATTEMPT"], ["Atomics", G], ["WebAssembly", G],
];
/** Spelled so that the name never appears in the source. */
const spelled = (name: string) => `${JSON.stringify(name.slice(0, 2))} + ${JSON.stringify(name.slice(2))}`;
const GLOBAL_ROUTES: HostileCase[] = Object.entries(ROUTES).flatMap(([route, prelude], r) =>
  ROUTE_NAMES.filter((_, i) => (i + r) % 3 === 0 || route === "getter").map(([name, type]) =>
    // Calls the blocked value: the touch is recorded, the call fails, so the attempt is VIOLATION.
    violation(`route-${route}-${name}`, `${prelude} return g[${spelled(name)}]("1 + 2")`, type),
  ),
);

const ROUTE_VARIANTS: HostileCase[] = [
  ok("route-typeof-unrecorded-never", `Object.defineProperty(Object.prototype, "gg", { get: Object.prototype.valueOf }); return typeof gg[${spelled("eval")}]`, "undefined", { violations: [G] }),
  violation("route-reflect-get-this", `return Reflect.get(this, ${spelled("eval")})("1")`, G),
  ok("route-descriptors-hold-no-real-value", `const d = Object.getOwnPropertyDescriptors(globalThis); return ["eval", "Function", "WeakRef", "SharedArrayBuffer"].map((k) => "value" in d[k] || d[k].configurable)`, [false, false, false, false]),
  violation("route-descriptor-getter-called", `return Object.getOwnPropertyDescriptor(globalThis, ${spelled("eval")}).get()("1")`, G),
  violation("route-with-global", `with (globalThis) { return eval("1") }`, G),
  violation("route-delete-then-read", `delete globalThis[${spelled("eval")}]; return globalThis[${spelled("eval")}]("1")`, G),
  violation("route-redefine-then-read", `try { Object.defineProperty(globalThis, "eval", { value: 1 }) } catch {} return eval("1")`, G),
  ok("route-strict-delete-refused", `"use strict"; try { delete globalThis[${spelled("fetch")}]; return "deleted" } catch (e) { return e instanceof TypeError }`, true),
  violation("route-async-generator-ctor", `return Object.getPrototypeOf(async function* () {}).constructor("yield 1")`, G),
  violation("route-ctor-after-delete", `try { delete Function.prototype.constructor } catch {} return (() => 0).constructor("return 1")()`, G, { violations: [G, G] }),
  violation("route-indirect-eval-comma", `return (0, globalThis[${spelled("eval")}])("1")`, G),
  violation("route-indirect-eval-array", `return [globalThis][0][${spelled("eval")}]("1")`, G),
  violation("route-function-via-bind", `return Function.prototype.bind.call(Object.getPrototypeOf(() => 0).constructor, null, "return 1")()`, G),
  ok("route-callee-caller-sloppy", `return (function () { try { return typeof arguments.callee.caller } catch (e) { return e.name } })()`, "undefined"),
  violation("route-lazy-console-via-getter", `Object.defineProperty(Object.prototype, "gg", { get: Object.prototype.valueOf }); gg[${spelled("console")}].log("hi"); return gg[${spelled("Bun")}].version`, "SUBPROCESS_ATTEMPT"),
  ok("route-lazy-globals-reachable", `Object.defineProperty(Object.prototype, "gg", { get: Object.prototype.valueOf }); return [typeof gg[${spelled("console")}].log, gg[${spelled("task")}].attempt]`, ["function", 1]),
];

/** Issue 9, point 2: an attempt is finished when its promise settled *and* its job queue is empty. */
const LEFT_QUEUED: HostileCase[] = [
  timeout("queue-job-spins-after-return", "Promise.resolve().then(() => { for (;;) {} }); return 'done'"),
  spinning("queue-job-chain-after-return", "const f = () => Promise.resolve().then(f); f(); return 'done'", { memory_mb: 256 }),
  spinning("queue-fanout-after-return", "const f = () => { const p = Promise.resolve(); p.then(f); p.then(f) }; f(); return 'done'", { memory_mb: 256 }),
  timeout("queue-await-loop-after-return", "(async () => { for (;;) await null })(); return 'done'"),
  timeout("queue-spins-after-throw", "Promise.resolve().then(() => { for (;;) {} }); throw new Error('early')"),
  // Rejection chains allocate as they go: a cap well above what 300 ms can fill keeps them TIMEOUT.
  spinning("queue-catch-reschedules-after-return", "const spin = () => Promise.reject(1).catch(spin); spin(); return 'done'", { memory_mb: 256 }),
  spinning("queue-unawaited-rejection-chain", "const f = (n) => Promise.reject(n).catch((e) => f(e + 1)); f(0); return 'done'", { memory_mb: 256 }),
  timeout("queue-job-from-result-getter", "return { get x() { Promise.resolve().then(() => { for (;;) {} }); return 1 } }"),
  timeout("queue-job-chain-flat-after-return", "const f = () => { Promise.resolve().then(f) }; f(); return 'done'"),
  spinning("queue-job-from-tojson", "return { toJSON() { const f = () => Promise.resolve().then(f); f(); return 1 } }"),
  timeout("queue-job-from-thrown-proxy", "throw new Proxy({}, { getOwnPropertyDescriptor() { Promise.resolve().then(() => { for (;;) {} }) } })"),
  memory("queue-memory-after-return", "Promise.resolve().then(() => { const k = []; for (;;) k.push(new Float64Array(8192)) }); return 'done'"),
  ok("queue-finite-jobs-run-to-end", "let n = 0; const f = () => { if (++n < 5000) Promise.resolve().then(f) }; f(); return 'done'", "done"),
];

/** Issue 9, point 4: codes from the engine's facts, never from a message the task wrote. */
const task = as("TASK_ERROR");
const FORGED: HostileCase[] = [
  task("forged-error-out-of-memory", "throw new Error('out of memory')"),
  task("forged-rangeerror-call-stack", "throw new RangeError('Maximum call stack size exceeded')"),
  task("forged-error-stack-overflow", "throw new Error('stack overflow')"),
  task("forged-internal-oom-from-typeerror-ctor", "try { null.x } catch (e) { throw new e.constructor('out of memory') }"),
  violation("forged-internal-oom-from-overflow-ctor", "const f = () => f(); try { f() } catch (e) { throw new e.constructor('out of memory') }", G),
  violation("forged-internal-interrupted", "const f = () => f(); try { f() } catch (e) { throw new e.constructor('interrupted') }", G),
  task("forged-plain-object-oom", "throw { name: 'InternalError', message: 'out of memory' }"),
  task("forged-string-oom", "throw 'out of memory'"),
  violation("forged-overflow-from-real-ctor", "let C; try { (function f() { f() })() } catch (e) { C = e.constructor } throw new C('stack overflow')", G),
  task("forged-overflow-real-prototype", "let P; try { (function f() { f() })() } catch (e) { P = Object.getPrototypeOf(e) } throw Object.setPrototypeOf(new Error('stack overflow'), P)"),
  task("forged-overflow-length-cap-proto", "let P; try { let s = 'x'; for (;;) s += s } catch (e) { P = Object.getPrototypeOf(e) } function G() {} G.prototype = P; throw Reflect.construct(Error, ['stack overflow'], G)"),
  task("forged-overflow-plain-object", "throw { name: 'InternalError', message: 'stack overflow' }"),
  task("forged-overflow-syntaxerror", "throw new SyntaxError('stack overflow')"),
  task("forged-overflow-proxy", "throw new Proxy({}, { getOwnPropertyDescriptor: (t, k) => ({ value: k === 'name' ? 'InternalError' : 'stack overflow', configurable: true }) })"),
  task("forged-overflow-in-job", "await null; throw { name: 'InternalError', message: 'stack overflow' }"),
  task("forged-overflow-after-real-one", "try { (function f() { f() })() } catch {} throw { name: 'InternalError', message: 'stack overflow' }"),
  task("forged-overflow-after-deep-calls", "const f = (n) => n ? f(n - 1) + 1 : 0; f(4000); throw { name: 'InternalError', message: 'stack overflow' }", { timeout_ms: 2000 }),
  task("forged-overflow-message-mutated", "try { (function f() { f() })() } catch (e) { e.message += ''; e.message = 'stack overflow'; throw e }"),
  task("engine-string-length-cap", "let s = 'x'; for (;;) s += s"),
  task("engine-array-buffer-length", "return new ArrayBuffer(2 ** 31).byteLength"),
  memory("mem-repeat-2-28-at-64", "return 'x'.repeat(2 ** 28).length", { memory_mb: 64 }),
  memory("mem-array-buffer-1gb-at-64", "return new ArrayBuffer(2 ** 30).byteLength", { memory_mb: 64 }),
  memory("mem-caught-oom-then-return", "try { const k = []; for (;;) k.push(new Float64Array(8192)) } catch (e) {} return 'survived'"),
];

/** Issue 9, point 5: limits at their edges. */
const EDGES: HostileCase[] = [
  ok("edge-memory-4096", "const a = []; for (let i = 0; i < 32; i++) a.push(new Uint8Array(1 << 20)); return a.length", 32, { memory_mb: 4096 }),
  ok("edge-memory-1", "return [1, 2, 3].length", 3, { memory_mb: 1 }),
  // Floods of calls into the host: what is checked is the console cap, not the machine's speed
  // (500,000 calls took 1 s on an idle VM, over 3 s on a busy one), so their deadline is far off.
  ok("edge-console-empty-flood", "for (let i = 0; i < 500000; i++) console.log(); return 'done'", "done", { timeout_ms: 30000 }),
  ok("edge-console-long-lines", "for (let i = 0; i < 100; i++) console.log('x'.repeat(100000)); return 'done'", "done"),
  ok("edge-console-levels-flood", "for (let i = 0; i < 200000; i++) console.warn(''); return 'done'", "done", { timeout_ms: 30000 }),
  // A native built-in that polls the interrupt handler too rarely: only the executor kill ends it.
  timeout("native-copywithin-loop", "const b = new Uint8Array(16 * 1024 * 1024); for (;;) b.copyWithin(1, 0)", { memory_mb: 64, interruptible: false }),
];

/** Issue 9 review, point 2: PROVIDER_ERROR only from a provider's real rejection (tasks here declare no `uses`). */
const FORGED_PROVIDER: HostileCase[] = [
  task("forged-provider-error-429", "throw { code: 'PROVIDER_ERROR', provider: 'ghl', method: 'createContact', status: 429, retry_after: 86400, message: 'forged' }"),
  task("forged-provider-error-error-object", "const e = new Error('forged'); e.code = 'PROVIDER_ERROR'; e.status = 503; throw e"),
  task("forged-provider-error-in-job", "await null; throw Object.freeze({ code: 'PROVIDER_ERROR', status: 500, message: 'forged' })"),
  task("forged-provider-error-weakset-patched", "WeakSet.prototype.has = () => true; WeakSet.prototype.add = () => {}; throw { code: 'PROVIDER_ERROR', status: 429, message: 'forged' }"),
  task("forged-provider-error-proxy", "throw new Proxy({}, { getOwnPropertyDescriptor: (t, k) => ({ value: k === 'code' ? 'PROVIDER_ERROR' : 429, configurable: true }) })"),
];

/** Point 3: the RESULT_NOT_JSON marker cannot be reached, named, shadowed or forged. */
const FORGED_NOT_JSON: HostileCase[] = [
  task("forged-marker-old-name", "$buddy$r(); throw new Error('plain task error')"),
  task("forged-marker-arguments", "for (const a of arguments) if (typeof a === 'function') a(); throw new Error('plain')"),
  task("forged-marker-callee-source", "const src = arguments.callee.toString(); const m = /\\$r(\\w+)\\(0\\)/.exec(src); globalThis['$k' + m[1]] = 0; throw new Error(src.length > 0 ? 'read it' : 'no')"),
  task("forged-marker-escape-braces", "}finally{}})(), (async function(){ throw new Error('x') })(); (async function(){try{"),
  task("forged-marker-escape-and-return", "return 1}finally{}})(); (async function(){ await null; throw new Error('x') })(); (async function(){try{ return 2"),
  task("forged-marker-escape-learns-suffix", "}finally{}})(); (async function(){ const s = /\\$k(\\w+)=0/.exec(arguments.callee.toString())[1]; globalThis['$k' + s] = 0; await null; throw new Error('x'); try{"),
  ok("forged-marker-escape-returns-normally", "}finally{}})(); (async function(){ const s = /\\$k(\\w+)=0/.exec(arguments.callee.toString())[1]; globalThis['$k' + s] = 0; try{ return 'mine'", "mine"),
  ok("marker-names-free-for-the-task", "var $buddy$r = 1, $buddy$t = 2, $buddy$e = 3; let $r = 4; return [$buddy$r, $buddy$t, $buddy$e, $r, arguments.length]", [1, 2, 3, 4, 0]),
];

/** Point 5: every blocked name's first touch is recorded, whatever floods the log. */
const UNRECORDED: HostileCase[] = [
  violation("touch-alternating-decoys-then-eval", "for (var i = 0; i < 60; i++) { typeof fetch; typeof process } typeof eval; throw 1", "NETWORK_ACCESS_ATTEMPT", {
    violations: ["NETWORK_ACCESS_ATTEMPT", "SUBPROCESS_ATTEMPT", G],
  }),
  violation("touch-every-name-many-times-first-is-first", "const g = globalThis; for (let i = 0; i < 50; i++) for (const k of ['navigator', 'fetch', 'Bun', 'eval', 'WebSocket']) typeof g[k]; throw 1", "NETWORK_ACCESS_ATTEMPT", {
    violations: ["NETWORK_ACCESS_ATTEMPT", "NETWORK_ACCESS_ATTEMPT", "SUBPROCESS_ATTEMPT", G, "NETWORK_ACCESS_ATTEMPT"],
  }),
  violation("touch-import-flood-then-eval", "for (let i = 0; i < 300; i++) import('m' + i).catch(() => {}); await null; typeof eval; throw 1", "IMPORT_ALLOWLIST_VIOLATION", {
    violations: [...Array.from({ length: 100 }, () => "IMPORT_ALLOWLIST_VIOLATION" as const), G],
  }),
];

/** Point 6: InternalError reached through an engine error's prototype is recorded and unavailable. */
const INTERNAL_ERROR: HostileCase[] = [
  violation("internal-error-ctor-from-overflow", "function f() { f() } let C; try { f() } catch (e) { C = e.constructor } return new C('x')", G),
  ok("internal-error-ctor-reads-undefined", "function f() { f() } let C; try { f() } catch (e) { C = e.constructor } return [typeof C]", ["undefined"], { violations: [G] }),
  violation("internal-error-ctor-via-proto", "let P; try { (function f() { f() })() } catch (e) { P = Object.getPrototypeOf(e) } return Reflect.get(P, 'constructor')('x')", G),
  ok("internal-error-ctor-descriptor-only", "let P; try { (function f() { f() })() } catch (e) { P = Object.getPrototypeOf(e) } const d = Object.getOwnPropertyDescriptor(P, 'constructor'); return ['value' in d, d.configurable, typeof d.get]", [false, false, "function"]),
];

/** Point 7: MEMORY_LIMIT only from a refused allocation (64 MiB tasks; the module's cap is 70 MiB). */
const MEMORY_FACTS: HostileCase[] = [
  ok("mem-212-quarter-mib-chunks-held", "var k = []; for (var i = 0; i < 212; i++) k.push(new Uint8Array(2 ** 18)); return k.length / 4 + ' MiB held'", "53 MiB held", { memory_mb: 64 }),
  ok("mem-60-mib-in-one-piece", "const b = new Uint8Array(60 * 1024 * 1024); b[b.length - 1] = 7; return b[b.length - 1]", 7, { memory_mb: 64 }),
  memory("mem-push-loop-64", "const k = []; for (;;) k.push({ i: k.length })", { memory_mb: 64 }),
  memory("mem-typed-flood-64", "const k = []; for (;;) k.push(new Float64Array(8192))", { memory_mb: 64 }),
];

/** Smaller points: lone surrogates survive in a top-level string result. */
const TEXT: HostileCase[] = [
  ok("text-lone-surrogates-top-level", "return 'a\\ud800b\\udc00c\\u{1F600}'", "a\ud800b\udc00c\u{1F600}"),
  ok("text-replacement-char-kept", "return '\\ufffd' + 'x'", "\ufffdx"),
  ok("text-nul-top-level", "return 'x\\u0000y\\u0000'", "x\u0000y\u0000"),
  ok("text-nul-and-surrogate-top-level", "return '\\u0000\\ud800'", "\u0000\ud800"),
  ok("text-nul-in-console", "console.log('c\\u0000d', 'z'); return 'ok'", "ok"),
];

export const CASES: readonly HostileCase[] = [
  ...LEGITIMATE,
  ...CPU,
  ...NATIVE,
  ...MEMORY,
  ...STACK,
  ...OUTPUT,
  ...NOT_JSON,
  ...VIOLATIONS,
  ...POLLUTERS,
  ...GLOBAL_ROUTES,
  ...ROUTE_VARIANTS,
  ...LEFT_QUEUED,
  ...FORGED,
  ...EDGES,
  ...FORGED_PROVIDER,
  ...FORGED_NOT_JSON,
  ...UNRECORDED,
  ...INTERNAL_ERROR,
  ...MEMORY_FACTS,
  ...TEXT,
];

/** The violations a case's attempt must record, in order. */
export const expectedViolations = (c: HostileCase): ViolationType[] =>
  c.violations ?? (c.expect === "VIOLATION" && c.violation_type !== undefined ? [c.violation_type] : []);

export const timeoutOf = (c: HostileCase): number => c.timeout_ms ?? (c.expect === "OK" ? 3000 : 300);
export const memoryOf = (c: HostileCase): number => c.memory_mb ?? (c.expect === "OK" ? 64 : 32);

/**
 * What wave 2 runs after every case above: a description of the global object and the shared
 * intrinsics (own keys with their kind and attributes, extensibility) plus direct checks for each
 * pollution the cases attempted. It names no blocked global, so it records no violation.
 */
export const LEFTOVERS_CHECK = `
const fnProto = Object.getPrototypeOf(function () {});
const targets = {
  global: globalThis, ObjectPrototype: Object.prototype, ArrayPrototype: Array.prototype,
  FunctionPrototype: fnProto, StringPrototype: String.prototype, NumberPrototype: Number.prototype,
  PromisePrototype: Promise.prototype, ErrorPrototype: Error.prototype, TypeErrorPrototype: TypeError.prototype,
  JSON, Math, Reflect, Object, Array, Promise, Symbol, RegExpPrototype: RegExp.prototype, MapPrototype: Map.prototype,
  ArrayIteratorPrototype: Object.getPrototypeOf([][Symbol.iterator]()),
};
const describe = (o) => Reflect.ownKeys(o).map((k) => {
  const d = Object.getOwnPropertyDescriptor(o, k);
  const kind = 'value' in d ? (typeof d.value === 'function' ? 'function ' + d.value.name + '/' + d.value.length : typeof d.value) : 'accessor';
  return String(k) + ' ' + kind + ' ' + (d.writable ? 'w' : '') + (d.configurable ? 'c' : '') + (d.enumerable ? 'e' : '');
}).sort();
const fingerprint = {};
for (const name of Object.keys(targets)) {
  fingerprint[name] = { keys: describe(targets[name]), extensible: Object.isExtensible(targets[name]) };
}
const checks = {
  noLeakedGlobal: typeof leaked === 'undefined' && typeof leakedVar === 'undefined',
  objectPrototypeClean: ({}).polluted === undefined && !('then' in {}),
  arrayPrototypeClean: typeof [].map === 'function' && [].extra === undefined,
  callWorks: typeof (function () {}).call === 'function',
  trimWorks: ' a '.trim() === 'a',
  jsonWorks: JSON.stringify({ a: 1 }) === '{"a":1}' && JSON.parse('[2]')[0] === 2,
  randomInRange: Math.random() < 1,
  promiseIntact: typeof Promise === 'function',
  notFrozen: Object.isExtensible(Object.prototype) && Object.isExtensible(globalThis),
  errorsIntact: new Error('x') instanceof Error && TypeError.prototype.name === 'TypeError',
  iterationIntact: [...[1, 2]].length === 2,
};
return { fingerprint, checks };
`;
