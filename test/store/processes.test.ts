/**
 * The SQLite store across processes: two writers at once (WAL lets them take turns within the
 * busy timeout), and `kill -9` in the middle of a run losing nothing that was reported (SPEC 9.1).
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store";

const WRITER = join(import.meta.dir, "writer.ts");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "buddy-store-proc-"));
  dirs.push(dir);
  return join(dir, "buddy.db");
}

function spawnWriter(db: string, runId: string, tasks: number, batch: number) {
  return Bun.spawn([process.execPath, WRITER, db, runId, String(tasks), String(batch)], {
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** The finals of `runId` that the store holds. */
async function finalsIn(db: string, runId: string): Promise<number> {
  const store = await openStore(db);
  try {
    return (await store.tasks(runId)).filter((t) => t.status === "succeeded").length;
  } finally {
    await store.close();
  }
}

test("two processes writing to the same store at the same time both succeed", async () => {
  const db = freshDb();
  const writers = ["run-a", "run-b"].map((runId) => ({ runId, proc: spawnWriter(db, runId, 20_000, 20) }));
  for (const { proc } of writers) {
    const stderr = await new Response(proc.stderr).text();
    expect({ exit: await proc.exited, stderr }).toEqual({ exit: 0, stderr: "" });
  }
  for (const { runId } of writers) expect(await finalsIn(db, runId)).toBe(20_000);
});

test("kill -9 mid-run loses no batch that was reported, and no batch is half-written", async () => {
  const db = freshDb();
  const batch = 500;
  const proc = spawnWriter(db, "run-k", 100_000, batch);
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  // Kill once a few batches have been reported, while the writer is still committing more.
  while ((text.match(/committed/g) ?? []).length < 5) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  proc.kill("SIGKILL");
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
  }
  expect(await proc.exited).not.toBe(0);

  const reported = Math.max(...[...text.matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));
  const held = await finalsIn(db, "run-k");
  expect(reported).toBeGreaterThanOrEqual(5 * batch);
  expect(held).toBeGreaterThanOrEqual(reported);
  expect(held % batch).toBe(0);
  expect(held).toBeLessThan(100_000);
});
