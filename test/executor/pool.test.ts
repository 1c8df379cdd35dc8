import { afterEach, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { silentLogger, systemClock } from "../../src/core";
import { ExecutorPool, EXECUTOR_ARG, KILL_GRACE_MS, spawnExecutor } from "../../src/executor";
import { createSandbox, type SandboxHost, type SandboxRequest } from "../../src/sandbox";
import { NATIVE_STACK_ENV } from "../../src/sandbox/limits";
import { liveChildren } from "./children";

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts");
const command = [process.execPath, MAIN, EXECUTOR_ARG];
const pools: ExecutorPool[] = [];
const pool = (size = 1, cmd: string[] = command) => {
  const p = new ExecutorPool({ size, command: cmd, clock: systemClock, logger: silentLogger });
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const request = (code: string, over: Partial<SandboxRequest> = {}): SandboxRequest => ({
  code,
  inputJson: "null",
  task: { id: "t", wave: 1, attempt: 1, agent_id: "agent_0" },
  timeoutMs: 1000,
  memoryMb: 64,
  randomSeed: 1,
  ...over,
});

test("attempts run in executor processes and come back as JSON", async () => {
  const p = pool(2);
  const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => p.run(request(`return ${n} * 2`))));
  expect(outcomes.map((o) => o.ok && JSON.parse(o.resultJson!))).toEqual([2, 4, 6, 8, 10]);
});

test("an executor stuck in a native built-in that never polls is killed; the attempt is a TIMEOUT and the next one runs", async () => {
  const p = pool(1);
  const stuck = p.run(request("return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 'x')", { timeoutMs: 200 }));
  const after = p.run(request("return 'after'"));
  const outcome = await stuck;
  expect(outcome.ok).toBe(false);
  expect(outcome.error?.code).toBe("TIMEOUT");
  // Its own kernel alarm ended it, exactly KILL_GRACE_MS past the deadline on its clock.
  expect(outcome.error?.message).toContain(`its executor was stopped ${KILL_GRACE_MS} ms later`);
  expect(outcome.durationMs).toBe(200 + KILL_GRACE_MS);
  const next = await after;
  expect(next.ok).toBe(true);
  expect(JSON.parse(next.resultJson!)).toBe("after");
});

test("a stuck executor ends at its deadline + KILL_GRACE_MS even while the supervisor's own thread is blocked", async () => {
  const p = pool(1);
  await p.run(request("return 1")); // the executor is up and its engine loaded
  const [executor] = liveChildren();
  const started = performance.now();
  const stuck = p.run(request("return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 'x')", { timeoutMs: 100 }));
  // Block this thread (no timer, no pipe read, no exit handling) past the kill time, watching
  // for the executor's death from here.
  let diedAfter: number | undefined;
  while (performance.now() - started < 800) {
    if (diedAfter === undefined && !liveChildren().includes(executor!)) diedAfter = performance.now() - started;
  }
  expect(executor).toBeDefined();
  expect(diedAfter).toBeGreaterThanOrEqual(100 + KILL_GRACE_MS);
  expect(diedAfter).toBeLessThanOrEqual(100 + 250);
  expect((await stuck).error?.code).toBe("TIMEOUT");
});

/**
 * A stand-in executor that answers an attempt with `started` after `waitMs`, dated `backdateMs`
 * earlier (a message that waited in the pipe), says whether it armed an alarm, and then hangs.
 * It also prints the date it sent on stderr, which the pool logs.
 */
const hangingExecutor = (o: { waitMs: number; backdateMs: number; alarm: boolean }) => [
  process.execPath,
  "-e",
  `for await (const chunk of Bun.stdin.stream()) {
     const line = new TextDecoder().decode(chunk).split("\\n").find((l) => l.includes('"attempt"'));
     if (!line) continue;
     await Bun.sleep(${o.waitMs});
     const at = Date.now() - ${o.backdateMs};
     process.stderr.write("dated " + at + "\\n");
     process.stdout.write(JSON.stringify({ type: "started", id: JSON.parse(line).id, at, alarm: ${o.alarm} }) + "\\n");
   }`,
];

test("without an alarm, the supervisor kills a silent executor at deadline + KILL_GRACE_MS, counted from the attempt's start as the executor dated it", async () => {
  const logged: string[] = [];
  const p = new ExecutorPool({
    size: 1,
    // It starts 150 ms after it got the attempt; its message says it started 100 ms before it was read.
    command: hangingExecutor({ waitMs: 150, backdateMs: 100, alarm: false }),
    clock: systemClock,
    logger: { info: () => {}, warn: (m) => logged.push(m) },
  });
  pools.push(p);
  const outcome = await p.run(request("return 1", { timeoutMs: 200 }));
  const ended = Date.now();
  const dated = Number(/dated (\d+)/.exec(logged.join("\n"))?.[1]);
  expect(outcome.error?.code).toBe("TIMEOUT");
  expect(outcome.error?.message).toContain("the supervisor killed its executor");
  // Counted from when the message was read, it would end 100 ms later than this.
  expect(ended - dated).toBeGreaterThanOrEqual(200 + KILL_GRACE_MS);
  expect(ended - dated).toBeLessThanOrEqual(200 + 250);
});

test("a start dated before the attempt was even sent cannot make the kill early", async () => {
  const p = pool(1, hangingExecutor({ waitMs: 0, backdateMs: 10_000, alarm: false }));
  const sent = performance.now();
  const outcome = await p.run(request("return 1", { timeoutMs: 200 }));
  expect(outcome.error?.code).toBe("TIMEOUT");
  expect(performance.now() - sent).toBeGreaterThanOrEqual(200 + KILL_GRACE_MS);
});

test("with an alarm armed, the supervisor's kill is only a later backstop: it does not race the alarm", async () => {
  const p = pool(1, hangingExecutor({ waitMs: 0, backdateMs: 0, alarm: true }));
  const sent = performance.now();
  const outcome = await p.run(request("return 1", { timeoutMs: 100 }));
  expect(outcome.error?.code).toBe("TIMEOUT");
  expect(performance.now() - sent).toBeGreaterThanOrEqual(100 + KILL_GRACE_MS + 1000);
});

test("deep recursion ends as STACK_OVERFLOW inside the large-stack executor, not as a crash", async () => {
  const outcome = await pool(1).run(request("function f(n) { return f(n + 1) + 1; } return f(0);"));
  expect(outcome.error?.code).toBe("STACK_OVERFLOW");
});

test("executors know they have the large stack: source nested past the small stack's limit runs", async () => {
  // 200 levels: above SMALL_STACK_MAX_NESTING, refused without the enlarged stack; below the large one's.
  const outcome = await pool(1).run(request(`return ${"(".repeat(200)}1${")".repeat(200)};`));
  expect(outcome.error).toBeUndefined();
  expect(outcome.resultJson).toBe("1");
});

describe("a provider call from an executor is answered as in the in-process sandbox", () => {
  const call = "try { await providers.ghl.getContact('c1'); return 'answered'; } catch (e) { return e; }";
  const sandbox = createSandbox();
  const inProcess = async (host?: SandboxHost) => {
    await sandbox.prepare(64);
    return JSON.parse((await sandbox.run(request(call, { uses: ["ghl"] }), host)).resultJson!);
  };
  const failing: SandboxHost = { call: () => Promise.reject(new Error("store gone")) };

  test("without a host: no providers are available (403)", async () => {
    const error = JSON.parse((await pool(1).run(request(call, { uses: ["ghl"] }))).resultJson!);
    expect(error).toEqual({ code: "PROVIDER_ERROR", provider: "ghl", method: "getContact", status: 403, message: "no providers are available to this attempt" });
    expect(error).toEqual(await inProcess());
  });

  test("with a host that fails: the call failed before it was answered (500)", async () => {
    const error = JSON.parse((await pool(1).run(request(call, { uses: ["ghl"] }), failing)).resultJson!);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", status: 500, message: "the provider call failed before it was answered" });
    expect(error).toEqual(await inProcess(failing));
  });
});

test("an executor that dies costs its attempt AGENT_CRASH; executors that keep dying fail the pool instead of looping", async () => {
  // Each executor takes its attempt and dies with it in flight.
  const p = pool(1, ["/bin/sh", "-c", "read -r attempt; exit 3"]);
  const codes: string[] = [];
  let failure: unknown;
  for (let i = 0; i < 10 && failure === undefined; i++) {
    await p.run(request("return 1")).then((o) => codes.push(o.error!.code), (e) => (failure = e));
  }
  expect(codes.length).toBeGreaterThan(0);
  expect(codes.filter((c) => c !== "AGENT_CRASH")).toEqual([]);
  expect(String(failure)).toContain("executor processes keep exiting");
});

test("executors get no credentials: only PATH, HOME, TMPDIR, locale, the stack marker and JSC's fast-memory limit", async () => {
  const proc = spawnExecutor(["/usr/bin/env"], { PATH: "/usr/bin:/bin", HOME: "/tmp", GHL_API_TOKEN: "secret-token", MSGRAPH_CLIENT_SECRET: "s3cret" });
  proc.stdin.end();
  const vars = (await new Response(proc.stdout).text()).trim().split("\n").map((l) => l.split("=")[0]);
  await proc.exited;
  expect(vars).toContain("PATH");
  expect(vars).toContain(NATIVE_STACK_ENV);
  expect(vars.filter((v) => /TOKEN|SECRET|GHL|MSGRAPH/.test(v!))).toEqual([]);
});
