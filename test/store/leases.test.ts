/** Leases across processes: claimants racing for the same run never both win (SPEC 9.1). */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store";
import { ingest, newRun, task } from "../contract/store/data";

const CLAIMER = join(import.meta.dir, "claimer.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("six processes claiming one run at the same instant, ten times over: exactly one wins each time", async () => {
  const dir = mkdtempSync(join(tmpdir(), "buddy-leases-"));
  dirs.push(dir);
  const db = join(dir, "buddy.db");
  for (let round = 0; round < 10; round++) {
    const run = newRun();
    const store = await openStore(db);
    await ingest(store, run, [task(0)]);
    await store.close();
    const startAt = Date.now() + 400;
    const procs = Array.from({ length: 6 }, () => Bun.spawn([process.execPath, CLAIMER, db, run.run_id, String(startAt)], { stdout: "pipe", stderr: "pipe" }));
    const outs = await Promise.all(procs.map(async (p) => ({ out: (await new Response(p.stdout).text()).trim(), err: await new Response(p.stderr).text(), code: await p.exited })));
    expect(outs.filter((o) => o.code !== 0)).toEqual([]);
    expect(outs.map((o) => o.out).sort()).toEqual(["refused", "refused", "refused", "refused", "refused", "won 1"]);
  }
}, 60_000);
