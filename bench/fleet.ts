/**
 * SPEC 11's throughput row: trivial tasks through a PostgreSQL backend worked by two `buddy
 * worker` processes (one executor each), against the same run on the local store with two
 * executors, on this machine. The backend is a throw-away cluster on loopback (test/pg/cluster.ts).
 * Both runs use `--concurrency 16`: a fleet's throughput comes from the attempts it has out, and
 * with one per agent every attempt would wait on its own round trips (the README says so).
 * Each side runs twice, alternating, and keeps its faster run.
 */
import { join } from "node:path";
import { startCluster } from "../test/pg/cluster";
import { allSucceeded, runBuddy, scratch, taskFile } from "./buddy";
import { atLeast, round, row, type Row } from "./goal";
import { trivialTask } from "./trivial";

export const FLEET = atLeast(0.5, "x local store");
const BUDDY = process.env.BUDDY_BIN ?? join(import.meta.dir, "..", "dist/buddy");
const CONCURRENCY = "16";

export async function fleetRow(tasks: number): Promise<Row> {
  const cluster = await startCluster();
  if (cluster === undefined) throw new Error("no PostgreSQL server binaries on this machine");
  try {
    const file = taskFile("fleet.jsonl", tasks, trivialTask);
    const local: number[] = [];
    const fleet: number[] = [];
    for (let round = 0; round < 2; round++) {
      const ran = await runBuddy(["run", file, "--threads", "2", "--concurrency", CONCURRENCY, "--seed", "1", "--quiet", "--db", join(scratch, `fleet-local-${round}.db`)]);
      allSucceeded(ran, tasks, `${tasks} trivial tasks on the local store`);
      local.push(ran.ms);
      fleet.push(await fleetRun(file, tasks, await cluster.freshDatabase(`bench${round}`)));
    }
    const best = (xs: number[]) => Math.min(...xs);
    return row(best(local) / best(fleet), FLEET, {
      tasks,
      workers: 2,
      concurrency: Number(CONCURRENCY),
      local_tasks_per_second: round(tasks / (best(local) / 1000)),
      fleet_tasks_per_second: round(tasks / (best(fleet) / 1000)),
    });
  } finally {
    cluster.destroy();
  }
}

/** The submitter's wall time, with two workers started beside it and stopped after it. */
async function fleetRun(file: string, tasks: number, url: string): Promise<number> {
  const workers = [0, 1].map(() => Bun.spawn([BUDDY, "worker", "--backend", url, "--threads", "1", "--quiet"], { cwd: scratch, stdout: "ignore", stderr: "pipe" }));
  try {
    const ran = await runBuddy(["run", file, "--backend", url, "--threads", "0", "--concurrency", CONCURRENCY, "--seed", "1", "--quiet"]);
    allSucceeded(ran, tasks, `${tasks} trivial tasks through PostgreSQL`);
    return ran.ms;
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    // A worker stopped by SIGTERM exits 143 and says so; anything else is worth showing.
    for (const w of workers) {
      const [code, stderr] = await Promise.all([w.exited, new Response(w.stderr).text()]);
      if (code !== 143) process.stderr.write(`worker exited ${code}: ${stderr}`);
    }
  }
}
