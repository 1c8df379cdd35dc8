/**
 * buddy's benchmark (SPEC 10): every row of SPEC 10's table measured side by side in one call,
 * printed as one JSON object (see the README for each row). `rows` holds one entry per figure —
 * `{figure, unit, goal, ratio, met, …details}` with ratio = figure ÷ goal — and `store` the
 * store's write rates from bench/store.ts. A row whose measurement failed has `figure: null`
 * and an `error`. Rows with time ceilings keep the whole call under 5 minutes on a 2-core
 * machine; a row cut down to fit says so in its `note`.
 *
 * Run with `npm run bench` (builds dist/buddy first; BUDDY_BIN runs another binary). Figures
 * depend on the machine: compare runs made on the same one.
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { ROOT, runBuddy, scratch } from "./buddy";
import { atMost, failedRow, round, row, type Row, type Target } from "./goal";
import { FLEET, fleetRow } from "./fleet";
import { IO_BOUND, ioRow } from "./io";
import { NODE_PER_TASK, nodePerTaskRow } from "./node-per-task";
import { MILLION_MEMORY, MILLION_STORE, millionRows, SIMULATED_RATE, simulatedRow } from "./simulated";
import { TRIVIAL, trivialRow } from "./trivial";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const THREADS = env("BENCH_THREADS", cpus().length);
/** The whole call's time budget; the million-task row, last, gets what is left of it. */
const BUDGET_MS = env("BENCH_BUDGET_S", 270) * 1000;
const started = performance.now();
const STARTUP = atMost(50, "ms median");

/** The row `measure` gives, or a failed row with the reason. */
async function measured(target: Target, measure: () => Promise<Row>): Promise<Row> {
  try {
    return await measure();
  } catch (e) {
    return failedRow(target, e);
  }
}

async function versionRow(): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < 11; i++) times.push((await runBuddy(["--version"])).ms);
  times.sort((a, b) => a - b);
  return row(times[5]!, STARTUP, { runs: times.length });
}

async function storeRates(): Promise<Record<string, number>> {
  const proc = Bun.spawn([process.execPath, join(ROOT, "bench/store.ts")], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("bench/store.ts failed");
  return JSON.parse(out) as Record<string, number>;
}

const rows: Record<string, Row> = {};
rows.trivial_vs_bare = await measured(TRIVIAL, () => trivialRow(env("BENCH_TASKS", 10_000), THREADS));
rows.node_per_task = await measured(NODE_PER_TASK, () => nodePerTaskRow(env("BENCH_NODE_TASKS", 1_000), THREADS, env("BENCH_NODE_CEILING_S", 45) * 1000));
rows.io_bound = await measured(IO_BOUND, () => ioRow(env("BENCH_IO_TASKS", 1_000), env("BENCH_IO_CEILING_S", 45) * 1000));
rows.simulated_rate = await measured(SIMULATED_RATE, () => simulatedRow(env("BENCH_SIMULATED", 200_000)));
rows.version_startup = await measured(STARTUP, versionRow);
rows.postgres_fleet = await measured(FLEET, () => fleetRow(env("BENCH_FLEET_TASKS", 3_000)));
const store = await storeRates().catch((e: Error) => ({ error: e.message }));
try {
  const million = await millionRows(env("BENCH_MILLION", 1_000_000), env("BENCH_MILLION_CEILING_S", 150) * 1000, started + BUDGET_MS);
  rows.million_peak_memory = million.memory;
  rows.million_store_bytes = million.store;
} catch (e) {
  rows.million_peak_memory = failedRow(MILLION_MEMORY, e);
  rows.million_store_bytes = failedRow(MILLION_STORE, e);
}
rmSync(scratch, { recursive: true, force: true });

console.log(JSON.stringify({
  threads: THREADS,
  all_met: Object.values(rows).every((r) => r.met),
  wall_s: round((performance.now() - started) / 1000),
  rows,
  store,
}));
