/**
 * When a lease holder counts as dead (SPEC 9.1), judged against real processes: only a holder
 * on this host, in this pid namespace, whose process is gone, a zombie, or another process
 * under a reused pid; a holder elsewhere is left to its heartbeat.
 */
import { expect, test } from "bun:test";
import { hostname } from "node:os";
import { holderIsDead, processStarted } from "../../src/harness/lease";

const holderFor = (pid: number, overrides: Partial<{ host: string; process_started: string | null; owner: string }> = {}) => ({
  owner: crypto.randomUUID(),
  host: hostname(),
  pid,
  process_started: processStarted(pid),
  ...overrides,
});

test("a live process is alive; once it has exited and been reaped it is dead", async () => {
  const child = Bun.spawn(["sleep", "30"]);
  const holder = holderFor(child.pid);
  expect(holder.process_started).toMatch(/^.+:pid:\[\d+\]\/\d+$/);
  expect(holderIsDead(holder)).toBe(false);
  child.kill("SIGKILL");
  await child.exited;
  expect(holderIsDead(holder)).toBe(true);
});

test("a zombie (exited, not yet reaped by its parent) is dead", async () => {
  // `sleep 0` exits at once; its parent, exec'd into a long sleep, never reaps it.
  const parent = Bun.spawn(["sh", "-c", "sleep 0 & echo $!; exec sleep 30"], { stdout: "pipe" });
  try {
    const reader = parent.stdout.getReader();
    const zombie = Number(new TextDecoder().decode((await reader.read()).value).trim());
    const stateOf = async () => (await Bun.file(`/proc/${zombie}/stat`).text()).split(") ")[1]?.[0];
    for (let i = 0; i < 200 && (await stateOf()) !== "Z"; i++) await Bun.sleep(5);
    expect(await stateOf()).toBe("Z");
    expect(holderIsDead(holderFor(zombie))).toBe(true);
  } finally {
    parent.kill("SIGKILL");
    await parent.exited;
  }
});

test("a live pid that started at another time is another process: the holder is dead", async () => {
  const child = Bun.spawn(["sleep", "30"]);
  try {
    const real = processStarted(child.pid)!;
    const reused = { ...holderFor(child.pid), process_started: real.replace(/\/\d+$/, "/1") };
    expect(holderIsDead(reused)).toBe(true);
  } finally {
    child.kill("SIGKILL");
  }
});

test("another host, or another pid namespace, is never judged dead here; another boot of this host is", async () => {
  const gone = Bun.spawn(["true"]);
  await gone.exited;
  expect(holderIsDead(holderFor(gone.pid, { host: "some-other-host" }))).toBe(false);
  const mine = processStarted(process.pid)!;
  const [boot] = mine.split(":");
  const otherNs = mine.replace(/pid:\[\d+\]/, "pid:[1]");
  expect(holderIsDead(holderFor(gone.pid, { process_started: otherNs }))).toBe(false);
  const otherBoot = mine.replace(boot!, "00000000-0000-0000-0000-000000000000");
  expect(holderIsDead(holderFor(process.pid, { process_started: otherBoot }))).toBe(true);
});

test("this process's own pid under another owner id is an earlier process: dead; a live pid with its start time is not", () => {
  expect(holderIsDead(holderFor(process.pid))).toBe(true);
  expect(holderIsDead(holderFor(1))).toBe(false);
});
