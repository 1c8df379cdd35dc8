/**
 * The bench's process-tree memory sampler (bench/rss.ts), which gives SPEC 10's "peak memory of
 * the whole process tree": /proc status parsing, the sum over a tree, and a real child seen.
 */
import { describe, expect, test } from "bun:test";
import { parseStatus, readProcTable, sampleTreeRss, treeRssKb, type ProcEntry } from "../../bench/rss";

const status = (ppid: number, rss?: number) =>
  ["Name:\tbuddy", "State:\tS (sleeping)", `PPid:\t${ppid}`, ...(rss === undefined ? [] : [`VmRSS:\t  ${rss} kB`]), "Threads:\t4", ""].join("\n");

describe("parseStatus", () => {
  test("reads PPid and VmRSS in kB", () => {
    expect(parseStatus(status(17, 52_344))).toEqual({ ppid: 17, rssKb: 52_344 });
  });

  test("a process without VmRSS (a zombie, a kernel thread) holds 0 kB", () => {
    expect(parseStatus(status(2))).toEqual({ ppid: 2, rssKb: 0 });
  });

  test("a name that looks like a field does not fool it", () => {
    expect(parseStatus(`Name:\tPPid: 99 VmRSS: 1 kB\nPPid:\t5\nVmRSS:\t10 kB\n`)).toEqual({ ppid: 5, rssKb: 10 });
  });

  test("text without PPid is no process", () => {
    expect(parseStatus("")).toBeUndefined();
  });
});

describe("treeRssKb", () => {
  const table = new Map<number, ProcEntry>([
    [1, { ppid: 0, rssKb: 1000 }],
    [10, { ppid: 1, rssKb: 100 }], // buddy
    [11, { ppid: 10, rssKb: 20 }], // its executors
    [12, { ppid: 10, rssKb: 30 }],
    [13, { ppid: 12, rssKb: 4 }], // a grandchild
    [20, { ppid: 1, rssKb: 500 }], // a neighbour, not in the tree
  ]);

  test("adds the root and every descendant, and nothing else", () => {
    expect(treeRssKb(table, 10)).toBe(154);
    expect(treeRssKb(table, 12)).toBe(34);
  });

  test("a root that has exited counts 0", () => {
    expect(treeRssKb(table, 99)).toBe(0);
  });
});

describe("on this machine's /proc", () => {
  test("the table holds this process with its parent", () => {
    expect(readProcTable().get(process.pid)?.ppid).toBe(process.ppid);
  });

  /** A child process holding 64 MB it has written to (so resident), until killed. */
  async function holder() {
    const child = Bun.spawn([process.execPath, "-e", "const b = Buffer.alloc(64 << 20, 1); console.log('ready'); await Bun.sleep(60_000); b;"], { stdout: "pipe" });
    await child.stdout.getReader().read(); // "ready"
    return child;
  }

  test("the tree of this process holds its own memory and its child's 64 MB", async () => {
    const child = await holder();
    const table = readProcTable();
    child.kill();
    await child.exited;
    expect(table.get(child.pid)?.ppid).toBe(process.pid);
    const [own, held] = [table.get(process.pid)!.rssKb, table.get(child.pid)!.rssKb];
    expect(held).toBeGreaterThan(64 * 1024);
    expect(treeRssKb(table, process.pid)).toBeGreaterThanOrEqual(own + held);
  });

  test("the sampler's peak for a child's tree holds its 64 MB, and stays after it exits", async () => {
    const child = await holder();
    const sampler = sampleTreeRss(child.pid, 10);
    child.kill();
    await child.exited;
    expect(sampler.stop()).toBeGreaterThan(64 * 1024);
  });
});
