/**
 * buddy's benchmark (SPEC 10). Prints one JSON object:
 * - trivial code tasks end to end through dist/buddy (validated, persisted, printed), per second;
 * - a bare QuickJS create-eval-dispose loop in the same number of processes, per second;
 * - their ratio (SPEC 10 asks for at least 0.5);
 * - simulated tasks per second, and `buddy --version` start-up time;
 * - the store's ingest and task-final writes per second (bench/store.ts, its own process).
 * Run with `npm run bench` (builds first). Figures depend on the machine: compare runs made on
 * the same one.
 */
import { cpus } from "node:os";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const BUDDY = join(ROOT, "dist/buddy");
const THREADS = Number(process.env.BENCH_THREADS ?? cpus().length);
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const SIMULATED = Number(process.env.BENCH_SIMULATED ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), "buddy-bench-"));

function taskFile(name: string, count: number, line: (i: number) => object): string {
  const path = join(dir, name);
  writeFileSync(path, Array.from({ length: count }, (_, i) => JSON.stringify(line(i))).join("\n") + "\n");
  return path;
}

async function timed(args: string[]): Promise<{ ms: number; lines: number; code: number }> {
  const start = performance.now();
  const proc = Bun.spawn([BUDDY, ...args], { stdout: "pipe", stderr: "inherit", cwd: dir });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  return { ms: performance.now() - start, lines: out.split("\n").length - 1, code };
}

async function bare(): Promise<number> {
  const per = Math.ceil(TASKS / THREADS);
  const procs = Array.from({ length: THREADS }, () =>
    Bun.spawn([process.execPath, join(ROOT, "bench/bare.ts"), String(per)], { stdout: "pipe", stderr: "inherit" }));
  const results = await Promise.all(procs.map(async (p) => JSON.parse(await new Response(p.stdout).text()) as { cycles: number; ms: number }));
  // Processes run side by side: the pool's rate is the sum of each process's rate.
  return results.reduce((sum, r) => sum + r.cycles / (r.ms / 1000), 0);
}

const trivial = taskFile("trivial.jsonl", TASKS, (i) => ({ task_id: `t${i}`, predicted_success_probability: 0.9, code: "return 1" }));
const simulated = taskFile("simulated.jsonl", SIMULATED, (i) => ({ task_id: `s${i}`, wave: 1 + (i % 4), predicted_success_probability: 0.8 }));

const e2e = await timed(["run", trivial, "--threads", String(THREADS), "--seed", "1", "--quiet", "--db", join(dir, "e2e.db")]);
if (e2e.code !== 0 || e2e.lines !== TASKS + 2) throw new Error(`trivial run failed: exit ${e2e.code}, ${e2e.lines} lines`);
const bareRate = await bare();
const sim = await timed(["run", simulated, "--simulate", "--seed", "1", "--quiet", "--db", join(dir, "sim.db")]);
const versions: number[] = [];
for (let i = 0; i < 10; i++) versions.push((await timed(["--version"])).ms);
versions.sort((a, b) => a - b);
const storeProc = Bun.spawn([process.execPath, join(ROOT, "bench/store.ts")], { stdout: "pipe", stderr: "inherit" });
const storeOut = await new Response(storeProc.stdout).text();
if ((await storeProc.exited) !== 0) throw new Error("bench/store.ts failed");
const store = JSON.parse(storeOut) as Record<string, number>;

const e2eRate = TASKS / (e2e.ms / 1000);
const round = (x: number) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  threads: THREADS,
  trivial_tasks: TASKS,
  trivial_tasks_per_second: round(e2eRate),
  bare_quickjs_cycles_per_second: round(bareRate),
  trivial_vs_bare_ratio: Math.round((e2eRate / bareRate) * 1000) / 1000,
  simulated_tasks: SIMULATED,
  simulated_tasks_per_second: round(SIMULATED / (sim.ms / 1000)),
  simulated_exit_code: sim.code,
  version_startup_ms_median: round(versions[5]!),
  ...store,
}));
