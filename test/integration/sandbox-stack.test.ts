/**
 * Deep recursion needs the enlarged native stack executors are started with (SPEC 5): WASM
 * frames run on the host stack, so these cases run in a child `bun` started the same way,
 * `ulimit -s 262144` plus BUN_JSC_maxPerThreadStackUsage. Each must end as a clean guest
 * STACK_OVERFLOW with no engine fault, and the sandbox must keep working afterwards.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "buddy-sandbox-stack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: Record<string, { code: string; inputJson?: string }> = {
  recursion: { code: "function f() { return f() + 1 } return f()" },
  getterRecursion: { code: "const o = { get x() { return this.x } }; return o.x" },
  toStringRecursion: { code: "const o = { toString() { return `${o}` } }; return String(o)" },
  proxyRecursion: { code: "const p = new Proxy({}, { get(t, k) { return p[k] } }); return p.x" },
  deepInput: { code: "return input.length", inputJson: "[".repeat(200_000) + "]".repeat(200_000) },
  deepParse: { code: "return JSON.parse('['.repeat(200000) + ']'.repeat(200000)).length" },
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
await sandbox.prepare(256);
outcomes.after = (await sandbox.run(request("return 'alive'"))).resultJson;
console.log(JSON.stringify({ largeStack, faults, outcomes }));
`;

test("deep recursion of every kind is a clean STACK_OVERFLOW under the executor's native stack", () => {
  const script = join(dir, "child.ts");
  writeFileSync(script, CHILD);
  const child = Bun.spawnSync(["sh", "-c", 'ulimit -s 262144 && exec "$0" "$1"', process.execPath, script], {
    env: { ...process.env, BUN_JSC_maxPerThreadStackUsage: "209715200" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(child.stderr.toString()).toBe("");
  expect(child.exitCode).toBe(0);
  const report = JSON.parse(child.stdout.toString());
  expect(report.largeStack).toBe(true);
  expect(report.faults).toEqual([]);
  for (const name of Object.keys(CASES)) expect([name, report.outcomes[name]]).toEqual([name, "STACK_OVERFLOW"]);
  expect(report.outcomes.after).toBe('"alive"');
}, 60_000);
