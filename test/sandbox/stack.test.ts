/**
 * Deep recursion needs the enlarged native stack executors are started with (SPEC 5): WASM
 * frames run on the host stack, so these cases run in a child `bun` started the same way,
 * the larger `ulimit -s` plus its JSC variable (sandbox/limits.ts). Each must end as a clean guest
 * STACK_OVERFLOW with no engine fault, and the sandbox must keep working afterwards. A forged
 * overflow error, in any shape, is the task's own error (SPEC 5: codes from the engine's facts).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NATIVE_STACK_ENV, NATIVE_STACK_KIB, NATIVE_STACK_USAGE_BYTES } from "../../src/sandbox/limits";

const dir = mkdtempSync(join(tmpdir(), "buddy-sandbox-stack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface StackCase {
  code: string;
  inputJson?: string;
  /** @default "STACK_OVERFLOW" */
  expect?: string;
}

/** A forged overflow error thrown by `code`: the task's own error (or a result it failed to read). */
const forged = (code: string, expect = "TASK_ERROR"): StackCase => ({ code, expect });
const OVERFLOW = "(function f() { f() })()";
const LOOKALIKE = "{ name: 'InternalError', message: 'stack overflow' }";

const CASES: Record<string, StackCase> = {
  recursion: { code: "function f() { return f() + 1 } return f()" },
  getterRecursion: { code: "const o = { get x() { return this.x } }; return o.x" },
  toStringRecursion: { code: "const o = { toString() { return `${o}` } }; return String(o)" },
  proxyRecursion: { code: "const p = new Proxy({}, { get(t, k) { return p[k] } }); return p.x" },
  deepInput: { code: "return input.length", inputJson: "[".repeat(200_000) + "]".repeat(200_000) },
  deepParse: { code: "return JSON.parse('['.repeat(200000) + ']'.repeat(200000)).length" },
  deepRegExp: { code: "return new RegExp('(?:'.repeat(100000) + ')'.repeat(100000)).source.length" },
  recursionInJob: { code: "await null; function f() { return f() + 1 } return f()" },
  caughtAndRethrown: { code: `try { ${OVERFLOW} } catch (e) { throw e }` },
  throughFinally: { code: `let n = 0; try { ${OVERFLOW} } finally { n++ }` },
  bigFramesNearTheLimit: {
    code: "const big = new Array(60000).fill(1); const h = (n) => n ? h(n - 1) : Math.max(...big); for (let n = 0; ; n += 20) h(n)",
  },
  // The engine checks before it allocates a frame: one this large overflows with the stack
  // pointer far above the limit (see src/sandbox/README.md, "The overflow mark").
  hugeFrame: {
    code: `function g() { var ${Array.from({ length: 40_000 }, (_, i) => `a${i}`).join(",")}; return 1 } const h = (n) => n ? h(n - 1) : g(); for (let n = 0; ; n += 100) h(n)`,
  },
  // After a real overflow, the engine's message is known to the task; carrying it on is the
  // engine's overflow all the same (the task could as well rethrow the real error).
  messageCarriedOn: { code: `let m; try { ${OVERFLOW} } catch (e) { m = e.message } throw { message: m }` },
  // The real constructor is a tripwire (InternalError is no ECMAScript built-in): a VIOLATION.
  forgedFromRealConstructor: forged(`let C; try { ${OVERFLOW} } catch (e) { C = e.constructor } throw new C('stack overflow')`, "VIOLATION"),
  forgedFromRealPrototype: forged(`let P; try { ${OVERFLOW} } catch (e) { P = Object.getPrototypeOf(e) } throw Object.setPrototypeOf(new Error('stack overflow'), P)`),
  forgedFromOtherInternalError: forged("let P; try { let s = 'x'; for (;;) s += s } catch (e) { P = Object.getPrototypeOf(e) } function G() {} G.prototype = P; throw Reflect.construct(Error, ['stack overflow'], G)"),
  forgedPlainObject: forged(`throw ${LOOKALIKE}`),
  forgedSyntaxError: forged("throw new SyntaxError('stack overflow')"),
  forgedProxy: forged("throw new Proxy({}, { getOwnPropertyDescriptor: (t, k) => ({ value: k === 'name' ? 'InternalError' : 'stack overflow', configurable: true }) })"),
  forgedInJob: forged(`await null; throw ${LOOKALIKE}`),
  forgedFromPromise: forged(`return Promise.reject(${LOOKALIKE})`),
  forgedAfterDeepButNoOverflow: forged(`const f = (n) => n ? f(n - 1) + 1 : 0; f(4000); throw ${LOOKALIKE}`),
  forgedAfterRealOverflow: forged(`try { ${OVERFLOW} } catch {} throw ${LOOKALIKE}`),
  thenGetterRecursion: { code: "const o = { get then() { return o.then } }; return o" },
  resultGetterRecursion: { code: "return { get x() { return this.x } }" },
  forgedAsThenGetter: forged(`return { get then() { throw ${LOOKALIKE} } }`, "RESULT_NOT_JSON"),
  forgedFromResultGetter: forged(`return { get x() { throw ${LOOKALIKE} } }`, "RESULT_NOT_JSON"),
};

const CHILD = `
import { createSandbox, hasLargeNativeStack } from ${JSON.stringify(resolve(import.meta.dir, "../../src/sandbox"))};
const faults = [];
const largeStack = hasLargeNativeStack(process.env);
const sandbox = createSandbox({ largeStack, onEngineFault: (e) => faults.push(String(e)) });
const cases = ${JSON.stringify(CASES)};
const outcomes = {};
const request = (code, inputJson = "null") => ({ code, inputJson, timeoutMs: 10000, memoryMb: 256, randomSeed: 1,
  task: { id: "deep", wave: 1, attempt: 1, agent_id: "agent_0" } });
for (const [name, c] of Object.entries(cases)) {
  await sandbox.prepare(256);
  outcomes[name] = (await sandbox.run(request(c.code, c.inputJson))).error?.code ?? "ok";
}
// Inside the guest the engine's overflow message is a per-attempt token; the user reads it as
// the engine's text everywhere the host reports it.
await sandbox.prepare(256);
const seen = await sandbox.run(request("try { (function f() { f() })() } catch (e) { console.log(e.name + ': ' + e.message); return [e.message] }"));
outcomes.seen = { result: seen.resultJson, console: seen.console };
await sandbox.prepare(256);
outcomes.message = (await sandbox.run(request("function f() { return f() + 1 } return f()"))).error?.message;
await sandbox.prepare(256);
outcomes.after = (await sandbox.run(request("return 'alive'"))).resultJson;
console.log(JSON.stringify({ largeStack, faults, outcomes }));
`;

test("deep recursion of every kind is a clean STACK_OVERFLOW under the executor's native stack; forged ones are TASK_ERROR", () => {
  const script = join(dir, "child.ts");
  writeFileSync(script, CHILD);
  const child = Bun.spawnSync(["sh", "-c", `ulimit -s ${NATIVE_STACK_KIB} && exec "$0" "$1"`, process.execPath, script], {
    env: { ...process.env, [NATIVE_STACK_ENV]: String(NATIVE_STACK_USAGE_BYTES) },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(child.stderr.toString()).toBe("");
  expect(child.exitCode).toBe(0);
  const report = JSON.parse(child.stdout.toString());
  expect(report.largeStack).toBe(true);
  expect(report.faults).toEqual([]);
  for (const [name, c] of Object.entries(CASES)) {
    expect([name, report.outcomes[name]]).toEqual([name, c.expect ?? "STACK_OVERFLOW"]);
  }
  expect(report.outcomes.seen).toEqual({ result: '["stack overflow"]', console: ["InternalError: stack overflow"] });
  expect(report.outcomes.message).toBe("InternalError: stack overflow");
  expect(report.outcomes.after).toBe('"alive"');
}, 60_000);
