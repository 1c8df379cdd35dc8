/**
 * One process of the bare baseline: create a QuickJS runtime and context, evaluate, dispose,
 * in a loop. Prints {cycles, ms} for the parent to add up.
 */
import { prepareBareCycle, runBareCycle } from "../src/sandbox";

const cycles = Number(process.argv[2] ?? 5000);
await prepareBareCycle();
for (let i = 0; i < 200; i++) runBareCycle(); // warm the module and the JIT
const start = performance.now();
for (let i = 0; i < cycles; i++) runBareCycle();
console.log(JSON.stringify({ cycles, ms: performance.now() - start }));
