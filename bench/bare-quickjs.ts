/**
 * Per-attempt cost of the sandbox against the bare QuickJS cycle it is judged by (SPEC 10):
 * median µs of `await sandbox.run()` for a trivial `return 1` and of `runBareCycle()`, interleaved
 * in rounds so that machine noise hits both alike. Prints one JSON object. `run` is asynchronous
 * (provider calls may await the host), so its figure includes the promise it returns.
 *
 *     bun bench/bare-quickjs.ts [runs=1000]
 */
import { createSandbox, prepareBareCycle, runBareCycle, type SandboxRequest } from "../src/sandbox";

const runs = Number(process.argv[2] ?? 1000);
const ROUNDS = 10;
const request: SandboxRequest = {
  code: "return 1",
  inputJson: "null",
  task: { id: "bench", wave: 1, attempt: 1, agent_id: "agent_0" },
  timeoutMs: 5000,
  memoryMb: 64,
  randomSeed: 1,
};

const sandbox = createSandbox();
await sandbox.prepare(request.memoryMb);
await prepareBareCycle();
for (let i = 0; i < 200; i++) (runBareCycle(), await sandbox.run(request)); // warm the JIT

const samples = { bare: [] as number[], run: [] as number[] };
const time = async (into: number[], f: () => unknown) => {
  const start = performance.now();
  await f();
  into.push((performance.now() - start) * 1000);
};
for (let round = 0; round < ROUNDS; round++) {
  // Both timed through `await`, so the one microtask hop weighs on both alike.
  for (let i = 0; i < runs / ROUNDS; i++) await time(samples.bare, runBareCycle);
  for (let i = 0; i < runs / ROUNDS; i++) await time(samples.run, () => sandbox.run(request));
}
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
const bare = median(samples.bare);
const run = median(samples.run);
console.log(JSON.stringify({ runs, bare_cycle_us: Math.round(bare), run_us: Math.round(run), ratio: +(run / bare).toFixed(2) }));
