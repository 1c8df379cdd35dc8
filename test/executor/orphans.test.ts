/**
 * No executor outlives its supervisor (SPEC 5 "Where attempts run"): after `kill -9` of a running
 * `buddy run` (the compiled binary), every executor it started exits within 1 s — one stuck
 * inside a native built-in (its JavaScript never runs again), one waiting on a provider call,
 * and an idle one — and one whose supervisor died before the executor could tie itself to it.
 * The 1 s bound is the product's guarantee, not a benchmark.
 */
import { afterEach, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXECUTOR_ARG, SUPERVISOR_PID_ENV } from "../../src/executor/protocol";
import { BUDDY, tempDir } from "../cli/helpers";

const EXIT_BOUND_MS = 1000;

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

const childrenOf = (pid: number): number[] =>
  readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => stat(p)?.[1] === String(pid));

/** Running: its /proc entry exists and it is not a zombie waiting for a reaper. */
const running = (pid: number) => {
  const state = stat(pid)?.[0];
  return state !== undefined && state !== "Z" && state !== "X";
};

/** CPU time used so far, in clock ticks (utime + stime). */
const cpuTicks = (pid: number) => Number(stat(pid)?.[11] ?? 0) + Number(stat(pid)?.[12] ?? 0);

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; await Bun.sleep(10)) if (condition()) return true;
  return condition();
}

const started: number[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  // Whatever a failing test left behind must not keep burning CPU.
  for (const pid of started.splice(0)) if (running(pid)) process.kill(pid, "SIGKILL");
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Starts `buddy run` on `lines` in a fresh directory; returns its pid. */
function startRun(lines: object[], args: string[], env: Record<string, string> = {}): number {
  const dir = tempDir();
  const input = join(dir, "tasks.jsonl");
  writeFileSync(input, lines.map((l) => JSON.stringify({ wave: 1, predicted_success_probability: 0.5, timeout_ms: 600_000, ...l })).join("\n") + "\n");
  const proc = Bun.spawn([BUDDY, "run", input, "--retry", "none", "--quiet", "--db", join(dir, "buddy.db"), ...args], {
    cwd: dir,
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, BUDDY_DB: "", ...env },
  });
  started.push(proc.pid);
  return proc.pid;
}

/** Kills the supervisor with SIGKILL; returns how long until every executor had exited (or null). */
async function killSupervisor(supervisor: number, executors: number[]): Promise<number | null> {
  started.push(...executors);
  process.kill(supervisor, "SIGKILL");
  const t0 = performance.now();
  const gone = await until(() => executors.every((pid) => !running(pid)), EXIT_BOUND_MS);
  return gone ? performance.now() - t0 : null;
}

test("an executor stuck inside a native built-in, and an idle one, exit within 1 s of kill -9 of buddy", async () => {
  const stuck = { task_id: "stuck", code: "return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 1)" };
  const supervisor = startRun([stuck], ["--threads", "2"]);
  expect(await until(() => childrenOf(supervisor).length === 2, 10_000)).toBe(true);
  const executors = childrenOf(supervisor);
  // 0.5 s of CPU in one of them: it is inside the native loop, not starting up.
  expect(await until(() => executors.some((pid) => cpuTicks(pid) >= 50), 15_000)).toBe(true);
  expect(executors.filter((pid) => cpuTicks(pid) < 50)).toHaveLength(1);
  const latency = await killSupervisor(supervisor, executors);
  expect({ latency, left: executors.filter(running) }).toEqual({ latency: expect.any(Number), left: [] });
  expect(latency!).toBeLessThanOrEqual(EXIT_BOUND_MS);
}, 30_000);

test("an executor waiting on a provider call, and an idle one, exit within 1 s of kill -9 of buddy", async () => {
  let calls = 0;
  // A GoHighLevel that accepts the request and never answers.
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (calls++, new Promise<Response>(() => {})) });
  cleanups.push(() => server.stop(true));
  const env = { GHL_API_TOKEN: "token-orphans", GHL_LOCATION_ID: "loc-orphans", BUDDY_GHL_BASE_URL: `http://127.0.0.1:${server.port}` };
  // Live provider use is a high-risk task: the safety gate wants p ≥ 0.9.
  const waiting = { task_id: "waiting", code: "await providers.ghl.testConnection(); return 1", uses: ["ghl"], predicted_success_probability: 0.95 };
  const quick = { task_id: "quick", code: "return 2" };
  const supervisor = startRun([waiting, quick], ["--live", "--threads", "2", "--agents", "2"], env);
  expect(await until(() => calls > 0 && childrenOf(supervisor).length === 2, 15_000)).toBe(true);
  const executors = childrenOf(supervisor);
  await Bun.sleep(200); // the quick attempt, if it went to the other executor, has answered
  const latency = await killSupervisor(supervisor, executors);
  expect({ latency, left: executors.filter(running) }).toEqual({ latency: expect.any(Number), left: [] });
  expect(latency!).toBeLessThanOrEqual(EXIT_BOUND_MS);
}, 30_000);

test("an executor whose supervisor died before it tied itself to it (it was re-parented) exits at once", async () => {
  // The supervisor's pid it is told is not its parent's: what it sees after a re-parenting.
  const proc = Bun.spawn([BUDDY, EXECUTOR_ARG], { stdin: "pipe", stdout: "ignore", stderr: "ignore", env: { PATH: process.env.PATH, [SUPERVISOR_PID_ENV]: "1" } });
  started.push(proc.pid);
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(EXIT_BOUND_MS).then(() => false)]);
  expect({ exited, signal: proc.signalCode }).toEqual({ exited: true, signal: "SIGKILL" });
});
